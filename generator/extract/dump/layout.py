"""Raw dump text -> paragraphs: split table columns, reflow wrapped lines.

w3m lays tables out side by side and hard-wraps at 80 columns; lynx indents by three and
wraps space-separated text but leaves long CJK runs unbroken. Both become the same stream
of `Para` records: one per paragraph, in reading order of its first line.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ...lang import CJK_RE

# Three or more spaces inside a line separate table cells in a w3m dump; prose never has
# them (neither w3m nor lynx justifies text), while two spaces follow some sentence ends.
CELL_GAP_RE = re.compile(r" {3,}")
# Both dumpers were run with 80 columns; a line this wide or wider was wrapped by the dumper.
DUMP_WIDTH = 80
# A line longer than this is never display text laid out by a dumper; cap work per line.
MAX_LINE_CHARS = 20000
BULLET_RE = re.compile(r"^(?:[•·●○◦▪■□◆◇►▶»*+\-–—]\s+|[•·●○◦▪■□◆◇►▶»]|\[\d+\]|\d{1,2}[.)]\s)")
_CJK_PUNCT = "，。、；：？！「」『』（）《》〈〉【】—…　"


@dataclass(frozen=True)
class Para:
    """One reflowed paragraph of the dump."""

    line: int  # index of its first physical line
    col: int  # display column where it starts
    text: str
    nlines: int  # physical lines it was built from
    bullet: bool  # starts with a list marker


def display_width(text: str) -> int:
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def split_cells(line: str) -> list[tuple[int, str]]:
    """(start column, text) of each table cell of one physical line."""
    line = line[:MAX_LINE_CHARS].replace("\t", "    ").rstrip()
    cells, pos, col = [], 0, 0
    stripped = line.lstrip(" ")
    col = pos = len(line) - len(stripped)
    for m in CELL_GAP_RE.finditer(line, pos):
        piece = line[pos:m.start()]
        if piece.strip():
            cells.append((col, piece))
        col += display_width(line[pos:m.end()])
        pos = m.end()
    piece = line[pos:]
    if piece.strip():
        cells.append((col, piece))
    return cells


def _is_wide(ch: str) -> bool:
    return bool(CJK_RE.match(ch)) or ch in _CJK_PUNCT or unicodedata.east_asian_width(ch) in "WF"


def join_wrapped(left: str, right: str) -> str:
    """Join two wrapped pieces: no space between CJK characters, one otherwise."""
    if not left:
        return right
    if _is_wide(left[-1]) or _is_wide(right[0]):
        return left + right
    return left + " " + right


def _track_widths(rows: list[list[tuple[int, str]]]) -> dict[int, int]:
    """Wrap width per start column: the widest line there that fits the dump width."""
    fits: dict[int, int] = {}
    over: dict[int, int] = {}
    for cells in rows:
        for col, text in cells:
            end = col + display_width(text)
            target = fits if end <= DUMP_WIDTH else over
            target[col] = max(target.get(col, 0), end)
    return {col: fits.get(col) or over[col] for col in set(fits) | set(over)}


def _first_token_width(text: str) -> int:
    if _is_wide(text[0]):
        return 2
    return display_width(text.split(" ", 1)[0]) + 1


def _continues(prev_end: int, width: int, nxt: str) -> bool:
    """Was the previous line wrapped by the dumper, so that `nxt` goes on its paragraph?"""
    if BULLET_RE.match(nxt):
        return False
    return prev_end > width or prev_end + _first_token_width(nxt) > width


def reflow_lines(text: str) -> list[Para]:
    """Paragraphs of a dump, in reading order; wrapped lines joined."""
    rows = [split_cells(line) for line in text.splitlines()]
    widths = _track_widths(rows)
    done: list[tuple[int, int, list[str], bool]] = []
    open_: dict[int, tuple[int, list[str], int, bool]] = {}  # col -> (line, pieces, end, bullet)
    for i, cells in enumerate(rows):
        still: dict[int, tuple[int, list[str], int, bool]] = {}
        for col, piece in cells:
            piece = piece.strip()
            end = col + display_width(piece)
            cur = open_.pop(col, None)
            if cur and _continues(cur[2], widths[col], piece):
                still[col] = (cur[0], cur[1] + [piece], end, cur[3])
                continue
            if cur:
                done.append((cur[0], col, cur[1], cur[3]))
            still[col] = (i, [piece], end, bool(BULLET_RE.match(piece)))
        for col, cur in open_.items():
            done.append((cur[0], col, cur[1], cur[3]))
        open_ = still
    for col, cur in open_.items():
        done.append((cur[0], col, cur[1], cur[3]))
    done.sort(key=lambda d: (d[0], d[1]))
    return [_make_para(line, col, pieces, bullet) for line, col, pieces, bullet in done]


def _make_para(line: int, col: int, pieces: list[str], bullet: bool) -> Para:
    text = ""
    for piece in pieces:
        text = join_wrapped(text, piece)
    return Para(line=line, col=col, text=text, nlines=len(pieces), bullet=bullet)

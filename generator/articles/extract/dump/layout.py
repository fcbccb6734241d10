"""Raw dump text -> paragraphs: split table columns, reflow wrapped lines.

w3m lays tables out side by side and hard-wraps at 80 columns; lynx indents by three and
wraps space-separated text but leaves long CJK runs unbroken. Both become the same stream
of `Para` records: one per paragraph, in reading order of its first line.
"""

from __future__ import annotations

import bisect
import itertools
import re
import unicodedata
from dataclasses import dataclass

from generator.articles.lang import CJK_RE

# Three or more spaces inside a line separate table cells in a w3m dump; prose never has
# them (neither w3m nor lynx justifies text), while two spaces follow some sentence ends.
GAP_RE = re.compile(r" {2,}")
# A narrower gap is a column edge when this many lines within GUTTER_REACH lines above or
# below start a cell at the same column (prose never lines up like that): a two-space gap
# when they have a gap of two or more spaces there, a one-space gap only when they are cut
# there themselves (two-space gaps that are not column edges confirm nothing).
GUTTER_SUPPORT = 2
GUTTER_REACH = 4
# lynx indents the first line of some paragraphs by up to four columns.
FIRST_INDENT_MAX = 4
# Both dumpers were run with 80 columns; a line this wide or wider was wrapped by the dumper.
DUMP_WIDTH = 80
# A line longer than this was not laid out in columns by a dumper (80 columns, with at most an
# unbreakable run in one cell): it is one paragraph, kept whole, and its columns are not looked
# for (a megabyte line with a gap every few characters would be a million cells).
MAX_LINE_CHARS = 20000
BULLET_RE = re.compile(r"^(?:[•·●○◦▪■□◆◇►▶»*+\-–—]\s+|[•·●○◦▪■□◆◇►▶»]|\[\d+\]|\d{1,2}[.)]\s)")
# A line that is a byline and nothing else ("By Sarah Lee", "By Sarah Lee and Tom Chan, Reuters",
# "記者王小明／台北報導") starts a paragraph of its own: under a headline it was never wrapped
# onto it (the headline, often the widest short line of a copied page, looked "full").
BYLINE_PIECE_RE = re.compile(
    r"^(?:By|BY)\s+[A-Z][\w.'’-]*(?:\s+(?:[A-Z][\w.'’-]*|de|van|von|der|and|&))*"
    r"(?:\s*,\s*[A-Z][\w.&'’-]*(?:\s+[A-Z][\w.&'’-]*)*)?\s*$"
    r"|^(?:記者|记者|撰文|作者\s*[:：]|文\s*[／/╱])\S{1,20}$"
)
BYLINE_PIECE_MAX = 80
# Likewise a dateline and nothing else ("April 5, 2022", "Published October 9, 2025 3:04 PM EDT",
# "2025年10月21日 14:30", "115年02月12日"): the headline above it was never wrapped onto it.
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
DATELINE_RE = re.compile(
    r"^(?:(?:Published|Updated|Posted|Date|發布時間|发布时间|發布日期|发布日期|更新時間|更新时间|日期)\s*[:：]?\s*)?"
    r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\.?,?\s+)?"
    rf"(?:{_MONTH}\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+{_MONTH},?\s+\d{{4}}"
    r"|\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?|\d{2,3}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)"
    r"(?:\s*[,|·]?\s*(?:at\s+)?\d{1,2}[:：]\d{2}(?::\d{2})?\s*(?:[AaPp]\.?[Mm]\.?)?"
    r"\s*(?:[A-Z]{2,5}|(?:GMT|UTC)\s*[+-]\s*\d{1,2}(?::?\d{2})?)?)?\s*$")
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


def _occupancy(line: str) -> tuple[bytearray, list[int]]:
    """1/0 per display column (non-space or not), and the display column of each character."""
    if line.isascii():
        return bytearray(line.encode("ascii").translate(_OCC_TABLE)), list(range(len(line) + 1))
    occ = bytearray(line.translate(_OCC_MAP), "latin-1")
    cols = [0, *itertools.accumulate(line.translate(_WIDTH_MAP).encode("latin-1"))]
    return occ, cols


class _CharMap(dict):
    """str.translate table computed per character on first use (display width of each)."""

    def __init__(self, occupancy: bool):
        super().__init__()
        self.occupancy = occupancy

    def __missing__(self, code: int) -> str:
        wide = unicodedata.east_asian_width(chr(code)) in "WF"
        if self.occupancy:
            value = "\0" if code == 32 else "\1\1" if wide else "\1"
        else:
            value = "\2" if wide else "\1"
        self[code] = value
        return value


_OCC_TABLE = bytes(0 if b == 32 else 1 for b in range(256))
_OCC_MAP = _CharMap(occupancy=True)
_WIDTH_MAP = _CharMap(occupancy=False)


def _gap_starts(line: str, cols: list[int]) -> tuple[set[int], set[int]]:
    """Display columns where text resumes after 2+ spaces, and the subset after 3+ spaces."""
    first = len(line) - len(line.lstrip(" "))
    wide, sure = set(), set()
    for m in GAP_RE.finditer(line, first):
        if m.end() < len(line):
            wide.add(cols[m.end()])
            if m.end() - m.start() >= 3:
                sure.add(cols[m.end()])
    return wide, sure


def _supported(c: int, i: int, occs: list[bytearray], marks: list[set[int]]) -> bool:
    """Do nearby lines, joined to line i by a blank column c-1, have column c in `marks`?"""
    support = 0
    for step in (-1, 1):
        j = i + step
        while 0 <= j < len(occs) and abs(j - i) <= GUTTER_REACH:
            if c - 1 < len(occs[j]) and occs[j][c - 1]:
                break
            support += c in marks[j]
            j += step
    return support >= GUTTER_SUPPORT


def split_columns(lines: list[str]) -> list[list[tuple[int, str]]]:
    """(start column, text) of each table cell of every line.

    A cell starts after three or more spaces, or after a narrower gap that lines nearby
    (above or below, through a blank column) confirm as a column edge: w3m packs side-by-side
    columns with as little as one space between them.
    """
    lines = [ln.replace("\t", "    ").rstrip() for ln in lines]
    heads = [ln[:MAX_LINE_CHARS] for ln in lines]  # what neighbours of a long line see of it
    occ_cols = [_occupancy(h) for h in heads]
    occs = [oc[0] for oc in occ_cols]
    gaps = [_gap_starts(h, oc[1]) if len(h) == len(ln) else (set(), set())
            for h, ln, oc in zip(heads, lines, occ_cols)]
    wides = [g[0] for g in gaps]
    cuts = [set(g[1]) for g in gaps]
    for i in range(len(lines)):  # two-space gaps, confirmed by wide gaps nearby
        cuts[i] |= {c for c in wides[i] - cuts[i] if _supported(c, i, occs, wides)}
    confirmed = [frozenset(c) for c in cuts]
    rows = []
    for i, line in enumerate(lines):  # one-space gaps, confirmed by cuts nearby
        if len(line) > MAX_LINE_CHARS:
            text = line.lstrip(" ")
            rows.append([(len(line) - len(text), text)] if text.strip() else [])
            continue
        occ, cols = occ_cols[i]
        near = set().union(*confirmed[max(0, i - GUTTER_REACH): i + GUTTER_REACH + 1]) - wides[i]
        first = len(line) - len(line.lstrip(" "))
        for c in near:
            if first < c - 1 < len(occ) - 1 and not occ[c - 1] and occ[c] and _supported(c, i, occs, confirmed):
                cuts[i].add(c)
        rows.append(_cut(line, cols, cuts[i]))
    return rows


def _cut(line: str, cols: list[int], splits: set[int]) -> list[tuple[int, str]]:
    """Cut a line at the character positions of the split display columns."""
    at = [bisect.bisect_left(cols, c) for c in sorted(splits)]
    bounds = [0] + [k for k in at if k < len(line) and cols[k] in splits] + [len(line)]
    cells = []
    for lo, hi in zip(bounds, bounds[1:]):
        piece = line[lo:hi]
        text = piece.strip()
        if text:
            cells.append((cols[lo + len(piece) - len(piece.lstrip())], text))
    return cells


def _is_wide(ch: str) -> bool:
    return bool(CJK_RE.match(ch)) or ch in _CJK_PUNCT or unicodedata.east_asian_width(ch) in "WF"



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
    if BULLET_RE.match(nxt) or (len(nxt) <= BYLINE_PIECE_MAX and (BYLINE_PIECE_RE.match(nxt) or DATELINE_RE.match(nxt))):
        return False
    return prev_end > width or prev_end + _first_token_width(nxt) > width


def reflow_lines(text: str) -> list[Para]:
    """Paragraphs of a dump, in reading order; wrapped lines joined."""
    rows = split_columns(text.splitlines())
    widths = _track_widths(rows)
    done: list[tuple[int, int, list[str], bool]] = []
    open_: dict[int, tuple[int, list[str], int, bool]] = {}  # col -> (line, pieces, end, bullet)
    for i, cells in enumerate(rows):
        still: dict[int, tuple[int, list[str], int, bool]] = {}
        for col, piece in cells:
            end = col + display_width(piece)
            cur = open_.pop(col, None) or _indented_first_line(open_, col)
            # A piece running into a column still open to its right ends the table: it is
            # read after that column, never joined to the cell above it.
            crosses = any(col < other < end for other in open_)
            if cur and not crosses and _continues(cur[2], widths[col], piece):
                cur[1].append(piece)
                still[col] = (cur[0], cur[1], end, cur[3])
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


def _indented_first_line(open_: dict, col: int):
    """An open one-line paragraph a few columns to the right: a first line indented by lynx."""
    for shift in range(1, FIRST_INDENT_MAX + 1):
        cur = open_.get(col + shift)
        if cur and len(cur[1]) == 1 and not cur[3]:
            return open_.pop(col + shift)
    return None


def _make_para(line: int, col: int, pieces: list[str], bullet: bool) -> Para:
    parts = pieces[:1]
    for prev, piece in zip(pieces, pieces[1:]):
        parts.append(piece if _is_wide(prev[-1]) or _is_wide(piece[0]) else " " + piece)
    return Para(line=line, col=col, text="".join(parts), nlines=len(pieces), bullet=bullet)

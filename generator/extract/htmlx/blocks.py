"""Article container(s) -> typed blocks, in document order, with boilerplate pruned on the way."""

from __future__ import annotations

from ...records import Block
from .inline import inline_parts
from .score import subtree_text
from .tags import BLOCK_TAGS, HEADING_TAGS, NEGATIVE_RE, POSITIVE_RE, class_id
from .text import collapse, units

# A block whose text is mostly link text is navigation ("related stories", tag clouds).
MAX_BLOCK_LINK_DENSITY = 0.5
# A container with a chrome class/id is dropped unless it holds this much non-link text.
KEEP_NEGATIVE_UNITS = 150
# Lists and tables are dropped as navigation above this link density.
MAX_LIST_LINK_DENSITY = 0.5


class _Writer:
    def __init__(self) -> None:
        self.blocks: list[Block] = []

    def add(self, kind: str, text: str, links: str = "") -> None:
        text = collapse(text)
        if not text:
            return
        n = units(text)
        if links and n and units(collapse(links)) / n > MAX_BLOCK_LINK_DENSITY:
            return
        self.blocks.append(Block(kind, text))

    def add_lines(self, kind: str, parts: list[str], links: list[str]) -> None:
        text = "".join(parts)
        link_text = "".join(links)
        for line in text.split("\n"):
            line_links = link_text if line.strip() and line.strip() in link_text else ""
            self.add(kind, line, line_links)


def _is_chrome(el) -> bool:
    names = class_id(el)
    if not names.strip() or not NEGATIVE_RE.search(names) or POSITIVE_RE.search(names):
        return False
    total, links = subtree_text(el)
    return total - links < KEEP_NEGATIVE_UNITS


def _is_link_list(el) -> bool:
    total, links = subtree_text(el)
    return total > 0 and links / total > MAX_LIST_LINK_DENSITY


def _holds_blocks(el) -> bool:
    """An inline element wrapping block elements (<a><div>, <font><p>, unknown tags)."""
    return any(d.tag in BLOCK_TAGS for d in el.iterdescendants())


def _walk(el, writer: _Writer, kind: str) -> None:
    tag = el.tag
    if tag in HEADING_TAGS:
        parts: list[str] = []
        links: list[str] = []
        inline_parts(el, parts, links)
        writer.add("heading", " ".join("".join(parts).split("\n")), "".join(links))
        return
    if tag in ("ul", "ol", "dl", "table", "menu") and _is_link_list(el):
        return
    if tag == "li":
        kind = "list_item"
    elif tag == "blockquote":
        kind = "quote"
    parts, links = [], []
    if el.text:
        parts.append(el.text)
    for child in el:
        ctag = child.tag
        if not isinstance(ctag, str):
            pass
        elif ctag in BLOCK_TAGS or (len(child) and _holds_blocks(child)):
            if not _is_chrome(child):
                writer.add_lines(kind, parts, links)
                parts, links = [], []
                _walk(child, writer, "paragraph" if kind == "list_item" else kind)
        elif ctag == "br":
            parts.append("\n")
        elif ctag != "img":
            inline_parts(child, parts, links, ctag == "a")
        if child.tail:
            parts.append(child.tail)
    writer.add_lines(kind, parts, links)


def write_blocks(elements: list) -> list[Block]:
    writer = _Writer()
    for el in elements:
        _walk(el, writer, "paragraph")
    return writer.blocks

"""Article container(s) -> typed blocks, in document order, with boilerplate pruned on the way."""

from __future__ import annotations

import re

from generator.records import Block
from generator.articles.extract.htmlx.inline import BR, inline_parts
from generator.articles.extract.htmlx.score import subtree_text
from generator.articles.extract.htmlx.tags import BLOCK_TAGS, HEADING_TAGS, NEGATIVE_RE, POSITIVE_RE, class_id
from generator.articles.extract.htmlx.text import collapse, units

# A block whose text is mostly link text is navigation ("related stories", tag clouds), unless
# its own words make a clause (a sentence with a long inline link).
MAX_BLOCK_LINK_DENSITY = 0.5
MIN_CLAUSE_UNITS = 5
# A container with a chrome class/id is dropped unless it holds this much non-link text.
KEEP_NEGATIVE_UNITS = 150
# Lists and tables are dropped as navigation above this link density.
MAX_LIST_LINK_DENSITY = 0.5
# A short line without sentence punctuation right before dropped navigation is its title
# ("Related stories", "Читайте также:", "ZOBACZ TAKŻE", "相关新闻").
MAX_TITLE_UNITS = 6
_SENTENCE_END = tuple(".!?。！？…\"'”»")
# Up to this many short lines (at most this long) are trimmed at each end of the article.
EDGE_LINES = 2
MAX_EDGE_UNITS = 12


class _Writer:
    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.since_drop = 0  # blocks kept since navigation was last dropped

    def dropped(self) -> None:
        """Navigation was left out here: the line just before it was its title, if it looks like one."""
        if self.since_drop and _is_title(self.blocks[-1].text):
            self.blocks.pop()
        self.since_drop = 0

    def add(self, kind: str, text: str, links: str = "", cell: bool = False) -> None:
        text = collapse(text)
        if not text:
            return
        if not cell and not any(c.isalpha() for c in text):
            return  # counters, ratings, page numbers, bare dates (a table's numbers stay)
        n = units(text)
        if links and n:
            link_units = units(collapse(links))
            if link_units / n > MAX_BLOCK_LINK_DENSITY and n - link_units < MIN_CLAUSE_UNITS:
                self.dropped()
                return
        self.blocks.append(Block(kind, text))
        self.since_drop += 1

    def add_lines(self, kind: str, parts: list[str], links: list[str], cell: bool = False) -> None:
        """One block per <br>-separated line, each judged by its own link share."""
        lines = "".join(parts).split(BR)
        line_links = "".join(links).split(BR)
        for line, link_text in zip(lines, line_links):
            self.add(kind, line, link_text, cell)


def _is_title(text: str) -> bool:
    return units(text) <= MAX_TITLE_UNITS and not text.endswith(_SENTENCE_END)


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
        writer.add("heading", " ".join("".join(parts).split(BR)), " ".join("".join(links).split(BR)))
        return
    if tag in ("ul", "ol", "dl", "table", "menu") and _is_link_list(el):
        writer.dropped()
        return
    if tag == "li":
        kind = "list_item"
    elif tag == "blockquote":
        kind = "quote"
    cell = tag in ("td", "th")
    parts, links = [], []
    if el.text:
        parts.append(el.text)
    for child in el:
        ctag = child.tag
        if not isinstance(ctag, str):
            pass
        elif ctag in BLOCK_TAGS or (len(child) and _holds_blocks(child)):
            writer.add_lines(kind, parts, links, cell)
            parts, links = [], []
            if _is_chrome(child):
                writer.dropped()
            else:
                _walk(child, writer, "paragraph" if kind == "list_item" else kind)
        elif ctag == "br":
            parts.append(BR)
            links.append(BR)
        elif ctag != "img":
            inline_parts(child, parts, links, ctag == "a")
        if child.tail:
            parts.append(child.tail)
    writer.add_lines(kind, parts, links, cell)


def trim_edges(blocks: list[Block]) -> list[Block]:
    """Drop short lines that open or close the article: bylines, datelines, photo credits, share
    and tag labels (jusText's rule that short blocks next to boilerplate are boilerplate).  An
    article starts and ends with sentences; a short line that ends one stays."""
    start, end = 0, len(blocks)
    while start < EDGE_LINES and end - start > 2 and _is_edge_line(blocks[start].text):
        start += 1
    while len(blocks) - end < EDGE_LINES and end - start > 2 and _is_edge_line(blocks[end - 1].text):
        end -= 1
    return blocks[start:end]


# A photo's credit closing a line makes it a caption, however long ("… in Inner Mongolia. – EPA Pic",
# "… (Photo: Reuters)", "…（圖／路透）", "… REUTERS/Tingshu Wang"): at the article's edges it is
# the lead image's caption, not its first or last paragraph.
_CREDIT_RE = re.compile(
    r"(?:[–—-]\s*(?:[A-Z][\w&.]*\s+){1,3}(?:File\s+)?(?:Pic|Photo|Picture|pic|photo)\.?"
    r"|[(（]\s*(?:File\s+)?(?:Photo|Pic|Picture|Image|圖|图|攝|摄|資料照|资料照)\s*[:：／/][^()（）]{1,40}[)）]"
    r"|\b(?:REUTERS|AFP|EPA|AP)\s*/\s*[A-Z][\w.'’ -]{1,40}"
    r"|\b(?:Photo|Picture)\s*:\s*[A-Z][\w.&'’ /-]{1,40}\.?)\s*$"
)
# Longest caption dropped at an edge for its credit, in units: a caption is a sentence or two.
MAX_CAPTION_UNITS = 80


def _is_edge_line(text: str) -> bool:
    if units(text) <= MAX_CAPTION_UNITS and _CREDIT_RE.search(text):
        return True
    return units(text) <= MAX_EDGE_UNITS and not text.endswith(_SENTENCE_END)


def write_blocks(elements: list) -> list[Block]:
    writer = _Writer()
    for el in elements:
        _walk(el, writer, "paragraph")
    return writer.blocks

"""Inline text of an element: its own text and that of inline descendants, stopping at blocks."""

from __future__ import annotations

from generator.articles.extract.htmlx.tags import BLOCK_TAGS

# A <br> in the collected parts.  Not "\n": source newlines are layout whitespace, a <br> is a
# line break the reader sees.  NUL never survives parsing (parse.strip_bulk removes it).
BR = "\x00"


def inline_parts(el, parts: list[str], links: list[str], in_link: bool = False) -> None:
    """Append el's inline text (not its tail) to parts, link text also to links.

    A <br> is appended to both lists, so that the i-th line of the parts and the i-th line of the
    links belong together (the link share is measured per line).
    """
    if el.text:
        parts.append(el.text)
        if in_link:
            links.append(el.text)
    for child in el:
        tag = child.tag
        if tag in BLOCK_TAGS or not isinstance(tag, str):
            pass  # a block starts its own paragraph (and is scored on its own)
        elif tag == "br":
            parts.append(BR)
            links.append(BR)
        elif tag == "img":
            pass
        else:
            inline_parts(child, parts, links, in_link or tag == "a")
        if child.tail:
            parts.append(child.tail)
            if in_link:
                links.append(child.tail)


def inline_text(el) -> tuple[str, str]:
    """(text, link text) of el's own inline content; a <br> is a newline."""
    parts: list[str] = []
    links: list[str] = []
    inline_parts(el, parts, links)
    text, link_text = "".join(parts), "".join(links)
    if BR in text:
        text, link_text = text.replace(BR, "\n"), link_text.replace(BR, "\n")
    return text, link_text

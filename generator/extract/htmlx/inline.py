"""Inline text of an element: its own text and that of inline descendants, stopping at blocks."""

from __future__ import annotations

from .tags import BLOCK_TAGS


def inline_parts(el, parts: list[str], links: list[str], in_link: bool = False) -> None:
    """Append el's inline text (not its tail) to parts, link text also to links; <br> -> newline."""
    if el.text:
        parts.append(el.text)
        if in_link:
            links.append(el.text)
    for child in el:
        tag = child.tag
        if tag in BLOCK_TAGS or not isinstance(tag, str):
            pass  # a block starts its own paragraph (and is scored on its own)
        elif tag == "br":
            parts.append("\n")
        elif tag == "img":
            pass
        else:
            inline_parts(child, parts, links, in_link or tag == "a")
        if child.tail:
            parts.append(child.tail)
            if in_link:
                links.append(child.tail)


def inline_text(el) -> tuple[str, str]:
    """(text, link text) of el's own inline content."""
    parts: list[str] = []
    links: list[str] = []
    inline_parts(el, parts, links)
    return "".join(parts), "".join(links)

"""Imported entries -> clipper markdown the reader already reads (extract/markdown.py).

Front matter with the keys that reader takes (title, source, author, published, created, tags) and
a body of plain blocks: headings, paragraphs, quotes and list items. An export's article HTML
(Wallabag's `content`, Omnivore's content/*.html) is turned into those blocks here: its text only,
never its markup (saved pages are hostile), escaped so that markdown reads back exactly that text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree, html as lxml_html

from generator.articles.frontmatter import dump_yaml, front_matter

_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_BLOCKS = frozenset({"p", "div", "section", "article", "main", "header", "footer", "aside", "li", "blockquote",
                     "pre", "td", "th", "tr", "table", "ul", "ol", "dl", "dd", "dt", "figure", "figcaption",
                     "address", "hr", *_HEADINGS})
# Elements whose text is never article text.
_DROP = ("script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "math", "form", "button",
         "select", "textarea", "nav", "head", "title")
# What markdown would read as syntax inside a line (CommonMark's backslash escapes), and at the
# start of one (a heading, quote, list item, thematic break, setext underline, fenced code).
_INLINE_RE = re.compile(r"([\\`*_\[\]<>&!|~])")
_LINE_START_RE = re.compile(r"^(#{1,6}(?:\s|$)|>|[-+*](?:\s|$)|=+\s*$|-+\s*$|~~~|```)")
# "2012. A year" would start an ordered list: the escape goes before the "." (a backslash before a
# digit is no escape in CommonMark and would stay in the text).
_ORDERED_RE = re.compile(r"^(\d{1,9})([.)])(\s|$)")


@dataclass(frozen=True)
class TextBlock:
    kind: str  # "heading", "paragraph", "quote", "list_item"
    text: str
    level: int = 0  # for headings


def _kind(tag: str, context: list[str]) -> tuple[str, int]:
    if tag in _HEADINGS:
        return "heading", _HEADINGS[tag]
    if tag == "li" or "li" in context:
        return "list_item", 0
    if "blockquote" in context or tag == "blockquote":
        return "quote", 0
    return "paragraph", 0


def html_blocks(html: str) -> list[TextBlock]:
    """The text of an article's HTML as blocks, in order; markup, scripts and styles dropped."""
    if not html or not html.strip():
        return []
    try:
        root = lxml_html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError):
        return []
    etree.strip_elements(root, *_DROP, with_tail=False)
    blocks: list[TextBlock] = []
    buffer: list[str] = []
    state = {"kind": ("paragraph", 0)}

    def flush() -> None:
        text = " ".join("".join(buffer).split())
        buffer.clear()
        if text:
            kind, level = state["kind"]
            blocks.append(TextBlock(kind, text, level))

    def walk(el, context: list[str]) -> None:
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if not tag:  # a comment or processing instruction: its tail is text
            buffer.append(el.tail or "")
            return
        block = tag in _BLOCKS
        if block:
            flush()
            state["kind"] = _kind(tag, context)
        if tag == "br":
            buffer.append(" ")
        buffer.append(el.text or "")
        inner = context + [tag] if block else context
        for child in el:
            walk(child, inner)
        if block:
            flush()
            state["kind"] = _kind(context[-1], context[:-1]) if context else ("paragraph", 0)
        buffer.append(el.tail or "")

    walk(root, [])
    flush()
    return blocks


def escape_line(text: str) -> str:
    """One block's text as a markdown line that reads back as exactly this text."""
    text = _INLINE_RE.sub(r"\\\1", " ".join(text.split()))
    if _ORDERED_RE.match(text):
        return _ORDERED_RE.sub(r"\1\\\2\3", text, count=1)
    return "\\" + text if _LINE_START_RE.match(text) else text


def blocks_markdown(blocks: list[TextBlock]) -> str:
    lines = []
    for b in blocks:
        line = escape_line(b.text)
        if b.kind == "heading":
            lines.append("#" * max(1, min(b.level, 6)) + " " + line)
        elif b.kind == "list_item":
            lines.append("- " + line)
        elif b.kind == "quote":
            lines.append("> " + line)
        else:
            lines.append(line)
    return "\n\n".join(lines)


def text_markdown(text: str) -> str:
    """Plain text (a note, a text bookmark) as markdown paragraphs: blank lines separate them."""
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text or "")]
    return "\n\n".join(escape_line(p) for p in paragraphs if p)


def article_markdown(meta: dict, body: str) -> bytes:
    """A clipper-markdown file: front matter of the given keys (None and empty values left out),
    then the body."""
    kept = {k: (list(v) if isinstance(v, tuple) else v) for k, v in meta.items() if v not in (None, "", (), [])}
    return front_matter(dump_yaml(kept), body).encode("utf-8")

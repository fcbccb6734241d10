"""Web-clipper markdown (YAML front matter + a clean body) -> Extracted.

What the common clippers write, read from their own templates and from files they wrote:

    Obsidian Web Clipper  title, source, author (a list of wiki-links: ["[[Jane Doe]]"]),
                          published (the outlet's date), created (the clip's), description, tags
                          (its default "clippings" tag says which tool clipped, not what about)
    MarkDownload          created ("2026-01-10T09:15:02 (UTC +08:00)": the clip's), tags, source,
                          author; the body opens with "# <page title>", then "> ## Excerpt" and a
                          quoted excerpt ending at a "---" rule: the page's description, not body
    Joplin, others        source_url / url / link, date, …

`created`, `clipped` and `saved` are when the person clipped the page, never when it was published.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt

from generator.dates import parse_date
from generator.errors import SourceError
from generator.articles.frontmatter import FrontMatterError, split_front_matter
from generator.records import Block, Extracted

_BLOCK_OPEN = {"heading_open": "heading", "paragraph_open": "paragraph"}
# Front-matter key spellings used by common clippers (Obsidian Web Clipper, MarkDownload, Joplin).
_KEYS = {
    "title": ("title",),
    "url": ("source", "url", "link", "source_url", "original_url"),
    "author": ("author", "authors", "byline", "creator"),
    "published": ("published", "date", "pubdate", "published_at", "date_published", "datepublished"),
    "saved": ("created", "clipped", "saved", "date_saved", "saved_at", "created_at"),
    "site_name": ("site", "site_name", "sitename", "publisher"),
    "language": ("language", "lang"),
    "tags": ("tags", "keywords"),
}


def _first(meta: dict, names: tuple[str, ...]):
    lower = {str(k).lower(): v for k, v in meta.items()}
    for name in names:
        if lower.get(name) not in (None, "", []):
            return lower[name]
    return None


# Obsidian's wiki-links: [[Name]] or [[Page|shown name]].
_WIKILINK_RE = re.compile(r"\[\[(?:[^\]|]*\|)?([^\]|]*)\]\]")
# Tags a clipper adds to every clip (they name the tool, not the article).
CLIPPER_TAGS = frozenset({"clippings", "clipping", "web-clip", "webclip"})
# MarkDownload's excerpt block under the title: "> ## Excerpt", quoted lines, then a "---" rule.
_EXCERPT_RE = re.compile(r"^> ?#{1,6} *Excerpt *\n(?:>.*\n|[ \t]*\n)*?(?:[ \t]*(?:---+|\*\*\*+|___+)[ \t]*\n|(?=[^>\s]))", re.M)


def _unlinked(text: str) -> str:
    return " ".join(_WIKILINK_RE.sub(r"\1", text).split())


def _as_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, list):
        return ", ".join(t for t in (_unlinked(str(v)) for v in value if v is not None) if t) or None
    return _unlinked(str(value)) or None


def _inline_text(token) -> str:
    parts = []
    for child in token.children or ():
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return " ".join("".join(parts).split())


def markdown_blocks(body: str) -> tuple[Block, ...]:
    """Headings, paragraphs, quotes and list items as plain text; images and raw HTML dropped."""
    md = MarkdownIt("commonmark", {"html": False})
    md.validateLink = lambda url: True  # only the link text is kept, so every link parses as one
    tokens = md.parse(body)
    blocks: list[Block] = []
    context: list[str] = []  # enclosing blockquote / list item
    pending = None
    for tok in tokens:
        if tok.type in ("blockquote_open", "list_item_open"):
            context.append("quote" if tok.type == "blockquote_open" else "list_item")
        elif tok.type in ("blockquote_close", "list_item_close"):
            context.pop()
        elif tok.type in _BLOCK_OPEN:
            pending = _BLOCK_OPEN[tok.type]
            if pending == "paragraph" and context:
                pending = context[-1]
        elif tok.type == "inline" and pending:
            text = _inline_text(tok)
            if text:
                blocks.append(Block(pending, text))
            pending = None
    return tuple(blocks)


def _url(value) -> str | None:
    text = _as_text(value)
    return text if text and text.lower().startswith(("http://", "https://")) else None


def _tags(value) -> tuple[str, ...]:
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list):
        return ()
    tags = (_unlinked(str(v)).lstrip("#").strip() for v in value if v is not None)
    return tuple(t for t in tags if t and t.casefold() not in CLIPPER_TAGS)


def _without_excerpt(body: str) -> tuple[str, bool]:
    """(the body without MarkDownload's excerpt block, whether it had one). Only near the top: a
    quote further down that is headed "Excerpt" belongs to the article."""
    m = _EXCERPT_RE.search(body, 0, 2000)
    return (body[: m.start()] + body[m.end():], True) if m else (body, False)


def extract_markdown(text: str) -> Extracted:
    try:
        meta, body = split_front_matter(text)
    except FrontMatterError as exc:
        raise SourceError("", str(exc)) from None
    body, page_title_heading = _without_excerpt(body)
    blocks = markdown_blocks(body)
    title = _as_text(_first(meta, _KEYS["title"]))
    site_name = _as_text(_first(meta, _KEYS["site_name"]))
    if not title and blocks and blocks[0].kind == "heading":
        title, blocks = blocks[0].text, blocks[1:]
        if page_title_heading:  # MarkDownload's heading is the page's <title>: "Headline | Site"
            from generator.articles.extract.htmlx import split_title

            title = split_title(title, site_name)
    elif title and blocks and blocks[0].kind == "heading" and blocks[0].text == title:
        blocks = blocks[1:]
    return Extracted(
        title=title or "",
        blocks=blocks,
        published=parse_date(_first(meta, _KEYS["published"])),
        saved=parse_date(_first(meta, _KEYS["saved"])),
        author=_as_text(_first(meta, _KEYS["author"])),
        site_name=site_name,
        url=_url(_first(meta, _KEYS["url"])),
        language=_as_text(_first(meta, _KEYS["language"])),
        tags=_tags(_first(meta, _KEYS["tags"])),
    )

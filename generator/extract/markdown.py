"""Web-clipper markdown (YAML front matter + a clean body) -> Extracted."""

from __future__ import annotations

from markdown_it import MarkdownIt

from ..errors import SourceError
from ..frontmatter import FrontMatterError, split_front_matter
from ..records import Block, Extracted

_BLOCK_OPEN = {"heading_open": "heading", "paragraph_open": "paragraph"}
# Front-matter key spellings used by common clippers (Obsidian Web Clipper, MarkDownload, Joplin).
_KEYS = {
    "title": ("title",),
    "url": ("source", "url", "link", "source_url", "original_url"),
    "author": ("author", "authors", "byline", "creator"),
    "published": ("published", "date", "created", "pubdate", "published_at"),
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


def _as_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, list):
        return ", ".join(str(v).strip() for v in value if str(v).strip()) or None
    return str(value).strip() or None


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
    return tuple(str(v).strip().lstrip("#") for v in value if str(v).strip())


def extract_markdown(text: str) -> Extracted:
    try:
        meta, body = split_front_matter(text)
    except FrontMatterError as exc:
        raise SourceError("", str(exc)) from None
    blocks = markdown_blocks(body)
    title = _as_text(_first(meta, _KEYS["title"]))
    if not title and blocks and blocks[0].kind == "heading":
        title, blocks = blocks[0].text, blocks[1:]
    elif title and blocks and blocks[0].kind == "heading" and blocks[0].text == title:
        blocks = blocks[1:]
    return Extracted(
        title=title or "",
        blocks=blocks,
        published=_as_text(_first(meta, _KEYS["published"])),
        author=_as_text(_first(meta, _KEYS["author"])),
        site_name=_as_text(_first(meta, _KEYS["site_name"])),
        url=_url(_first(meta, _KEYS["url"])),
        language=_as_text(_first(meta, _KEYS["language"])),
        tags=_tags(_first(meta, _KEYS["tags"])),
    )

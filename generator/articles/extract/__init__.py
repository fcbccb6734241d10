"""Extraction: Source -> Article. One module per saved form; this dispatcher picks one.

    html.py      saved HTML pages ("Save page as", SingleFile), MHTML via mhtml.py
    text.py      plain-text dumps of pages (w3m, lynx, copy-paste)
    markdown.py  web-clipper markdown with YAML front matter
"""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlsplit

from generator.errors import SourceError
from generator.articles.lang import detect_language
from generator.markup import strip_controls
from generator.records import Article, Block, Extracted, Source
from generator.urls import registrable_domain
from generator.articles.extract.decode import decode_bytes


def extract_document(source: Source) -> Extracted:
    """Run the extractor for the source's kind; raises SourceError when nothing usable is found."""
    data = source.read()
    if source.kind in ("html", "mhtml"):
        from generator.articles.extract.html import extract_html
        from generator.articles.extract.images import lead_image
        from generator.articles.extract.mhtml import read_mhtml
        from generator.articles.extract.saved import html_save_record

        if source.kind == "mhtml":
            page = read_mhtml(data)
            html, record, images = page.html, page.record, page.images
        else:
            html = decode_bytes(data)
            record, images = html_save_record(html), None
        doc = extract_html(html)
        image = lead_image(html, images, source.path.parent)
        return replace(doc, url=original_url(record.url, doc.url), saved=record.saved or doc.saved, image=image)
    text = decode_bytes(data)
    if source.kind == "markdown":
        from generator.articles.extract.markdown import extract_markdown

        return extract_markdown(text)
    if source.kind == "text":
        from generator.articles.extract.text import extract_dump

        return extract_dump(text)
    raise SourceError(source.rel, f"unknown kind {source.kind!r}")


def original_url(saved_from: str | None, page_says: str | None) -> str | None:
    """The article's address: the page's own (canonical, og:url, JSON-LD) when it is an article of
    the site it was saved from (the same registrable domain, not the site's home page: a canonical
    of "/" is a common mistake), else the address the saving tool recorded."""
    if not saved_from:
        return page_says
    if not page_says:
        return saved_from
    own = urlsplit(page_says)
    if own.path.strip("/") and registrable_domain(page_says) == registrable_domain(saved_from):
        return page_says
    return saved_from


def _opt(value: str | None) -> str | None:
    return strip_controls(value).strip() or None if value is not None else None


def clean_extracted(doc: Extracted) -> Extracted:
    """Every field without control characters (saved pages carry NULs, ESC sequences, form feeds)."""
    blocks = tuple(Block(b.kind, t) for b in doc.blocks if (t := strip_controls(b.text).strip()))
    return replace(
        doc, title=strip_controls(doc.title), blocks=blocks, published=_opt(doc.published),
        saved=_opt(doc.saved), author=_opt(doc.author), site_name=_opt(doc.site_name), url=_opt(doc.url),
        language=_opt(doc.language), section=_opt(doc.section),
        tags=tuple(t for t in map(_opt, doc.tags) if t), captions=tuple(c for c in map(_opt, doc.captions) if c),
    )


def extract_article(source: Source) -> Article:
    doc = clean_extracted(extract_document(source))
    if not doc.blocks:
        raise SourceError(source.rel, "no article text found")
    title = doc.title.strip() or doc.blocks[0].text[:80]
    body = "\n\n".join(b.text for b in doc.blocks)
    return Article(
        source=source.rel,
        sha256=source.sha256,
        title=title,
        published=doc.published,
        saved=doc.saved,
        image=doc.image,
        author=doc.author,
        site_name=doc.site_name,
        url=doc.url,
        language=doc.language or detect_language(title + "\n" + body),
        section=doc.section,
        tags=doc.tags,
        captions=doc.captions,
        blocks=doc.blocks,
    )

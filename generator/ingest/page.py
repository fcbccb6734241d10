"""Fetched bytes -> the file a browser would have saved, and what the reader will make of it.

The page is decoded once (generator.articles.extract.decode: BOM, the HTTP charset, the page's meta, then
detection) and written as UTF-8, as SingleFile and "Save page as" do, with a SingleFile-style
comment first inside <html> recording the address and the save time: the one record the reader
(extract/saved.py) takes both from. Its first line says which program wrote it, so nobody takes
the file for SingleFile's own:

    <html lang="en"><!--
     Page saved with SingleFile-style header by digest add
     url: https://www.example.com/news/2026/01/article.html
     saved date: 2026-01-10T01:15:02+00:00
    --><head><meta charset="utf-8">…

Then the reader's own extractor runs on exactly the bytes that will be written: what is checked
for duplicates and topics is what the site will show.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from generator.articles.extract import extract_article
from generator.articles.extract.decode import decode_bytes
from generator.articles.extract.saved import HEAD_CHARS
from generator.records import Article, Source

_HTML_TAG_RE = re.compile(r"<html\b[^>]*>", re.I)
_HEAD_TAG_RE = re.compile(r"\s*<head\b[^>]*>", re.I)
_DOCTYPE_RE = re.compile(r"\A\s*<!doctype[^>]*>", re.I)
# A URL inside an HTML comment must not end it: "--" cannot occur in a comment, and ">" after it
# would close it early. Both are escaped in the URL's own syntax.
_COMMENT_UNSAFE = {"--": "-%2D", ">": "%3E"}
MARK_TOOL = "SingleFile-style header by digest add"
_REQUESTED_RE = re.compile(r"^ requested url: (\S+)$", re.M)


@dataclass(frozen=True)
class Prepared:
    """A page ready to be written: its bytes and the Article the reader extracts from them."""

    url: str  # the address asked for
    final_url: str  # the address it was saved from (after redirects)
    data: bytes  # the file's bytes
    article: Article


def _comment_safe(url: str) -> str:
    for bad, good in _COMMENT_UNSAFE.items():
        url = url.replace(bad, good)
    return url


def save_mark(url: str, saved: str, requested: str | None = None) -> str:
    """The comment; `requested` (the address asked for, when a redirect led elsewhere) is one more
    field, which the reader ignores and `add` reads to know the page by that address too."""
    asked = f" requested url: {_comment_safe(requested)}\n" if requested and requested != url else ""
    return f"<!--\n Page saved with {MARK_TOOL}\n url: {_comment_safe(url)}\n saved date: {saved}\n{asked}-->"


def requested_url(head: str) -> str | None:
    """The `requested url:` field of our own mark, if the file has one."""
    m = _REQUESTED_RE.search(head)
    return m.group(1) if m else None


def marked_html(html: str, url: str, saved: str, requested: str | None = None) -> str:
    """The page with the save record first inside <html> (SingleFile's place) and a UTF-8 charset
    declaration first in <head>; where the page has no <html> tag near the top, at the top."""
    mark = save_mark(url, saved, requested)
    m = _HTML_TAG_RE.search(html, 0, HEAD_CHARS // 2)
    if m:
        head = _HEAD_TAG_RE.match(html, m.end())
        if head:
            return html[:m.end()] + mark + html[m.end():head.end()] + '<meta charset="utf-8">' + html[head.end():]
        return html[:m.end()] + mark + '<meta charset="utf-8">' + html[m.end():]
    doctype = _DOCTYPE_RE.match(html)
    at = doctype.end() if doctype else 0
    return html[:at] + mark + '<meta charset="utf-8">' + html[at:]


def prepare_page(data: bytes, charset: str | None, url: str, final_url: str, saved: str, rel: str) -> Prepared:
    """Decode, mark and extract; raises SourceError/UndecodableError when nothing usable is there."""
    html = decode_bytes(data, charset)
    out = marked_html(html, final_url, saved, url).encode("utf-8")
    return Prepared(url=url, final_url=final_url, data=out, article=extract_bytes(out, rel, "html"))


def extract_bytes(data: bytes, rel: str, kind: str) -> Article:
    """What the build's extractor makes of these bytes, as if saved at `rel`."""
    from pathlib import Path

    source = Source(path=Path(rel), rel=rel, kind=kind, sha256=hashlib.sha256(data).hexdigest(), data=data)
    return extract_article(source)

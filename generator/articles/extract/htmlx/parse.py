"""Decoded HTML -> one lxml tree, parsed once, with the bulk that never holds article text removed.

Saved pages carry megabytes that are not text: SingleFile inlines images as base64 `data:` URIs and
whole stylesheets in `<style>` and `style=""`.  They are cut out of the string before parsing, in
linear time, so that a 50 MB page costs what its text costs.
"""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

from generator.errors import SourceError

# A data: URI payload is cut at the first character that cannot be part of it; 100 characters of
# media type and parameters is far more than any real one.
_DATA_URI_RE = re.compile(r"data:[^,\"'\s<>]{0,100},[^\"')\s<>]{64,}", re.I)
# Elements whose content is never article text; their bodies are cut before parsing.
_RAW_TAGS = ("script", "style", "noscript", "template", "svg")
_XML_DECL_RE = re.compile(r"^\s*<\?xml[^>]{0,200}\?>", re.I)

_PARSER = etree.HTMLParser(
    remove_comments=True,
    remove_pis=True,
    no_network=True,
    encoding="utf-8",
    huge_tree=False,  # keep libxml2's depth and size limits: hostile nesting stops at 256 levels
)
# Every element is a plain HtmlElement, chosen in C: lxml.html's per-tag Python lookup cost
# about a sixth of the extraction time (one call per element proxy).
_PARSER.set_element_class_lookup(
    etree.ElementDefaultClassLookup(element=lxml.html.HtmlElement)
)


class EmptyDocument(SourceError):
    def __init__(self, reason: str):
        super().__init__("<html>", reason)


_RAW_OPEN_RE = re.compile(r"<(%s)(?=[\s/>])" % "|".join(_RAW_TAGS), re.I)
_RAW_CLOSE_RE = {tag: re.compile(r"</%s" % tag, re.I) for tag in _RAW_TAGS}
_LD_JSON_RE = re.compile(r"ld\+json", re.I)


def _drop_raw(html: str) -> str:
    """Remove <script>, <style>, ... spans in one left-to-right pass (no regex backtracking).

    A JSON-LD script stays for metadata.py.  Matching is case-insensitive on the string itself:
    indices found in a lowered copy can be off, since lowering may change a string's length.
    """
    out, pos = [], 0
    while True:
        m = _RAW_OPEN_RE.search(html, pos)
        if m is None:
            break
        start, tag = m.start(), m.group(1).lower()
        close = _RAW_CLOSE_RE[tag].search(html, m.end())
        end = close.start() if close else len(html)
        if tag == "script":
            head_end = html.find(">", start, start + 500)
            if _LD_JSON_RE.search(html, start, head_end if head_end >= 0 else start + 500):
                out.append(html[pos:end])  # kept up to its closing tag, which the next pass keeps
                pos = end
                if close is None:
                    break
                out.append(html[pos:close.end()])
                pos = close.end()
                continue
        out.append(html[pos:start])
        if close is None:
            pos = len(html)
            break
        close_end = html.find(">", close.end())
        pos = len(html) if close_end < 0 else close_end + 1
    out.append(html[pos:])
    return "".join(out)


def strip_bulk(html: str) -> str:
    """The page without NULs, inline binary payloads, scripts and stylesheets."""
    html = html.replace("\x00", "")
    html = _XML_DECL_RE.sub("", html)
    if "data:" in html:
        html = _DATA_URI_RE.sub("data:,", html)
    return _drop_raw(html)


def parse_html(html: str) -> etree._Element:
    """The <html> element of the page; raises EmptyDocument when there is nothing to parse."""
    data = strip_bulk(html).encode("utf-8", errors="replace")
    if not data.strip():
        raise EmptyDocument("empty document")
    try:
        root = etree.fromstring(data, parser=_PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise EmptyDocument(f"unparsable HTML: {exc}") from exc
    if root is None:
        raise EmptyDocument("empty document")
    return root

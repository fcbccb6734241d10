"""Markdown -> safe HTML: raw HTML off, images off, links only http(s), mailto and relative."""

from __future__ import annotations

import functools
import re
from urllib.parse import urljoin, urlsplit

from markdown_it import MarkdownIt

SAFE_SCHEMES = ("http", "https", "mailto")
# Characters XML 1.0 forbids (C0 controls but tab, newline and return; lone surrogates; U+FFFE/F)
# and DEL: one of them in a title would make the feed writer refuse the whole feed.
_CONTROL_RE = re.compile("[\x00-\x08\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_VERTICAL_RE = re.compile("[\x0b\x0c]")
# Either class: a text this does not find is left as it is (both classes are single brackets).
_EITHER_RE = re.compile(f"[{_CONTROL_RE.pattern[1:-1]}{_VERTICAL_RE.pattern[1:-1]}]")


def strip_controls(text: str) -> str:
    """Text without control characters: vertical tab and form feed become spaces, others go."""
    if _EITHER_RE.search(text) is None:  # nearly every text: one scan, no copies (every field of
        return text                      # every entry passes here on every build)
    return _CONTROL_RE.sub("", _VERTICAL_RE.sub(" ", text))


def safe_url(url: str) -> bool:
    """True for http(s)/mailto URLs and scheme-less relative ones. Control characters and
    whitespace inside the scheme (`java\\tscript:`) are rejected, as browsers would strip them."""
    cleaned = "".join(ch for ch in url if ch > " " and ch != "\x7f")
    if cleaned != url.strip() or not cleaned:
        return False
    scheme = urlsplit(cleaned).scheme.lower()
    if scheme:
        return scheme in SAFE_SCHEMES
    # no scheme: a relative URL, unless a colon comes before any / ? # (an unusual scheme)
    head = cleaned.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    return ":" not in head


@functools.lru_cache(maxsize=1)
def _md() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.disable(["image", "html_block", "html_inline"])
    md.validateLink = safe_url
    return md


def render_markdown(text: str, base: str | None = None) -> str:
    """HTML for trusted-structure, untrusted-content markdown. With `base`, relative links are
    made absolute against it (feeds must never carry relative URLs)."""
    md = _md()
    tokens = md.parse(text)
    for tok in tokens:
        for child in tok.children or ():
            if child.type == "link_open" and base:
                child.attrSet("href", urljoin(base, child.attrGet("href") or ""))
    return md.renderer.render(tokens, md.options, {})

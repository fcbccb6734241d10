"""Addresses: which are kept, what site they belong to, and how they are written to feeds.

Leaf helpers shared by extraction (the original address of a saved page) and the site (outlets,
feeds, sitemap); nothing here knows the site's configuration.
"""

from __future__ import annotations

import functools
import re
from urllib.parse import quote, urlsplit, urlunsplit

_HTTP_RE = re.compile(r"https?://[^\s<>\"']+$", re.I)
# What may stand unescaped in each part of a URI (RFC 3986): unreserved, sub-delims, ":" and "@",
# plus "/" in paths and "?" in queries and fragments; "%" is kept so an escaped URL stays as it is.
_PATH_SAFE = "/:@!$&'()*+,;=-._~%"
_QUERY_SAFE = _PATH_SAFE + "?"


def http_url(value) -> str | None:
    """The value when it is one absolute http(s) URL, else None (about:blank, file:, javascript:)."""
    value = value.strip() if isinstance(value, str) else ""
    return value if _HTTP_RE.match(value) else None


def host_of(url: str | None) -> str | None:
    try:
        host = (urlsplit(url).hostname or "").rstrip(".").lower() if url else ""
    except ValueError:
        return None
    return host or None


@functools.lru_cache(maxsize=1)
def _extractor():
    import tldextract

    # No list fetched (suffix_list_urls=()) and no cache written: the Public Suffix List snapshot
    # in the wheel, the same answer on every machine for one pinned version.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


@functools.lru_cache(maxsize=4096)
def registrable_domain(url: str | None) -> str | None:
    """ifeng.com for https://news.ifeng.com/c/…, abc.net.au for www.abc.net.au; None for an
    address without a public suffix (localhost, an IP address)."""
    host = host_of(url)
    if not host:
        return None
    return _extractor()(host).top_domain_under_public_suffix or None


def ascii_uri(url: str) -> str:
    """An IRI as the URI feeds and sitemaps require: the host in IDNA (punycode), the path, query
    and fragment as percent-encoded UTF-8 (https://example.github.io/digest/articles/稀土/ ->
    …/articles/%E7%A8%80%E5%9C%9F/). An URI already escaped is left as it is."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if parts.hostname and not parts.hostname.isascii():
        try:
            host = parts.hostname.encode("idna").decode("ascii")
        except UnicodeError:
            host = quote(parts.hostname, safe="")
        netloc = netloc.replace(parts.hostname, host) if parts.hostname in netloc else host
    return urlunsplit((parts.scheme, netloc, quote(parts.path, safe=_PATH_SAFE),
                       quote(parts.query, safe=_QUERY_SAFE), quote(parts.fragment, safe=_QUERY_SAFE)))

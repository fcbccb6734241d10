"""HTML metadata: title, date, author, site name, canonical URL, section, tags.

Read from the parsed tree before cleaning (cleaning drops <head>).  Every value is plain text:
markup inside attribute values is removed, URLs are kept only when they are http(s).
"""

from __future__ import annotations

import json
import logging
import re
import warnings
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from generator.dates import parse_date
from generator.urls import http_url
from generator.articles.extract.htmlx.text import collapse

# Longest value kept for a text field; longer "titles" or "authors" are page text, not metadata.
MAX_FIELD_CHARS = 300
# Separators between a headline and the site name in <title>: "Headline - Site", "标题_网站".
_TITLE_SEP_RE = re.compile(r"\s+[-|–—·•»:]\s+|\s*[|_｜–—]\s*|\s+-\s*|\s*－\s*")
_TAG_RE = re.compile(r"<[^>]*>")
_KEYWORD_SEP_RE = re.compile(r"[,，;；、|]")
_ISO_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?)?")
_DATE_META = ("article:published_time", "og:published_time", "datepublished", "pubdate",
              "publishdate", "publish-date", "date", "dc.date", "dc.date.issued",
              "dcterms.created", "sailthru.date", "parsely-pub-date", "article.published")
_JSONLD_ARTICLE_TYPES = ("article", "newsarticle", "blogposting", "reportagenewsarticle",
                        "webpage", "report", "scholarlyarticle")


@dataclass(frozen=True)
class PageMeta:
    title: str = ""
    published: str | None = None
    author: str | None = None
    site_name: str | None = None
    url: str | None = None
    section: str | None = None
    tags: tuple[str, ...] = ()
    lang_hint: str | None = None


def _text(value) -> str:
    if not value:
        return ""
    value = collapse(_TAG_RE.sub(" ", str(value)))
    return value if len(value) <= MAX_FIELD_CHARS else ""


def _article_url(value) -> str | None:
    """An address that can name one article: http(s), and not a site's home page (a canonical or
    og:url of "/" on every page is a common template mistake)."""
    url = http_url(value)
    return url if url and urlsplit(url).path.strip("/") else None


def _ld_url(obj: dict) -> str | None:
    """JSON-LD's address of the article: `url`, or `mainEntityOfPage` (a URL or {"@id": URL})."""
    main = obj.get("mainEntityOfPage")
    if isinstance(main, dict):
        main = main.get("@id") or main.get("url")
    for value in (obj.get("url"), main):
        if isinstance(value, str) and _article_url(value):
            return value.strip()
    return None


def _meta_map(root) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for el in root.iter("meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
        content = el.get("content")
        if key and content and content.strip():
            out.setdefault(key, []).append(content.strip())
    return out


def _jsonld_objects(root) -> list[dict]:
    found: list[dict] = []
    for el in root.iter("script"):
        if (el.get("type") or "").lower() != "application/ld+json" or not el.text:
            continue
        try:
            data = json.loads(el.text)
        except (ValueError, RecursionError):
            continue
        stack = [data]
        while stack and len(found) < 50:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item[:50])
            elif isinstance(item, dict):
                found.append(item)
                if isinstance(item.get("@graph"), list):
                    stack.extend(item["@graph"][:50])
    return [o for o in found if _ld_type(o) in _JSONLD_ARTICLE_TYPES]


def _ld_type(obj: dict) -> str:
    kind = obj.get("@type")
    if isinstance(kind, list):
        kind = kind[0] if kind else ""
    return str(kind or "").lower()


def _ld_name(value) -> str:
    if isinstance(value, list):
        return ", ".join(filter(None, (_ld_name(v) for v in value[:5])))
    if isinstance(value, dict):
        return _text(value.get("name"))
    return _text(value) if isinstance(value, str) else ""


def _first(*values) -> str | None:
    for v in values:
        if v:
            return v
    return None


def _iso_date(value: str | None) -> str | None:
    if not value:
        return None
    m = _ISO_DATE_RE.search(value)
    if not m:
        return None
    text = m.group(0).replace(" ", "T")
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if not 1990 <= parsed.year <= 2100:
        return None
    return text if "T" in text else parsed.date().isoformat()


def _htmldate(root) -> str | None:
    try:
        from htmldate import find_date

        logging.getLogger("htmldate").setLevel(logging.ERROR)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # extensive_search scans the whole text (~10x slower); meta, URL and markup suffice.
            found = find_date(root, extensive_search=False, original_date=True)
    except Exception:  # htmldate is a heuristic helper: any failure means "no date"
        return None
    return _iso_date(found)


def split_title(title: str, site_name: str | None) -> str:
    """A headline out of a page's <title> ("Headline - Site", "标题_网站"): without the site's
    name when it is one of the parts, else the longest part."""
    parts = [p.strip() for p in _TITLE_SEP_RE.split(title) if p and p.strip()]
    if len(parts) <= 1:
        return title
    if site_name:
        kept = [p for p in parts if p.lower() != site_name.lower()]
        if len(kept) < len(parts):
            return " - ".join(kept) if kept else title
    return max(parts, key=len)


def _choose_title(meta: dict, root, ld: list[dict], site_name: str | None) -> str:
    og = _text(_first(*(meta.get("og:title") or []), *(meta.get("twitter:title") or [])))
    ld_title = _first(*(_text(o.get("headline")) for o in ld))
    title_el = root.find(".//title")
    page_title = _text(title_el.text_content()) if title_el is not None else ""
    h1s = [_text(h.text_content()) for h in root.iter("h1")]
    h1s = [h for h in h1s if h]
    for h1 in h1s:
        if any(h1 in t for t in (og, ld_title, page_title) if t):
            return h1
    best = _first(og, ld_title)
    if best:
        return split_title(best, site_name)
    if page_title:
        return split_title(page_title, site_name)
    return h1s[0] if h1s else ""


def _keywords(meta: dict, ld: list[dict]) -> tuple[str, ...]:
    raw: list[str] = list(meta.get("article:tag") or [])
    for key in ("keywords", "news_keywords"):
        for value in meta.get(key) or []:
            raw.extend(_KEYWORD_SEP_RE.split(value))
    for obj in ld:
        kw = obj.get("keywords")
        if isinstance(kw, str):
            raw.extend(_KEYWORD_SEP_RE.split(kw))
        elif isinstance(kw, list):
            raw.extend(k for k in kw if isinstance(k, str))
    seen: dict[str, None] = {}
    for tag in raw:
        tag = _text(tag)
        if tag and len(tag) <= 60 and tag.lower() not in {t.lower() for t in seen}:
            seen[tag] = None
    return tuple(list(seen)[:30])


def _author(meta: dict, root, ld: list[dict]) -> str | None:
    for key in ("author", "article:author", "dc.creator", "byl", "parsely-author", "sailthru.author"):
        for value in meta.get(key) or []:
            if not http_url(value):
                return _text(value.removeprefix("By ").removeprefix("by ")) or None
    for obj in ld:
        name = _ld_name(obj.get("author"))
        if name:
            return name
    for el in root.iterfind('.//*[@rel="author"]'):
        name = _text(el.text_content())
        if name:
            return name
    return None


def extract_metadata(root) -> PageMeta:
    """Metadata of a parsed page (call before the tree is cleaned)."""
    meta = _meta_map(root)
    ld = _jsonld_objects(root)
    site_name = _text(_first(*(meta.get("og:site_name") or []), *(meta.get("application-name") or []),
                            *(_ld_name(o.get("publisher")) for o in ld))) or None
    canonical = None
    for link in root.iter("link"):
        if (link.get("rel") or "").lower() == "canonical":
            canonical = _article_url(link.get("href"))
            break
    date_value = _first(*(v for k in _DATE_META for v in meta.get(k) or []),
                        *(o.get("datePublished") for o in ld if isinstance(o.get("datePublished"), str)))
    published = _iso_date(date_value) or parse_date(date_value) or _htmldate(root)
    section = _text(_first(*(meta.get("article:section") or []),
                           *(o.get("articleSection") for o in ld if isinstance(o.get("articleSection"), str))))
    return PageMeta(
        title=_choose_title(meta, root, ld, site_name),
        published=published,
        author=_author(meta, root, ld),
        site_name=site_name,
        url=canonical or _article_url(_first(*(meta.get("og:url") or []))) or _first(*map(_ld_url, ld)),
        section=section or None,
        tags=_keywords(meta, ld),
        lang_hint=(root.get("lang") or root.get("xml:lang") or None),
    )

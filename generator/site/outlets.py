"""Who published an article and in which zone: the outlet a reader sees on every card and page.

The outlet is, in this order: the name the outlets table gives the article's domain in the site's
language (outlets.toml, shipped, under site.toml's [outlets]); the page's own name for itself
(og:site_name, JSON-LD publisher) when it is a brand, not a company's legal name ("Phoenix New
Media Limited"); else the registrable domain of the article's address (tldextract, over the Public
Suffix List snapshot in its wheel: news.ifeng.com -> ifeng.com, www.abc.net.au -> abc.net.au).
Nothing is shown when none of these is known.

Zone-less times ("2025年10月21日 14:30" in a Taiwanese dump) are read in the outlet's zone from the
table, else in the zone site.toml's [dates] gives the article's language; with neither they stay
zone-less (shown as written; feeds read them in [dates] zone, UTC unless set).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import replace
from pathlib import Path

from generator.dates import parse_date, with_zone, zone_named
from generator.records import Entry
from generator.urls import host_of, registrable_domain

SHIPPED_TABLE = Path(__file__).with_name("outlets.toml")
# A page's name for itself longer than this is a tagline ("ETtoday新聞雲 - 全台最大新聞網站"), not a name.
MAX_BRAND_CHARS = 40
# Company forms: a page naming its publisher by its legal name is not naming the outlet readers know.
_LEGAL_RE = re.compile(
    r"\b(?:limited|ltd|inc|incorporated|llc|l\.l\.c|corporation|corp|plc|gmbh|pty|s\.a|co\.,? ?ltd)\b\.?"
    r"|(?:股份)?有限公司|有限責任公司|有限责任公司",
    re.I,
)
_DOMAIN_LIKE_RE = re.compile(r"^(?:https?://)?(?:www\.)?[\w-]+(?:\.[\w-]+)+/?$", re.I)


def is_brand(name: str | None) -> bool:
    """A name a reader knows the outlet by: not a legal name, a tagline or a bare domain."""
    if not name or len(name) > MAX_BRAND_CHARS:
        return False
    return not _LEGAL_RE.search(name) and not _DOMAIN_LIKE_RE.match(name.strip())


def load_table(path: Path = SHIPPED_TABLE) -> dict[str, dict]:
    with path.open("rb") as fh:
        return tomllib.load(fh)


def merged_table(site: dict[str, dict]) -> dict[str, dict]:
    """The shipped table with site.toml's [outlets] over it, entry by entry (keys lower-cased)."""
    table = {k.lower(): dict(v) for k, v in load_table().items()}
    for key, entry in site.items():
        table[key.lower()] = {**table.get(key.lower(), {}), **entry}
    return table


def _entry(table: dict[str, dict], url: str | None, site_name: str | None) -> dict | None:
    host = host_of(url)
    if host:
        for key in (host, host.removeprefix("www."), registrable_domain(url)):
            if key and key in table:
                return table[key]
    if site_name:
        name = site_name.casefold()
        for entry in table.values():
            if any(str(n).casefold() == name for n in entry.get("aka", ())):
                return entry
    return None


def _name_in(entry: dict, language: str) -> str | None:
    for key in (language, language.split("-")[0], "en"):
        if isinstance(entry.get(key), str):
            return entry[key]
    return None


def _outlet(entry: dict | None, url: str | None, site_name: str | None, language: str) -> str | None:
    named = _name_in(entry, language) if entry else None
    if named:
        return named
    if is_brand(site_name):
        return site_name
    return registrable_domain(url)


def _zone(entry: dict | None, language: str, zones: dict[str, str]):
    return zone_named((entry or {}).get("zone") or zones.get(language) or zones.get(language.split("-")[0]))


def outlet_name(url: str | None, site_name: str | None, language: str, table: dict[str, dict]) -> str | None:
    """The outlet in `language`: the table's name, else the page's brand, else the domain."""
    return _outlet(_entry(table, url, site_name), url, site_name, language)


def article_zone(url: str | None, site_name: str | None, language: str, table: dict[str, dict],
                 zones: dict[str, str]):
    """The zone an article's zone-less times are written in, or None when the site cannot tell."""
    return _zone(_entry(table, url, site_name), language, zones)


def attribute_entries(entries: list[Entry], table: dict[str, dict], zones: dict[str, str],
                      site_language: str) -> list[Entry]:
    """Each entry with its outlet named in the site's language, and its dates read as ISO 8601 (a
    hand-edited summary may hold any form) with zone-less times placed in the article's zone; a
    date that cannot be read is dropped, never guessed."""
    out = []
    for e in entries:
        entry = _entry(table, e.url, e.site_name)  # looked up once for the name and the zone
        zone = _zone(entry, e.language, zones)
        out.append(replace(
            e,
            outlet=_outlet(entry, e.url, e.site_name, site_language),
            published=with_zone(parse_date(e.published), zone),
            saved=with_zone(parse_date(e.saved), zone),
        ))
    return out

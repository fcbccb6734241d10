"""site.toml's [[sources]]: the feeds `digest collect` follows, checked key by key.

    [[sources]]
    name = "VOA Chinese: US-China"         # shown in collect's one line per source
    feed = "https://…/rss.xml"             # RSS, Atom or JSON Feed; http(s) only
    save = "topics"                        # "topics": entries on one of the site's topics; "all"
    limit = 20                             # new entries' pages fetched per run
    delay = 2.0                            # seconds between two requests to one host

Kept free of HTTP and feed libraries: config.py imports it for every build.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

SAVE_MODES = ("topics", "all")
# A feed lists 10-100 entries; 20 pages a run is one busy day of an outlet's section, and a
# backlog (a new source, a long pause) is worked off over the next runs instead of in one burst.
DEFAULT_LIMIT = 20
# One request every two seconds to a host is what polite crawlers default to (Scrapy's
# AutoThrottle starts at 1-5 s); a run of 20 pages from one outlet takes under a minute.
DEFAULT_DELAY = 2.0
# A delay above ten minutes is a typo (milliseconds for seconds), not politeness.
MAX_DELAY = 600.0


@dataclass(frozen=True)
class FeedSource:
    """One [[sources]] entry: a feed whose new entries `collect` fetches and saves."""

    name: str
    feed: str  # absolute http(s) URL of the feed
    save: str = "topics"  # "topics" or "all"
    limit: int = DEFAULT_LIMIT
    delay: float = DEFAULT_DELAY


def _http(value: Any) -> str | None:
    if not isinstance(value, str):
        return f"expected a URL string, got {value!r}"
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"expected an absolute http(s) URL, got {value!r}"
    return None


def _name(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return f"expected a non-empty string, got {value!r}"
    if any(ord(c) < 32 for c in value):
        return "contains control characters"
    return None


def _save(value: Any) -> str | None:
    return None if value in SAVE_MODES else f"expected one of {', '.join(map(repr, SAVE_MODES))}, got {value!r}"


def _limit(value: Any) -> str | None:
    ok = isinstance(value, int) and not isinstance(value, bool) and value > 0
    return None if ok else f"expected a positive integer, got {value!r}"


def _delay(value: Any) -> str | None:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value <= MAX_DELAY
    return None if ok else f"expected seconds between 0 and {MAX_DELAY:g}, got {value!r}"


# key -> (check, default); None: required
SOURCE_KEYS = {
    "name": (_name, None),
    "feed": (_http, None),
    "save": (_save, "topics"),
    "limit": (_limit, DEFAULT_LIMIT),
    "delay": (_delay, DEFAULT_DELAY),
}


def parse_sources(raw: Any, unknown_keys=None) -> tuple[tuple[FeedSource, ...], list[str]]:
    """(the sources, every problem as "sources[N].key: reason"). `unknown_keys` is config.py's
    did-you-mean helper, passed in so this module imports nothing from the generator."""
    if raw is None:
        return (), []
    if not isinstance(raw, list):
        return (), [f"sources: expected [[sources]] tables, got {raw!r}"]
    sources, problems, feeds = [], [], {}
    for n, table in enumerate(raw):
        where = f"sources[{n}]"
        if not isinstance(table, dict):
            problems.append(f"{where}: expected a table, got {table!r}")
            continue
        if unknown_keys is not None:
            problems.extend(unknown_keys(table, SOURCE_KEYS, f"{where}."))
        values, ok = {}, True
        for key, (check, default) in SOURCE_KEYS.items():
            if key not in table:
                if default is None:
                    problems.append(f"{where}.{key}: required")
                    ok = False
                values[key] = default
                continue
            problem = check(table[key])
            if problem:
                problems.append(f"{where}.{key}: {problem}")
                ok = False
            values[key] = table[key]
        if not ok:
            continue
        if values["feed"] in feeds:
            problems.append(f"{where}.feed: the same feed as sources[{feeds[values['feed']]}]")
            continue
        feeds[values["feed"]] = n
        sources.append(FeedSource(name=values["name"].strip(), feed=values["feed"], save=values["save"],
                                  limit=values["limit"], delay=float(values["delay"])))
    return tuple(sources), problems

"""site.toml -> SiteConfig. Every key is checked; all problems are reported together, by key."""

from __future__ import annotations

import hashlib
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable
from urllib.parse import urlsplit

from generator.errors import ConfigError, unknown_keys
from generator.site.outlets import merged_table


@dataclass(frozen=True)
class SiteConfig:
    root: Path  # the folder holding site.toml; every path below is resolved against it
    title: str
    description: str
    base_url: str  # absolute, ends with "/"
    language: str
    author: str
    articles_dir: Path
    summaries_dir: Path
    output_dir: Path
    cache_dir: Path
    templates_dir: Path
    feed_items: int
    page_size: int
    search: bool
    about_title: str
    about_text: str
    topics: tuple  # tuple[classify.TopicRule, ...]
    # outlets.toml's table with site.toml's [outlets] over it: domain -> names per language, zone
    outlets: dict = field(default_factory=dict, compare=False)
    # [dates]: zone-less times are read in the outlet's zone, else the language's here
    zones: dict = field(default_factory=dict)
    zone: str = "UTC"  # what feeds read a time in when neither says
    # sha256 of site.toml's path and bytes and of the base-URL override: what this config is made
    # from (the build state's signature uses it, so a no-op check need not parse the topic rules)
    source: str = ""
    sources: tuple = ()  # tuple[ingest.sources.FeedSource, ...]: [[sources]], the feeds `digest collect` follows
    entities: tuple = ()  # tuple[classify.Entity, ...]: [entities], the names the story stage also looks for

    @property
    def base_path(self) -> str:
        """The path part of base_url: "/" or "/repo/"."""
        return urlsplit(self.base_url).path or "/"


def _str(v: Any) -> str | None:
    if not isinstance(v, str):
        return f"expected a string, got {v!r}"
    # XML (feeds, sitemap) cannot carry C0 controls other than tab and newline.
    bad = sorted({f"U+{ord(c):04X}" for c in v if (ord(c) < 32 and c not in "\t\n\r") or c == "\x7f"})
    return f"contains control characters ({', '.join(bad)})" if bad else None


def _bool(v: Any) -> str | None:
    return None if isinstance(v, bool) else f"expected true or false, got {v!r}"


def _positive_int(v: Any) -> str | None:
    ok = isinstance(v, int) and not isinstance(v, bool) and v > 0
    return None if ok else f"expected a positive integer, got {v!r}"


def _url(v: Any) -> str | None:
    if not isinstance(v, str):
        return f"expected a URL string, got {v!r}"
    parts = urlsplit(v)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return f"expected an absolute http(s) URL, got {v!r}"
    return None


def _zone_name(v: Any) -> str | None:
    problem = _str(v)
    if problem:
        return problem
    from generator.dates import zone_named

    return None if zone_named(v) else f"unknown time zone {v!r} (an IANA name such as Asia/Taipei)"


def _zones(v: Any) -> str | None:
    if not isinstance(v, dict):
        return f"expected a table of language = zone, got {v!r}"
    for lang, zone in v.items():
        problem = _zone_name(zone)
        if problem:
            return f"{lang}: {problem}"
    return None


# Chinese-language outlets write their times in UTC+8 (Taiwan, Hong Kong, the mainland, Singapore
# alike, none with daylight saving): a zone-less time in a Chinese article is read there.
DEFAULT_ZONES = {"zh-Hant": "Asia/Taipei", "zh-Hans": "Asia/Shanghai"}

# section -> key -> (check, default). A default of None means the key is required.
SCHEMA: dict[str, dict[str, tuple[Callable[[Any], str | None], Any]]] = {
    "site": {
        "title": (_str, None),
        "description": (_str, ""),
        "base_url": (_url, None),
        "language": (_str, "en"),
        "author": (_str, ""),
    },
    "paths": {
        "articles": (_str, "content/articles"),
        "summaries": (_str, "content/summaries"),
        "output": (_str, "_site"),
        "cache": (_str, ".digest-cache"),
        "templates": (_str, "templates"),
    },
    "feed": {"items": (_positive_int, 50)},
    "search": {"enabled": (_bool, True)},
    "pages": {"size": (_positive_int, 20)},
    "about": {"title": (_str, "About"), "text": (_str, "")},
    "dates": {"zones": (_zones, DEFAULT_ZONES), "zone": (_zone_name, "UTC")},
}


def check_outlets(table: Any) -> list[str]:
    """site.toml's [outlets]: domain = { en = "…", zh-Hant = "…", zone = "…", aka = ["…"] }."""
    if not isinstance(table, dict):
        return [f"outlets: expected a table, got {table!r}"]
    problems = []
    for domain, entry in table.items():
        where = f"outlets.{domain}"
        if not isinstance(entry, dict):
            problems.append(f"{where}: expected a table of language = name, got {entry!r}")
            continue
        for key, value in entry.items():
            if key == "zone":
                problem = _zone_name(value)
            elif key == "aka":
                ok = isinstance(value, list) and all(isinstance(n, str) for n in value)
                problem = None if ok else f"expected a list of names, got {value!r}"
            else:
                problem = _str(value)
            if problem:
                problems.append(f"{where}.{key}: {problem}")
    return problems




def _check_section(name: str, table: Any, problems: list[str]) -> dict[str, Any]:
    spec = SCHEMA[name]
    if not isinstance(table, dict):
        problems.append(f"{name}: expected a table, got {table!r}")
        table = {}
    values: dict[str, Any] = {}
    problems.extend(unknown_keys(table, spec, f"{name}."))
    for key, (check, default) in spec.items():
        if key not in table:
            if default is None:
                problems.append(f"{name}.{key}: required")
            values[key] = default
            continue
        problem = check(table[key])
        if problem:
            problems.append(f"{name}.{key}: {problem}")
        values[key] = table[key]
    return values


# The generator's own templates (in the repository it is installed from): what a site made by
# `digest init` uses until it copies them (`digest init --templates`) to change them.
GENERATOR_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def templates_folder(root: Path, paths: Any, named: str) -> Path:
    """paths.templates when site.toml names it; else the site's own templates/ when it has one,
    else the generator's."""
    if isinstance(paths, dict) and "templates" in paths:
        return root / named
    return root / named if (root / named).is_dir() else GENERATOR_TEMPLATES


def normalize_base_url(url: str) -> str:
    return url if url.endswith("/") else url + "/"


def load_config(path: Path, base_url: str | None = None, topics: bool = True) -> SiteConfig:
    """Read and check site.toml; `base_url` (from SITE_URL / --base-url) overrides site.base_url.
    `topics=False` leaves the topic rules out (unparsed, unchecked): enough to find the folders and
    to tell whether anything changed since the last build, at a fraction of the cost."""
    path = Path(path).resolve()
    try:
        raw = path.read_bytes()
        data = tomllib.loads(raw.decode("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(str(path), [f"cannot read: {exc}"]) from None
    source = hashlib.sha256(b"\0".join([os.fsencode(path), raw, (base_url or "").encode()])).hexdigest()
    problems: list[str] = []
    problems.extend(unknown_keys(data, [*SCHEMA, "topics", "entities", "outlets", "sources"], ""))
    from generator.ingest.sources import parse_sources

    sources, source_problems = parse_sources(data.get("sources"), unknown_keys)
    problems.extend(source_problems)
    problems.extend(check_outlets(data.get("outlets", {})))
    if base_url:
        problem = _url(base_url)
        if problem:
            problems.append(f"base URL override: {problem}")
        data.setdefault("site", {})["base_url"] = base_url
    sec = {name: _check_section(name, data.get(name, {}), problems) for name in SCHEMA}
    rules: tuple = ()
    entities: tuple = ()
    if topics:
        from generator.articles.classify import parse_topics
        from generator.articles.classify.entities import parse_entities

        rules, topic_problems = parse_topics(data.get("topics", []), "topics", data.get("entities"))
        problems.extend(topic_problems)
        entities = tuple(parse_entities(data.get("entities"))[0].values())  # its problems: parse_topics's
    if problems:
        raise ConfigError(str(path), problems)
    root = path.parent
    return SiteConfig(
        root=root,
        title=sec["site"]["title"],
        description=sec["site"]["description"],
        base_url=normalize_base_url(sec["site"]["base_url"]),
        language=sec["site"]["language"],
        author=sec["site"]["author"],
        articles_dir=root / sec["paths"]["articles"],
        summaries_dir=root / sec["paths"]["summaries"],
        output_dir=root / sec["paths"]["output"],
        cache_dir=root / sec["paths"]["cache"],
        templates_dir=templates_folder(root, data.get("paths", {}), sec["paths"]["templates"]),
        feed_items=sec["feed"]["items"],
        page_size=sec["pages"]["size"],
        search=sec["search"]["enabled"],
        about_title=sec["about"]["title"],
        about_text=sec["about"]["text"],
        topics=rules,
        source=source,
        outlets=merged_table(data.get("outlets", {})),
        zones={**DEFAULT_ZONES, **sec["dates"]["zones"]},
        zone=sec["dates"]["zone"],
        sources=sources,
        entities=entities,
    )

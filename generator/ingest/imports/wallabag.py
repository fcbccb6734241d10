"""Wallabag's JSON export (Export → JSON, or /api/entries/export).

A JSON array of entries serialized from wallabag's Entry with the `entries_for_user`/`export_all`
groups (src/Entity/Entry.php): `title`, `url` (the final address), `given_url`, `origin_url`,
`content` (the article's cleaned HTML), `created_at` (when saved, "2016-09-08T11:55:58+0200"),
`published_at`, `published_by` (a list of names), `tags` (labels), `is_archived`, `is_starred`,
`reading_time`, `domain_name`, `mimetype`, `language`. Wallabag's own importer of this format
(src/Import/WallabagV2Import.php) reads the same keys; its fixture tests/fixtures/Import/
wallabag-v2-read.json is the shape tested here.
"""

from __future__ import annotations

from generator.ingest.imports import Entry, clean_tags, clean_url, iso

NAME = "Wallabag JSON"
# Keys only wallabag's serializer writes together (an entry of any other export lacks them).
_MARKS = ("is_archived", "reading_time", "domain_name", "mimetype", "is_starred")


def looks_like(data) -> bool:
    if not isinstance(data, list) or not data:
        return False
    first = next((e for e in data if isinstance(e, dict)), None)
    return first is not None and "url" in first and "content" in first and sum(k in first for k in _MARKS) >= 2


def _authors(value) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, list):
        names = [str(v).strip() for v in value if isinstance(v, (str, int)) and str(v).strip()]
        return ", ".join(names) or None
    return None


def _tags(value) -> tuple[str, ...]:
    if isinstance(value, list):  # labels; older exports wrote {"label": …} objects
        return clean_tags(v.get("label") if isinstance(v, dict) else v for v in value)
    return ()


def read(data: list, path=None) -> list[Entry]:
    entries = []
    for item in data:
        if not isinstance(item, dict):
            continue
        url = clean_url(item.get("url")) or clean_url(item.get("given_url"))
        content = item.get("content") if isinstance(item.get("content"), str) else None
        entries.append(Entry(
            title=str(item.get("title") or "").strip(),
            url=url,
            author=_authors(item.get("published_by")),
            published=iso(item.get("published_at")),
            saved=iso(item.get("created_at")),
            tags=_tags(item.get("tags")),
            html=content,
            aliases=tuple(u for u in (clean_url(item.get("given_url")), clean_url(item.get("origin_url")))
                          if u and u != url),
        ))
    return entries

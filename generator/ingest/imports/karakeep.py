"""Karakeep's (formerly Hoarder's) JSON export (Settings → Import/Export → Export).

`{"bookmarks": [...], "lists": [...]}`, each bookmark as zExportBookmarkSchema in karakeep's
packages/shared/import-export/exporters.ts: `createdAt` (seconds since 1970: when saved), `title`
(nullable), `tags` (names), `lists`, `content` = `{"type": "link", "url": …}` or
`{"type": "text", "text": …}` or null (assets), `note`, `archived`. Karakeep's own parser of this
file (parsers.ts, parseKarakeepBookmarkFile) and its tests (parsers.test.ts) are the shapes tested.
A link carries no page text (the export leaves the crawled content out): URL only. A text bookmark
is its text.
"""

from __future__ import annotations

from generator.ingest.imports import Entry, clean_tags, clean_url, from_unix

NAME = "Karakeep JSON"


def looks_like(data) -> bool:
    return isinstance(data, dict) and isinstance(data.get("bookmarks"), list)


def read(data: dict, path=None) -> list[Entry]:
    entries = []
    for item in data["bookmarks"]:
        if not isinstance(item, dict):
            continue
        content = item.get("content") if isinstance(item.get("content"), dict) else {}
        kind = content.get("type")
        text = content.get("text") if kind == "text" and isinstance(content.get("text"), str) else None
        url = clean_url(content.get("url")) if kind == "link" else None
        if url is None and text is None:
            continue  # an asset (image, PDF) or an empty bookmark: nothing an article can be made of
        tags = item.get("tags") if isinstance(item.get("tags"), list) else []
        entries.append(Entry(
            title=str(item.get("title") or "").strip(),
            url=url,
            saved=from_unix(item.get("createdAt")),
            tags=clean_tags(t for t in tags if isinstance(t, str)),
            text=text,
        ))
    return entries

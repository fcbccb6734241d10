"""The CSV exports, told apart by their header rows. None carries an article's text: URL only.

    Pocket            title,url,time_added,tags,status          time_added: seconds since 1970;
                                                                tags joined by "|"; status unread/archive
    Instapaper        URL,Title,Selection,Folder,Timestamp[,Tags] Timestamp: seconds; Tags: a JSON list;
                                                                Selection: a highlight, not the article
    Readwise Reader   Title,URL,ID,Document tags,Saved date,Reading progress,Location,Seen
                                                                Document tags: a Python-style list
                                                                ("['a', 'b']"); Location "feed" is a
                                                                feed item the person never saved

Shapes as Pocket's export page documented them (getpocket.com/export, 2025) and as the importers of
Wallabag (tests/fixtures/Import/pocket.csv, instapaper-export-new.csv) and Karakeep
(packages/shared/import-export/parsers.test.ts: Pocket, Instapaper, Readwise Reader) test them.
"""

from __future__ import annotations

import ast
import csv
import io
import json

from generator.ingest.imports import Entry, clean_tags, clean_url, from_unix, iso

POCKET = ("title", "url", "time_added", "tags", "status")
INSTAPAPER = ("URL", "Title", "Selection", "Folder", "Timestamp")
READWISE = ("Title", "URL", "ID", "Document tags", "Saved date", "Location")


def _rows(text: str) -> tuple[list[str], list[dict]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        rows = [r for r in reader if any((v or "").strip() for v in r.values() if isinstance(v, str))]
    except csv.Error as exc:
        from generator.ingest.imports import ExportError

        raise ExportError(f"broken CSV ({exc})") from None
    return [h.strip() for h in reader.fieldnames or []], rows


def _has(header: list[str], wanted: tuple[str, ...]) -> bool:
    return all(w in header for w in wanted)


def detect(text: str) -> tuple[str, list[Entry]] | None:
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    try:
        header = [h.strip() for h in next(csv.reader([first]))]
    except (csv.Error, StopIteration):
        return None
    for wanted, name, reader in ((POCKET, "Pocket CSV", _pocket), (INSTAPAPER, "Instapaper CSV", _instapaper),
                                 (READWISE, "Readwise Reader CSV", _readwise)):
        if _has(header, wanted):
            _, rows = _rows(text.lstrip("\ufeff"))
            return name, [e for e in map(reader, rows) if e is not None]
    return None


def _get(row: dict, key: str) -> str:
    value = row.get(key)
    return value.strip() if isinstance(value, str) else ""


def _pocket(row: dict) -> Entry | None:
    url = clean_url(_get(row, "url"))
    if url is None:
        return None
    tags = _get(row, "tags")
    return Entry(title=_get(row, "title"), url=url, saved=from_unix(_get(row, "time_added")),
                 tags=clean_tags(tags.split("|") if tags else ()))


def _json_list(text: str) -> list:
    try:
        value = json.loads(text) if text else []
    except ValueError:
        return []
    return value if isinstance(value, list) else []


def _instapaper(row: dict) -> Entry | None:
    url = clean_url(_get(row, "URL"))
    if url is None:  # a note without an address: a highlight, not an article
        return None
    folder = _get(row, "Folder")
    tags = [t for t in _json_list(_get(row, "Tags")) if isinstance(t, (str, int))]
    if folder and folder not in ("Unread", "Archive", "Starred"):
        tags.append(folder)  # a folder the person made says what the article is about
    return Entry(title=_get(row, "Title"), url=url, saved=from_unix(_get(row, "Timestamp")), tags=clean_tags(tags))


def _python_list(text: str) -> list:
    """Readwise's tag column: a Python list literal; anything else is no tags."""
    if not text:
        return []
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return []
    return [v for v in value if isinstance(v, str)] if isinstance(value, (list, tuple)) else []


def _readwise(row: dict) -> Entry | None:
    url = clean_url(_get(row, "URL"))
    if url is None or _get(row, "Location").lower() == "feed":
        return None
    return Entry(title=_get(row, "Title"), url=url, saved=iso(_get(row, "Saved date")),
                 tags=clean_tags(_python_list(_get(row, "Document tags"))))

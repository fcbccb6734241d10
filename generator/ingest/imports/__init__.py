"""Read-later and bookmark exports -> Entry records, the format told by content, not by name.

    wallabag.py   Wallabag JSON export: entries with their article HTML (`content`)
    karakeep.py   Karakeep (formerly Hoarder) JSON export: {"bookmarks": [...]}; text bookmarks carry text
    omnivore.py   Omnivore's export ZIP (metadata_*.json + content/<slug>.html), its metadata JSON alone,
                  and the Obsidian Omnivore plugin's markdown (front matter with id and date_saved)
    csvs.py       Pocket CSV, Instapaper CSV, Readwise Reader CSV (told apart by their header rows)
    netscape.py   Netscape bookmarks HTML, what every browser exports

Each reader is written from the service's documentation and from the files its own repository
tests (and the importers of Wallabag and Karakeep test); the README cites them.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

from generator.dates import parse_date
from generator.urls import http_url

# An export is read whole; the largest real ones (a Wallabag library of 10,000 articles with their
# HTML) are a few hundred MiB. Past 1 GiB it is not an export of a person's reading.
MAX_EXPORT_BYTES = 1024 * 1024 * 1024


@dataclass(frozen=True)
class Entry:
    """One saved item of an export."""

    title: str
    url: str | None  # the article's address (http(s) only; None when the export has none)
    author: str | None = None
    published: str | None = None  # ISO 8601, when the outlet published it
    saved: str | None = None  # ISO 8601, when the person saved it
    tags: tuple[str, ...] = ()
    html: str | None = None  # the article's HTML, when the export carries it
    text: str | None = None  # the article's (or note's) plain text, when the export carries it
    markdown: str | None = None  # the article as markdown, when the export carries it so
    aliases: tuple[str, ...] = ()  # other addresses of the same item (as given, before redirects)

    @property
    def has_text(self) -> bool:
        return any(v and v.strip() for v in (self.html, self.text, self.markdown))


class ExportError(ValueError):
    """The file is not an export this command reads, or is damaged: one line for the user."""


def from_unix(value) -> str | None:
    """Seconds since 1970 (a number or its digits) -> ISO 8601 UTC; None for 0, empty or junk."""
    try:
        seconds = float(str(value).strip())
    except (TypeError, ValueError):
        return None
    if seconds <= 0 or seconds > 32_503_680_000:  # after the year 3000: milliseconds or junk
        return None
    return dt.datetime.fromtimestamp(int(seconds), dt.timezone.utc).isoformat()


def iso(value) -> str | None:
    """A date as the export wrote it (ISO 8601 in its variants) -> ISO 8601, or None."""
    return parse_date(value) if isinstance(value, str) and value.strip() else None


def clean_url(value) -> str | None:
    return http_url(value.strip()) if isinstance(value, str) else None


def clean_tags(values) -> tuple[str, ...]:
    seen: list[str] = []
    for v in values or ():
        tag = " ".join(str(v).split()).lstrip("#")
        if tag and tag not in seen:
            seen.append(tag)
    return tuple(seen)


def read_export(path: Path) -> tuple[str, list[Entry]]:
    """(the format's name, its entries) for an export file; ExportError when it is none we read."""
    try:
        size = path.stat().st_size
        if size > MAX_EXPORT_BYTES:
            raise ExportError(f"too large ({size // (1024 * 1024)} MiB)")
        data = path.read_bytes()
    except OSError as exc:
        raise ExportError(f"cannot read: {exc.strerror or exc}") from None
    if not data.strip():
        raise ExportError("empty file")
    if data[:4] == b"PK\x03\x04":
        return _read_zip(data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ExportError("not UTF-8 text, nor a ZIP archive: not an export this command reads") from None
    return read_text_export(text, path)


def read_text_export(text: str, path: Path | None = None) -> tuple[str, list[Entry]]:
    from generator.ingest.imports import csvs
    from generator.ingest.imports import karakeep
    from generator.ingest.imports import netscape
    from generator.ingest.imports import omnivore
    from generator.ingest.imports import wallabag

    head = text.lstrip()[:200].lower()
    if head.startswith("<!doctype netscape-bookmark-file-1"):
        return "Netscape bookmarks HTML", netscape.read(text)
    if head[:1] in ("{", "["):
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise ExportError(f"broken JSON ({exc})") from None
        for module in (karakeep, wallabag, omnivore):
            if module.looks_like(data):
                return module.NAME, module.read(data, path)
        raise ExportError("JSON, but neither a Wallabag, Karakeep nor Omnivore export")
    if head.startswith("---"):
        if omnivore.looks_like_markdown(text):
            return omnivore.MARKDOWN_NAME, omnivore.read_markdown(text)
        raise ExportError("markdown, but not an Omnivore export (an article? put it in content/articles/)")
    found = csvs.detect(text)
    if found:
        return found
    raise ExportError("not an export this command reads (Wallabag or Karakeep JSON, Omnivore ZIP, JSON or "
                      "markdown, Pocket, Instapaper or Readwise Reader CSV, Netscape bookmarks HTML)")


def _read_zip(data: bytes) -> tuple[str, list[Entry]]:
    from generator.ingest.imports import omnivore

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise ExportError(f"damaged ZIP archive ({exc})") from None
    with archive:
        if omnivore.looks_like_zip(archive):
            return omnivore.NAME + " (ZIP)", omnivore.read_zip(archive)
    raise ExportError("a ZIP archive, but not an Omnivore export (no metadata_*.json)")

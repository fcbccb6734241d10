"""Omnivore's exports (the service closed in November 2024; its users hold these files).

1. The export ZIP (Settings → Export, packages/api/src/jobs/export.ts in omnivore-app/omnivore):
   `metadata_<from>_to_<to>.json` files, each an array of items `{id, slug, title, description,
   author, url, state, readingProgress, thumbnail, labels, savedAt, updatedAt, publishedAt}`, and
   `content/<slug>.html` (the readable article HTML) beside them, `highlights/<slug>.md`.
   A metadata JSON read alone takes its articles from a `content/` folder beside it (an unpacked
   export), else is URL-only. Wallabag's OmnivoreImport.php and Karakeep's parseOmnivoreBookmarkFile
   read the same keys.
2. The Obsidian Omnivore plugin's notes (omnivore-app/obsidian-omnivore, default template): front
   matter `id`, `title`, `author`, `tags`, `date_saved` and `date_published` ("yyyy-MM-dd HH:mm:ss",
   the plugin's local time: no zone), then `# title`, `#Omnivore`, `[Read on Omnivore](…)`,
   `[Read Original](<url>)` and `## Highlights`. Highlights are the reader's, not the article: a note
   that holds nothing else is URL-only; whatever else its template put in the body is its text.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

from generator.articles.discover import MAX_PAGE_BYTES
from generator.articles.frontmatter import FrontMatterError, split_front_matter
from generator.ingest.imports import Entry, ExportError, clean_tags, clean_url, iso

NAME = "Omnivore export"
MARKDOWN_NAME = "Omnivore markdown (Obsidian plugin)"
_METADATA_RE = re.compile(r"(?:^|/)metadata(?:_\d+_to_\d+)?\.json$")
_READ_ORIGINAL_RE = re.compile(r"^\[Read Original\]\((\S+?)\)\s*$", re.M)
_PLUGIN_LINES_RE = re.compile(r"^(?:#Omnivore\s*|\[Read on Omnivore\]\(\S*\)\s*|\[Read Original\]\(\S*\)\s*)$", re.M)
_HIGHLIGHTS_RE = re.compile(r"^## Highlights\s*$", re.M)


def looks_like(data) -> bool:
    if not isinstance(data, list) or not data:
        return False
    first = next((e for e in data if isinstance(e, dict)), None)
    return first is not None and "savedAt" in first and "url" in first and ("slug" in first or "labels" in first)


def _safe_slug(slug) -> str | None:
    """A slug usable as a file name inside content/ (never a path out of it)."""
    if not isinstance(slug, str) or not slug or slug in (".", "..") or "/" in slug or "\\" in slug:
        return None
    return slug


def _entry(item: dict, html: str | None) -> Entry:
    labels = item.get("labels") if isinstance(item.get("labels"), list) else []
    return Entry(
        title=str(item.get("title") or "").strip(),
        url=clean_url(item.get("url")),
        author=str(item["author"]).strip() or None if isinstance(item.get("author"), str) else None,
        published=iso(item.get("publishedAt")),
        saved=iso(item.get("savedAt")),
        tags=clean_tags(v.get("name") if isinstance(v, dict) else v for v in labels),
        html=html,
    )


def read(data: list, path: Path | None = None) -> list[Entry]:
    """A metadata JSON; articles from `content/<slug>.html` beside it when the export was unpacked."""
    content = path.parent / "content" if path is not None else None
    entries = []
    for item in data:
        if not isinstance(item, dict):
            continue
        html = None
        slug = _safe_slug(item.get("slug"))
        if content is not None and slug:
            page = content / f"{slug}.html"
            try:
                if page.is_file() and page.stat().st_size <= MAX_PAGE_BYTES:
                    html = page.read_text(encoding="utf-8", errors="replace")
            except OSError:
                html = None
        entries.append(_entry(item, html))
    return entries


def looks_like_zip(archive: zipfile.ZipFile) -> bool:
    return any(_METADATA_RE.search(n) for n in archive.namelist())


def _member(archive: zipfile.ZipFile, name: str) -> bytes | None:
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    if info.file_size > MAX_PAGE_BYTES:  # a bomb or a damaged entry: not one article
        return None
    try:
        return archive.read(info)
    except (zipfile.BadZipFile, OSError, ValueError):
        return None


def _start(name: str) -> int:
    m = re.search(r"metadata_(\d+)_to_", name)
    return int(m.group(1)) if m else 0


def read_zip(archive: zipfile.ZipFile) -> list[Entry]:
    entries = []
    for name in sorted((n for n in archive.namelist() if _METADATA_RE.search(n)), key=lambda n: (_start(n), n)):
        raw = _member(archive, name)
        try:
            items = json.loads(raw.decode("utf-8-sig")) if raw else None
        except (UnicodeDecodeError, ValueError) as exc:
            raise ExportError(f"{name}: broken JSON ({exc})") from None
        if not isinstance(items, list):
            raise ExportError(f"{name}: not a list of items")
        prefix = name[: name.rfind("/") + 1]
        for item in items:
            if not isinstance(item, dict):
                continue
            slug = _safe_slug(item.get("slug"))
            page = _member(archive, f"{prefix}content/{slug}.html") if slug else None
            entries.append(_entry(item, page.decode("utf-8", "replace") if page else None))
    return entries


def looks_like_markdown(text: str) -> bool:
    try:
        meta, body = split_front_matter(text)
    except FrontMatterError:
        return False
    return "date_saved" in meta and ("id" in meta or "#Omnivore" in body)


def read_markdown(text: str) -> list[Entry]:
    try:
        meta, body = split_front_matter(text)
    except FrontMatterError as exc:
        raise ExportError(str(exc)) from None
    m = _READ_ORIGINAL_RE.search(body)
    url = clean_url(m.group(1)) if m else None
    url = url or clean_url(meta.get("original_url")) or clean_url(meta.get("url"))
    title = str(meta.get("title") or "").strip()
    rest = _HIGHLIGHTS_RE.split(body, maxsplit=1)[0]
    rest = _PLUGIN_LINES_RE.sub("", rest).strip()
    if rest.startswith("# ") and rest.splitlines()[0][2:].strip() == title:
        rest = rest.split("\n", 1)[1].strip() if "\n" in rest else ""
    tags = meta.get("tags")
    return [Entry(
        title=title,
        url=url,
        author=str(meta["author"]).strip() or None if isinstance(meta.get("author"), str) else None,
        published=iso(str(meta["date_published"])) if meta.get("date_published") else None,
        saved=iso(str(meta["date_saved"])) if meta.get("date_saved") else None,
        tags=clean_tags(tags if isinstance(tags, list) else str(tags or "").split(",")),
        markdown=rest or None,
    )]

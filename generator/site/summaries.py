"""content/summaries/*.md: the generated summaries, kept in step with the articles.

Each file records a hash of what the generator wrote (`generated`). A file whose text no longer
matches it was edited by a person: it is never rewritten or removed, and the site shows it as is.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import time
import uuid
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

from generator.articles.frontmatter import FrontMatterError, dump_yaml, front_matter, split_front_matter
from generator.markup import strip_controls
from generator.records import IMAGE_NAME_RE, Entry, Head
from generator.site.slugs import make_slug, unique_slug
from generator.stories.stage import Placed, clean_story
from generator.incremental.state import RACY_NS, file_version
from generator.incremental.files import write_bytes_atomic

log = logging.getLogger(__name__)

_GENERATED_RE = re.compile(r"^generated: .*\n", re.M)
# Namespace for feed item ids: uuid5(namespace, stable key). Fixed forever: changing it would
# change every published id.
ID_NAMESPACE = uuid.UUID("6f1d8a52-2b1e-5c1b-9a43-0d1f3c9e7a10")


@dataclass(frozen=True)
class StoredSummary:
    path: Path
    meta: dict
    body: str
    edited: bool
    # sha256 of the bytes this build wrote to the file (None: read, not written): lets the build
    # state remember a file it wrote itself (see remember_summaries).
    written: str | None = field(default=None, compare=False)

    @property
    def slug(self) -> str:
        return self.path.stem


def _fingerprint(text: str) -> str:
    return hashlib.sha256(_GENERATED_RE.sub("", text).encode("utf-8")).hexdigest()


def read_summary(path: Path) -> StoredSummary:
    # The text as written, line ends untranslated: a summary holding a lone \r (read_text makes it
    # \n) would otherwise no longer match its own fingerprint and pass for a hand-edited file.
    text = path.read_bytes().decode("utf-8")
    meta, body = split_front_matter(text)
    edited = meta.get("generated") != _fingerprint(text)
    return StoredSummary(path=path, meta=meta, body=body.strip(), edited=edited)


# Measured at 10,000 articles: `known` saves 3.5 s of a build after an article is saved again (17.9 s with it,
# 21.4 s without) and 7-11 s of CPU of an edit (bench/mechanisms.py).
def load_summaries(folder: Path, known: dict | None = None) -> tuple[list[StoredSummary], list[tuple[str, str]]]:
    """Every summary file, sorted by name. `known`: name -> [size, mtime_ns, inode, meta, body,
    edited] from the last build; a file whose stat still matches is not read and parsed again."""
    stored, problems = [], []
    known = known or {}
    for entry in _markdown_files(folder):
        path = folder / entry.name
        try:
            seen = known.get(entry.name)
            if seen is not None and seen[:3] == file_version(entry.stat()):
                stored.append(StoredSummary(path=path, meta=seen[3], body=seen[4], edited=seen[5]))
                continue
            stored.append(read_summary(path))
        except (OSError, UnicodeDecodeError, FrontMatterError) as exc:
            problems.append((str(path), f"summary not readable, left alone: {exc}"))
    return stored, problems


def _markdown_files(folder: Path) -> list[os.DirEntry]:
    """The folder's *.md entries, as Path.glob("*.md") finds them, sorted by name: the names
    sorted, not Paths (their comparison was a third of finding 10,000 summaries)."""
    try:
        with os.scandir(folder) as entries:
            found = [e for e in entries if e.name.endswith(".md")]
    except (FileNotFoundError, NotADirectoryError):
        return []
    return sorted(found, key=lambda e: e.name)


def remember_summaries(stored: list[StoredSummary], since_ns: int) -> dict:
    """The `known` of load_summaries for the next build: what each file holds, under its stat.

    A file unchanged since the build began (`since_ns`, minus a timestamp tick) holds what was read
    from it. A file this build wrote holds what was written if its bytes still hash to that (a
    person may have saved it since) and its stamp is a tick older than now (a save within the same
    tick would keep its stat). Any other file is left out, to be read again by the next build: were
    the files of a cold build left out, the build after it would parse every summary again (8 s
    at 10,000 articles)."""
    known = {}
    now = time.time_ns()
    for s in stored:
        try:
            key = file_version(s.path.stat())
            if key[1] < since_ns - RACY_NS or _as_written(s, key[1], now):
                known[s.path.name] = [*key, s.meta, s.body, s.edited]
        except OSError:
            continue
    return known


def _as_written(s: StoredSummary, mtime_ns: int, now_ns: int) -> bool:
    """The file still holds what this build wrote to it, and its stamp is a tick old."""
    return (s.written is not None and mtime_ns < now_ns - RACY_NS
            and hashlib.sha256(s.path.read_bytes()).hexdigest() == s.written)


def mint_id(item: Head) -> str:
    """A feed id from the article's identity: its URL when known, else title, date and site."""
    a = item.article
    key = a.url or "\n".join([a.title, a.published or "", a.site_name or ""])
    return f"urn:uuid:{uuid.uuid5(ID_NAMESPACE, key)}"


def summary_meta(item: Head, item_id: str, story: str | None = None) -> dict:
    a, s = item.article, item.summary
    meta = {
        "title": a.title,
        "source": a.source,
        "sources": list(item.sources or (a.source,)),
        "url": a.url,
        "site": a.site_name,
        "author": a.author,
        "published": a.published,
        "saved": a.saved,
        "language": a.language,
        "section": a.section,
        "tags": list(a.tags),
        "image": a.image,
        "topics": list(item.topics),
        "key_points": list(s.key_points),
        "id": item_id,
        "source_sha256": a.sha256,
    }
    if story:  # the story stage's decision, kept as the feed id is (stories/stage.py)
        meta["story"] = story
    return meta


def rendered_summary(item: Head, item_id: str, story: str | None = None) -> tuple[str, dict]:
    """The summary file's text and the front matter it holds, as split_front_matter reads it back
    (the same data: parsing the YAML just dumped cost 0.5 ms a file, a third of writing one).
    `generated` is the fingerprint of the file without that line, which goes last, after the
    YAML (a quoted value may hold "---")."""
    meta = summary_meta(item, item_id, story)
    block = dump_yaml(meta)
    fingerprint = _fingerprint(front_matter(block, item.summary.summary))
    return front_matter(f"{block}generated: {fingerprint}\n", item.summary.summary), {**meta, "generated": fingerprint}


def _as_tuple(value) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(strip_controls(str(v)) for v in value if v is not None)
    return (strip_controls(str(value)),) if value else ()


def _opt(value) -> str | None:
    return None if value in (None, "") else strip_controls(str(value))


def _image(value) -> str | None:
    """A stored lead image's name, and nothing else (a hand-edited summary cannot point the site's
    preview at another path or address)."""
    return value if isinstance(value, str) and IMAGE_NAME_RE.fullmatch(value) else None


def entry_from_stored(stored: StoredSummary, minutes: int) -> Entry:
    m = stored.meta
    return Entry(
        slug=stored.slug,
        id=strip_controls(str(m.get("id") or "")),
        title=strip_controls(str(m.get("title") or stored.slug)),
        summary=strip_controls(stored.body),
        key_points=_as_tuple(m.get("key_points")),
        topics=_as_tuple(m.get("topics")),
        language=strip_controls(str(m.get("language") or "und")),
        published=_opt(m.get("published")),
        author=_opt(m.get("author")),
        site_name=_opt(m.get("site")),
        url=_opt(m.get("url")),
        source=strip_controls(str(m.get("source") or "")),
        sources=_as_tuple(m.get("sources")),
        edited=stored.edited,
        reading_minutes=minutes,
        saved=_opt(m.get("saved")),
        section=_opt(m.get("section")),
        tags=_as_tuple(m.get("tags")),
        image=_image(m.get("image")),
        story=clean_story(m.get("story")),
        sha256=strip_controls(str(m.get("source_sha256") or "")),
    )


def _match(item: Head, by_source: dict, by_digest: dict) -> StoredSummary | None:
    for src in item.sources or (item.article.source,):
        if src in by_source:
            return by_source[src]
    return by_digest.get(item.article.sha256)


def _unchanged(old: StoredSummary, item: Head, item_id: str, story: str | None) -> bool:
    """The stored file already says what rendered_summary would write (compared as parsed data,
    so the costly YAML dump is skipped for the common case: nothing changed)."""
    meta = dict(old.meta)
    meta.pop("generated", None)
    return meta == summary_meta(item, item_id, story) and old.body == item.summary.summary.strip()


def item_id(item: Head, old: StoredSummary | None) -> str:
    """The article's feed id: the one its summary file holds, else minted."""
    return str(old.meta.get("id")) if old is not None and old.meta.get("id") else mint_id(item)


def sync_one(folder: Path, item: Head, old: StoredSummary | None, taken: set[str],
             story: str | None = None) -> StoredSummary:
    """One item's summary file as it now stands: `old` (its file so far) when a person edited it or
    it already says what would be written, else written afresh (under a new unique slug, added to
    `taken`, when the item had no file). `story`: the story the file names."""
    if old is not None and old.edited:
        return old
    if old is not None:
        slug = old.slug
    else:
        slug = unique_slug(make_slug(item.article.title, item.article.sha256), taken)
        taken.add(slug)
    the_id = item_id(item, old)
    if old is not None and _unchanged(old, item, the_id, story):
        return old
    path = folder / f"{slug}.md"
    text, meta = rendered_summary(item, the_id, story)
    data = text.encode("utf-8")
    write_bytes_atomic(path, data)
    return StoredSummary(path, meta, item.summary.summary.strip(), edited=False,
                         written=hashlib.sha256(data).hexdigest())


def summary_sources(s: StoredSummary) -> list[str]:
    """Every saved file a summary covers, its main source first."""
    found = [src for src in [s.meta.get("source"), *(s.meta.get("sources") or [])] if isinstance(src, str)]
    return list(dict.fromkeys(found))



# The story stage (stories/stage.py), handed to the sync: (feed id, record, the story its summary
# file names, whether a person edited it) of every article -> story id by feed id.
AssignStories = Callable[[list[Placed]], dict[str, str]]


def sync_summary_files(folder: Path, items: list[Head], known: dict | None = None,
                       assign: AssignStories | None = None
                       ) -> tuple[list[Entry], list[tuple[str, str]], list[StoredSummary]]:
    """sync_summaries, also returning the summary files now in the folder (for remember_summaries);
    `known` is passed to load_summaries; `assign` decides each article's story (none: no stories)."""
    stored, warnings = load_summaries(folder, known)
    by_source: dict = {}
    for s in stored:  # every save a summary covers finds it
        for src in summary_sources(s):
            by_source.setdefault(src, s)
    by_digest = {s.meta.get("source_sha256"): s for s in stored}
    matched = {item.article.source: _match(item, by_source, by_digest) for item in items}
    taken = {s.slug for s in stored}
    ids = {item.article.source: item_id(item, matched[item.article.source]) for item in items}
    stories: dict[str, str] = {}
    if assign is not None:
        placed = []
        for item in items:
            old = matched[item.article.source]
            story = clean_story(old.meta.get("story")) if old is not None else None
            placed.append(Placed(ids[item.article.source], item, story, old is not None and old.edited))
        stories = assign(placed)
    entries: list[Entry] = []
    kept: list[StoredSummary] = []
    for item in items:
        story = stories.get(ids[item.article.source])
        now = sync_one(folder, item, matched[item.article.source], taken, story)
        entry = entry_from_stored(now, item.minutes)
        entries.append(replace(entry, story=story) if story and entry.story != story else entry)
        kept.append(now)
    used = {id(s) for s in matched.values() if s is not None}
    for s in stored:
        if id(s) in used:
            continue
        if s.edited:
            warnings.append((str(s.path), "edited summary of a deleted article: kept, not shown"))
            kept.append(s)
        else:
            s.path.unlink(missing_ok=True)
    return entries, warnings, kept

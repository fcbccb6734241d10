"""The story stage's per-article store, and how a build reads it (StoryAnalysis): each article's StoryFeatures and key figures, by the sha256
of its saved file, in .digest-cache/stories/<YYYY-MM>.json by the month it was published (undated
articles in undated.json).

Features are a pure function of the article and the names table (the shipped one plus site.toml's
[entities]); the store's key is the story code's fingerprint and the site's entities, so a changed
table recomputes them (reading each article's full record from the record cache). An article's
features are computed once: at 10,000 articles, computing them all again costs minutes of CPU (4-17
ms an article). Kept by month because a build reads only what it needs: the months around the
articles it adds (a story's members are published within days of each other) and the months of the
stories whose pages it makes; one file for the whole store was 30 MB at 10,000 articles, 2 s to read
and 360 MiB held, in every build that added an article.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import replace
from pathlib import Path

from generator.incremental.cache import Cache, records_fingerprint
from generator.incremental.files import write_bytes_atomic
from generator.incremental.fingerprint import code_fingerprint
from generator.stories.features import StoryFeatures
from generator.stories.figures import Figure
from generator.incremental.workers import run_each
from generator.stories import default_params
from generator.stories.combine import with_figures
from generator.stories.stage import analyse, assign_build, kept_stories, site_lexicon

log = logging.getLogger(__name__)

STORE_DIR = "stories"
STORE_VERSION = 3
_MONTH = re.compile(r"\d{4}-\d{2}")


def store_key(entities_key: str) -> str:
    """The code that makes an article's features and figures (not the grouping, not this module:
    they make no stored byte; the row layout is STORE_VERSION) and the site's entities."""
    code = code_fingerprint("stories.features", "stories.figures")
    return hashlib.sha256(f"v{STORE_VERSION}\n{code}\n{entities_key}".encode()).hexdigest()


def month_of(published: str | None) -> str:
    """The store file an article is kept in: the month of its publication date as written."""
    return published[:7] if published and _MONTH.match(published) else "undated"


def analyse_record(sha256: str, where: tuple[str, tuple]) -> tuple | None:
    """stories.stage.analyse of the article whose full record the record cache holds (None: it
    holds none); `where`: the cache folder and the site's entities. Run in worker processes, which
    read the records themselves: the build never holds the articles' texts (a cold build of 10,000
    held them all: 400 MiB)."""
    cache_dir, entities = where
    item = Cache(Path(cache_dir), records_fingerprint()).get(sha256)
    return analyse(item.article, entities) if item is not None else None


def _encode(features: StoryFeatures, figures: tuple[Figure, ...]) -> str:
    """An article's row: its own JSON text, parsed only when asked for (a month's file is read as
    one string per article: a tenth of the memory of its parsed lists)."""
    f = features
    return json.dumps([f.day, f.language, f.concepts, f.names, f.numbers, f.days, f.words, f.title, f.vector,
                       [[g.text, g.key, g.kind, g.sentence] for g in figures]], ensure_ascii=False,
                      separators=(",", ":"))


def _pairs(rows) -> tuple:
    return tuple((a, b) for a, b in rows)


def _decode(row: str) -> tuple[StoryFeatures, tuple[Figure, ...]]:
    day, language, concepts, names, numbers, days, words, title, vector, figures = json.loads(row)
    features = StoryFeatures(day=day, language=language, concepts=_pairs(concepts), names=_pairs(names),
                             numbers=_pairs(numbers), days=_pairs(days), words=_pairs(words), title=title,
                             vector=tuple(vector))
    return features, tuple(Figure(*g) for g in figures)


class StoryStore:
    """(month, sha256) -> (StoryFeatures, figures); a month's file is read on first use, and
    written by save() when it changed."""

    def __init__(self, cache_dir: Path, key: str):
        self.folder = Path(cache_dir) / STORE_DIR
        self.key = key
        self._months: dict[str, dict[str, str]] = {}
        self._dirty: set[str] = set()

    def _month(self, month: str) -> dict[str, str]:
        rows = self._months.get(month)
        if rows is None:
            rows = self._months[month] = {}
            path = self.folder / f"{month}.json"
            try:
                data = json.loads(path.read_bytes())
                if isinstance(data, dict) and data.get("key") == self.key and isinstance(data.get("articles"), dict):
                    rows.update((k, v) for k, v in data["articles"].items() if isinstance(v, str))
                else:
                    self._dirty.add(month)  # another code or names table: computed again
            except FileNotFoundError:
                pass
            except (OSError, ValueError) as exc:
                log.warning("%s: unreadable, computed again (%s)", path, exc)
                self._dirty.add(month)
        return rows

    def has(self, month: str, sha256: str) -> bool:
        return sha256 in self._month(month)

    def get(self, month: str, sha256: str) -> tuple[StoryFeatures, tuple[Figure, ...]] | None:
        row = self._month(month).get(sha256)
        try:
            return _decode(row) if isinstance(row, str) else None
        except (TypeError, ValueError):
            return None

    def put(self, month: str, sha256: str, features: StoryFeatures, figures: tuple[Figure, ...]) -> None:
        self._month(month)[sha256] = _encode(features, figures)
        self._dirty.add(month)

    def loaded(self) -> set[str]:
        return set(self._months)

    def release(self, months: set[str], keep: dict[str, set[str]]) -> None:
        """Write these months (as save does) and drop them from memory: a cold build of 10,000
        articles goes through its months in order and holds a few at a time."""
        self._write({m: self._months[m] for m in months if m in self._months}, keep)
        for m in months:
            self._months.pop(m, None)

    def save(self, keep: dict[str, set[str]]) -> None:
        """Write each month read or changed, holding only the articles of this build (`keep`: the
        sha256s of each month), and remove the files of months no article is in."""
        self._write(self._months, keep)
        try:
            for path in self.folder.glob("*.json"):
                if path.stem not in keep:
                    path.unlink(missing_ok=True)
        except OSError:
            pass
        self._dirty.clear()

    def _write(self, months: dict[str, dict[str, str]], keep: dict[str, set[str]]) -> None:
        for month, rows in months.items():
            gone = [sha for sha in rows if sha not in keep.get(month, ())]
            for sha in gone:
                del rows[sha]
            if month not in self._dirty and not gone:
                continue
            path = self.folder / f"{month}.json"
            data = json.dumps({"key": self.key, "articles": dict(sorted(rows.items()))}, ensure_ascii=False,
                              separators=(",", ":"))
            try:
                write_bytes_atomic(path, data.encode("utf-8"), compare=False)
            except OSError as exc:  # a cache that cannot be written costs time, never the build
                log.warning("%s: not saved (%s)", path, exc)
            self._dirty.discard(month)


# New articles decided in one go; more (a first build) are decided month by month.
ONE_BATCH = 1000


class StoryAnalysis:
    """What the story stage knows of each article (stories.stage.analyse: its features and key
    figures), from the story store, else computed from the article's full record in the record
    cache: here, or (`clean`) in worker processes started clean."""

    def __init__(self, cache_dir: Path, entities: tuple, items: list, clean: bool = False):
        self.entities, self.clean = entities, clean
        # what the store saves: its features are 4-17 ms an article to compute again (a whole build's
        # at 10,000 articles: minutes of CPU; bench/mechanisms.py measured ~120 s of a one-article
        # edit before the store was kept by month)
        self.store = StoryStore(cache_dir, store_key(repr(entities)))
        self.cache_dir = str(cache_dir)
        self.months = {item.article.sha256: month_of(item.article.published) for item in items}
        # what the store keeps: this build's articles, by month
        self.keep: dict[str, set[str]] = {}
        for sha, month in self.months.items():
            self.keep.setdefault(month, set()).add(sha)

    def _month(self, sha256: str) -> str:
        return self.months.get(sha256, "undated")

    def _of(self, shas: list[str]) -> dict[str, tuple]:
        found = {sha: self.store.get(self._month(sha), sha) for sha in dict.fromkeys(shas)}
        missing = [sha for sha, f in found.items() if f is None]
        for sha, result in zip(missing, self._analysed(missing)):
            if result is not None:
                found[sha] = result
                self.store.put(self._month(sha), sha, *result)
        return {sha: f for sha, f in found.items() if f is not None}

    def _analysed(self, shas: list[str]):
        """(features, figures) of each article, in order; None where it could not be analysed (no
        record, or the analysis failed: the article is then decided by its day alone)."""
        for result in run_each(shas, (self.cache_dir, self.entities), analyse_record, self.clean,
                               ("generator.incremental.storystore",)):
            yield result if isinstance(result, tuple) else None

    def _analyse_all(self, shas: list[str]) -> None:
        """Every article the store lacks analysed in one run of workers (a first build), month by
        month, each month written and let go once done."""
        missing = sorted((self._month(sha), sha) for sha in shas if not self.store.has(self._month(sha), sha))
        done: str | None = None
        for (month, sha), result in zip(missing, self._analysed([sha for _, sha in missing])):
            if month != done and done is not None:
                self.store.release({done}, self.keep)
            done = month
            if result is not None:
                self.store.put(month, sha, *result)
        if done is not None:
            self.store.release({done}, self.keep)

    def assign(self, placed: list) -> dict[str, str]:
        kept = kept_stories(placed)  # no article new to the site: nothing to decide, nothing to read
        if kept is not None:
            return kept
        params = default_params(site_lexicon(self.entities))
        fresh = [p for p in placed if not p.story]
        if len(fresh) <= ONE_BATCH:
            return assign_build(placed, self._features, params)
        # Many new articles (a first build): month by month, oldest first, each month against the
        # stories before it, holding a few months' features at a time. The same stories as all at
        # once: articles are assigned in order of publication either way (group.py).
        self._analyse_all([p.item.article.sha256 for p in fresh])  # one run of workers for all
        known = [p for p in placed if p.story]
        months: dict[str, list] = {}
        for p in fresh:
            months.setdefault(month_of(p.item.article.published), []).append(p)
        stories: dict[str, str] = {}
        for month in sorted(months, key=lambda m: (m == "undated", m)):
            stories = assign_build(known + months[month], self._features, params)
            known += [replace(p, story=stories[p.key], edited=False) for p in months[month]]
            self.store.release(self.store.loaded() - {month}, self.keep)
        return stories

    def _features(self, items: list) -> list:
        found = self._of([i.article.sha256 for i in items])
        return [found[i.article.sha256][0] if i.article.sha256 in found else None for i in items]

    def figures_of(self, entries: list):
        """entry -> its key figures, for these entries."""
        found = self._of([e.sha256 for e in entries if e.sha256])
        return lambda e: found[e.sha256][1] if e.sha256 in found else ()

    def story_page(self, spec, language: str):
        """A story page's spec with the story's figures: found only for the pages to be made (its
        key holds what they are made from, Story.made_from)."""
        if spec.template != "story.html":
            return spec
        members = spec.context["entries"]
        story = with_figures(spec.context["story"], members, self.figures_of(members), language)
        return replace(spec, context={**spec.context, "story": story})

    def save(self) -> None:
        self.store.save(self.keep)

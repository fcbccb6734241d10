"""The story stage's per-article store: each article's StoryFeatures and key figures, by the sha256
of its saved file, in .digest-cache/stories.json.

Features are a pure function of the article and the names table (the shipped one plus site.toml's
[entities]); the store's key is the story code's fingerprint and the site's entities, so a changed
table recomputes them (reading each article's full record from the record cache). An article's
features are computed once: at 10,000 articles, computing them all again costs 40-90 s (4-9 ms an
article, bench/stories.py); reading the store costs a JSON parse, and only builds that add an
article or show a story read it.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

from generator.incremental.fingerprint import code_fingerprint
from generator.incremental.files import write_bytes_atomic
from generator.stories.features import StoryFeatures
from generator.stories.figures import Figure

log = logging.getLogger(__name__)

STORE_FILE = "stories.json"
STORE_VERSION = 1


def store_key(entities_key: str) -> str:
    code = code_fingerprint("stories.features", "stories.figures", "incremental.storystore")
    return hashlib.sha256(f"v{STORE_VERSION}\n{code}\n{entities_key}".encode()).hexdigest()


def _encode(features: StoryFeatures, figures: tuple[Figure, ...]) -> list:
    f = features
    return [f.day, f.language, f.concepts, f.names, f.numbers, f.days, f.words, f.title, f.vector,
            [[g.text, g.key, g.kind, g.sentence] for g in figures]]


def _pairs(rows) -> tuple:
    return tuple((a, b) for a, b in rows)


def _decode(row: list) -> tuple[StoryFeatures, tuple[Figure, ...]]:
    day, language, concepts, names, numbers, days, words, title, vector, figures = row
    features = StoryFeatures(day=day, language=language, concepts=_pairs(concepts), names=_pairs(names),
                             numbers=_pairs(numbers), days=_pairs(days), words=_pairs(words), title=title,
                             vector=tuple(vector))
    return features, tuple(Figure(*g) for g in figures)


class StoryStore:
    """sha256 -> (StoryFeatures, figures); read on first use, written by save() when it changed."""

    def __init__(self, cache_dir: Path, key: str):
        self.path = Path(cache_dir) / STORE_FILE
        self.key = key
        self._rows: dict[str, list] | None = None
        self._decoded: dict[str, tuple[StoryFeatures, tuple[Figure, ...]]] = {}
        self._dirty = False

    def _load(self) -> dict[str, list]:
        if self._rows is None:
            self._rows = {}
            try:
                data = json.loads(self.path.read_bytes())
                if isinstance(data, dict) and data.get("key") == self.key and isinstance(data.get("articles"), dict):
                    self._rows = data["articles"]
                else:
                    self._dirty = True  # another code or names table: every article is computed again
            except FileNotFoundError:
                pass
            except (OSError, ValueError) as exc:
                log.warning("%s: unreadable, computed again (%s)", self.path, exc)
                self._dirty = True
        return self._rows

    def get(self, sha256: str) -> tuple[StoryFeatures, tuple[Figure, ...]] | None:
        found = self._decoded.get(sha256)
        if found is not None:
            return found
        row = self._load().get(sha256)
        if row is None:
            return None
        try:
            found = self._decoded[sha256] = _decode(row)
        except (TypeError, ValueError):
            return None
        return found

    def put(self, sha256: str, features: StoryFeatures, figures: tuple[Figure, ...]) -> None:
        self._load()[sha256] = json.loads(json.dumps(_encode(features, figures)))
        self._decoded[sha256] = (features, figures)
        self._dirty = True

    def save(self, keep: set[str]) -> None:
        """Write the store holding only the articles in `keep` (those of this build)."""
        rows = self._load()
        gone = [k for k in rows if k not in keep]
        for k in gone:
            del rows[k]
        if not (self._dirty or gone):
            return
        data = json.dumps({"key": self.key, "articles": dict(sorted(rows.items()))}, ensure_ascii=False,
                          separators=(",", ":"))
        try:
            write_bytes_atomic(self.path, data.encode("utf-8"), compare=False)
        except OSError as exc:  # a cache that cannot be written costs time, never the build
            log.warning("%s: not saved (%s)", self.path, exc)
            return
        self._dirty = False

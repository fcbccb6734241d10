"""A content-hash cache of per-article work (extract, summarize, classify), as JSON files.

Key = sha256(source bytes digest + fingerprint), where the fingerprint covers the generator's own
code; a record also names the topic rules its topics were assigned with (pipeline.reclassify). A missing, old or corrupt entry
is a miss; a cache folder that cannot be used at all is a warning, never a failure.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import asdict
from pathlib import Path

from .records import Article, Block, Digested, Summary

log = logging.getLogger(__name__)
# Bump when the cached record layout changes.
CACHE_VERSION = 4


def code_fingerprint() -> str:
    """Hash of the generator package's source: any code change invalidates cached results."""
    root = Path(__file__).parent
    h = hashlib.sha256(f"v{CACHE_VERSION}".encode())
    for path in sorted(root.rglob("*.py")):
        h.update(path.relative_to(root).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def encode(item: Digested) -> dict:
    return asdict(item)


def decode(data: dict) -> Digested:
    a = dict(data["article"])
    a["blocks"] = tuple(Block(**b) for b in a["blocks"])
    a["tags"], a["captions"] = tuple(a["tags"]), tuple(a["captions"])
    s = dict(data["summary"])
    s["key_points"] = tuple(s["key_points"])
    return Digested(article=Article(**a), summary=Summary(**s), topics=tuple(data["topics"]),
                    sources=tuple(data["sources"]), signature=tuple(data.get("signature", ())), rules=data.get("rules", ""),
                    minutes=data.get("minutes", 0))


# The dev server's builds keep what they read or made in memory too, so a save re-reads nothing
# but the changed file. Keyed like the files (digest + fingerprint).
_MEMORY: dict[str, Digested] = {}


class Cache:
    def __init__(self, folder: Path, fingerprint: str, remember: bool = False):
        self.folder = folder
        self.fingerprint = fingerprint
        self.remember = remember  # keep entries in this process's memory (digest serve)
        self.hits = 0
        self.misses = 0

    def _path(self, digest: str) -> Path:
        key = hashlib.sha256(f"{digest}:{self.fingerprint}".encode()).hexdigest()
        return self.folder / key[:2] / f"{key}.json"

    def get(self, digest: str) -> Digested | None:
        path = self._path(digest)
        if self.remember and path.name in _MEMORY:
            self.hits += 1
            return _MEMORY[path.name]
        try:
            item = decode(json.loads(path.read_text(encoding="utf-8")))
        except FileNotFoundError:
            item = None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("%s: unreadable cache entry, rebuilding it (%s)", path, exc)
            item = None
        if item is None:
            self.misses += 1
        else:
            self.hits += 1
            if self.remember:
                _MEMORY[path.name] = item
        return item

    def put(self, digest: str, item: Digested) -> None:
        path = self._path(digest)
        if self.remember:
            _MEMORY[path.name] = item
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps(encode(item), ensure_ascii=False, sort_keys=True), encoding="utf-8")
            tmp.replace(path)
        except OSError as exc:
            log.warning("%s: cannot write cache (%s); continuing without it", self.folder, exc)

"""What content/articles already holds, so that nothing is saved twice; and writing new files.

For each article file: the addresses it is known by (the saving tool's record, the page's own
canonical address, the address asked for) and its body's near-duplicate signature (the build's own
dedupe.body_signature, so "the same article" means here what it means when the site is built).
Kept in .digest-cache/ingest/library.json, keyed by each file's stat: a file is read again only
when it changed, and then its record comes from the build's cache when the site was built since
(the heads file, then the full record), else from extracting it. An unreadable index is rebuilt.

Addresses are compared by a canonical form (the scheme, the fragment, tracking parameters and a
trailing slash do not make another page); bodies by the build's merge rule (dedupe.same_article).
"""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import threading
from array import array
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

from generator.articles.discover import KINDS, is_article_file
from generator.incremental.files import read_json_state, write_json_state
from generator.site.slugs import make_slug

log = logging.getLogger(__name__)

INDEX_VERSION = 1
# Query parameters that say how a reader arrived, not which page it is (Google Analytics' utm_*,
# Facebook's and Google Ads' click ids, Mailchimp's, Microsoft's and Adobe's campaign ids).
_TRACKING = ("utm_", "fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "ocid", "cmpid", "_ga", "yclid",
             "igshid", "spm", "share", "ref_src", "at_medium", "at_campaign")


def url_key(url: str | None) -> str | None:
    """The canonical form two addresses of one page share: no scheme (http and https are one
    page), host in lower case without a default port, no fragment, no tracking parameters, the
    query sorted, no trailing slash."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").rstrip(".").lower()
        port = parts.port
    except ValueError:
        return None
    if not host or parts.scheme.lower() not in ("http", "https"):
        return None
    netloc = host if port in (None, 80, 443) else f"{host}:{port}"
    query = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                   if not k.lower().startswith(_TRACKING))
    path = parts.path.rstrip("/") or ""
    return f"//{netloc}{path}" + (f"?{urlencode(query)}" if query else "")


def _pack(sig) -> str:
    return base64.b64encode(array("Q", sig).tobytes()).decode("ascii") if sig else ""


def _unpack(text: str) -> tuple[int, ...]:
    return tuple(array("Q", base64.b64decode(text))) if text else ()


@dataclass(frozen=True)
class Known:
    """Why something is already saved: the file, and how it matched ("address" or "text")."""

    rel: str
    how: str


class Library:
    """The index of content/articles. Methods are thread-safe (one lock)."""

    def __init__(self, articles: Path, cache_dir: Path):
        self.articles = Path(articles)
        self.path = Path(cache_dir) / "ingest" / "library.json"
        self.cache_dir = Path(cache_dir)
        self.files: dict[str, dict] = {}
        self._urls: dict[str, str] = {}  # url_key -> rel
        self._sigs: list[tuple[str, tuple[int, ...]]] = []
        self._matrix = None  # numpy view of the signatures, built on first use
        self._lock = threading.RLock()
        self._build_records = None

    # -- reading -------------------------------------------------------------------------------

    def load(self) -> "Library":
        """Read the index and bring it up to date with the articles folder."""
        self.files = read_json_state(self.path, INDEX_VERSION, "files", "rebuilt from the articles")
        self._refresh()
        return self

    def _walk(self) -> dict[str, os.stat_result]:
        found = {}
        if not self.articles.is_dir():
            return found
        for dirpath, dirnames, filenames in os.walk(self.articles):
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
            for name in filenames:
                path = Path(dirpath, name)
                if is_article_file(name) and path.suffix.lower() in KINDS:
                    try:
                        found[path.relative_to(self.articles).as_posix()] = path.stat()
                    except OSError:
                        continue
        return found

    def _refresh(self) -> None:
        on_disk = self._walk()
        for rel in list(self.files):
            if rel not in on_disk:
                del self.files[rel]
        for rel, st in sorted(on_disk.items()):
            stamp = [st.st_size, st.st_mtime_ns, st.st_ino]
            entry = self.files.get(rel)
            if entry and entry.get("stat") == stamp:
                continue
            try:
                data = (self.articles / rel).read_bytes()
            except OSError:
                continue
            digest = hashlib.sha256(data).hexdigest()
            if not (entry and entry.get("digest") == digest):
                entry = self._describe(rel, data, digest)
            self.files[rel] = dict(entry, stat=stamp)
        self._reindex()

    def _describe(self, rel: str, data: bytes, digest: str) -> dict:
        """Addresses and signature of one file: from the build's records when it has them."""
        urls, sig = set(_recorded_urls(data, rel)), ()
        item = self._build_record(digest)
        if item is not None:
            urls.add(item.article.url)
            sig = tuple(item.signature)
        else:
            from generator.articles.dedupe import body_signature
            from generator.ingest.page import extract_bytes

            try:
                article = extract_bytes(data, rel, KINDS[Path(rel).suffix.lower()])
                urls.add(article.url)
                sig = body_signature(article)
            except Exception as exc:  # a file the build skips still has its address
                log.debug("%s: not extracted (%s)", rel, exc)
        return {"digest": digest, "urls": sorted(u for u in urls if u), "sig": _pack(sig)}

    def _build_record(self, digest: str):
        """The build's record of a file with these bytes, if the site was built since it was saved."""
        if self._build_records is None:
            try:
                from generator.incremental.cache import Cache, Heads, records_fingerprint

                fp = records_fingerprint()
                self._build_records = (Heads(self.cache_dir, fp), Cache(self.cache_dir, fp))
            except Exception as exc:  # no cache is normal: extract instead
                log.debug("build cache not used (%s)", exc)
                self._build_records = ()
        for store in self._build_records:
            try:
                item = store.get(digest)
            except Exception:
                item = None
            if item is not None and item.signature is not None:
                return item
        return None

    def _reindex(self) -> None:
        self._urls, self._sigs, self._matrix = {}, [], None
        for rel in sorted(self.files):
            self._index(rel, self.files[rel])

    def _index(self, rel: str, entry: dict) -> None:
        for url in entry.get("urls", ()):
            key = url_key(url)
            if key:
                self._urls.setdefault(key, rel)
        sig = _unpack(entry.get("sig", ""))
        if sig:
            self._sigs.append((rel, sig))
            self._matrix = None

    # -- questions -----------------------------------------------------------------------------

    def known_url(self, *urls: str | None) -> Known | None:
        with self._lock:
            for url in urls:
                key = url_key(url)
                if key and key in self._urls:
                    return Known(self._urls[key], "address")
        return None

    def known_text(self, sig) -> Known | None:
        """The saved article this body is a near-duplicate of (the build's merge rule), if any."""
        if not sig:
            return None
        import numpy as np

        from generator.articles.dedupe import CONTAINED_MIN_JACCARD, NUM_PERM, same_article, similarity

        with self._lock:
            if not self._sigs:
                return None
            if self._matrix is None:
                rows = [s for _, s in self._sigs if len(s) == NUM_PERM + 1]
                self._matrix = np.array(rows, dtype=np.uint64).reshape(len(rows), NUM_PERM + 1)
                self._matrix_rels = [r for r, s in self._sigs if len(s) == NUM_PERM + 1]
            if not len(self._matrix):
                return None
            jaccard = (self._matrix[:, 1:] == np.array(sig[1:], dtype=np.uint64)).mean(axis=1)
            for i in np.flatnonzero(jaccard >= CONTAINED_MIN_JACCARD):
                other = tuple(int(v) for v in self._matrix[i])
                j, contained = similarity(tuple(sig), other)
                if same_article(j, contained, min(sig[0], other[0])):
                    return Known(self._matrix_rels[i], "text")
        return None

    # -- writing -------------------------------------------------------------------------------

    def write(self, stem_title: str, fallback: str, suffix: str, data: bytes, urls, sig) -> str:
        """Write a new file under a readable, free name (never over another file) and index it.
        Returns its path relative to the articles folder."""
        with self._lock:
            self.articles.mkdir(parents=True, exist_ok=True)
            stem = make_slug(stem_title, fallback)
            tmp = self.articles / f".digest-{os.getpid()}-{threading.get_ident()}.tmp"
            tmp.write_bytes(data)
            try:
                n = 1
                while True:
                    rel = f"{stem}{suffix}" if n == 1 else f"{stem}-{n}{suffix}"
                    try:
                        os.link(tmp, self.articles / rel)
                        break
                    except FileExistsError:
                        n += 1
            finally:
                tmp.unlink(missing_ok=True)
            st = (self.articles / rel).stat()
            entry = {"digest": hashlib.sha256(data).hexdigest(), "urls": sorted({u for u in urls if u}),
                     "sig": _pack(sig), "stat": [st.st_size, st.st_mtime_ns, st.st_ino]}
            self.files[rel] = entry
            self._index(rel, entry)
            return rel

    def save(self) -> None:
        """Write the index (atomically); a cache folder that cannot be written is a warning."""
        with self._lock:
            write_json_state(self.path, INDEX_VERSION, "files", self.files)


def _recorded_urls(data: bytes, rel: str) -> list[str]:
    """The addresses a file records without extracting it: the saving tool's mark (HTML), the
    front matter's source (markdown), the page's requested address (our own mark)."""
    from generator.articles.extract.saved import HEAD_CHARS, html_save_record

    head = data[:HEAD_CHARS].decode("utf-8", "replace")
    urls = []
    if Path(rel).suffix.lower() in (".html", ".htm", ".xhtml"):
        from generator.ingest.page import requested_url

        urls += [html_save_record(head).url, requested_url(head)]
    return [u for u in urls if u]

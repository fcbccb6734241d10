"""A content-hash cache of per-article work (extract, summarize, classify), as JSON files.

Key = sha256(source bytes digest + fingerprint), where the fingerprint covers the code that makes a
record (records_fingerprint); a record also names the topic rules its topics were assigned with
(articles/process.py reclassify). A missing, old or corrupt entry is a miss; a cache folder that cannot be used
at all is a warning, never a failure.

Beside the records (records.Processed), one file (`heads-<fingerprint>.json`) holds the last
build's records without their article text (records.Head): all a build needs of an unchanged article (metadata, summary, topics,
near-duplicate signature, reading time). A build reads that one file instead of a record per
article, and holds no article text in memory; full records are read only for articles whose text
is needed again (topics under changed rules).
"""

from __future__ import annotations

import contextlib
import base64
import hashlib
import json
import logging
import os
from array import array
from dataclasses import fields, replace
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from generator.incremental.files import write_bytes_atomic
from generator.incremental.fingerprint import code_fingerprint
from generator.records import Article, ArticleMeta, Block, Head, Processed, Summary, image_name, packed_signature

log = logging.getLogger(__name__)
# Bump when the cached record layout changes.
CACHE_VERSION = 6  # 6: a record holds no saved_ns; its minutes and rules always set


def records_fingerprint() -> str:
    """What keys the records besides an article's bytes: the code that makes them (articles/process.py and
    what it imports) and the record layout (this module), so a change elsewhere in the generator
    (rendering, search, the dev server) keeps every record, and a change there invalidates them."""
    return hashlib.sha256(f"v{CACHE_VERSION}\n{code_fingerprint('articles.process', 'incremental.cache')}".encode()).hexdigest()


def _flat(record, skip: tuple[str, ...] = ()) -> dict:
    """A flat record's fields as JSON data, field by field (asdict deep-copies every string and
    number: 1.5 ms a record, and 12 s a build at 10,000 for the heads' signatures)."""
    return {f.name: _plain(getattr(record, f.name)) for f in fields(record) if f.name not in skip}


def encode(item: Processed) -> dict:
    """The whole record as JSON data: what dataclasses.asdict gives (tested)."""
    article = _flat(item.article, skip=("blocks",))
    article["blocks"] = [{"kind": b.kind, "text": b.text} for b in item.article.blocks]
    return dict(_flat(item, skip=("article", "summary", "signature")), article=article,
                summary=_flat(item.summary), signature=list(item.signature))


def encode_head(head: Head) -> dict:
    """A head as JSON data (its saved_ns is the build's, not stored); see the module docstring."""
    return dict(_flat(head, skip=("article", "summary", "signature", "saved_ns")), article=_flat(head.article),
                summary=_flat(head.summary), signature=_pack(head.signature))


def _pack(numbers: Sequence[int]) -> str:
    """A near-duplicate signature (its size, then 32-bit hash values) as base64: half the heads
    file's size as a JSON list of numbers, and read many times faster."""
    packed = packed_signature(numbers)
    return packed.typecode + base64.b64encode(packed.tobytes()).decode("ascii")


def _unpack(text: str) -> array:
    """The signature as the packed array itself (records.Head.signature)."""
    if text[:1] not in ("I", "Q"):
        raise ValueError("not a packed signature")
    return array(text[0], base64.b64decode(text[1:].encode("ascii"), validate=True))


def _plain(value):
    return list(value) if isinstance(value, tuple) else value


def _summary(data: dict) -> Summary:
    return Summary(**dict(data, key_points=tuple(data["key_points"])))


def decode(data: dict) -> Processed:
    a = dict(data["article"])
    a["blocks"] = tuple(Block(**b) for b in a["blocks"])
    a["tags"], a["captions"] = tuple(a["tags"]), tuple(a["captions"])
    return Processed(article=Article(**a), summary=_summary(data["summary"]), topics=tuple(data["topics"]),
                     sources=tuple(data["sources"]), signature=tuple(data["signature"]),
                     minutes=data["minutes"], rules=data["rules"])


def decode_head(data: dict) -> Head:
    a = dict(data["article"], tags=tuple(data["article"]["tags"]))
    return Head(article=ArticleMeta(**a), summary=_summary(data["summary"]), topics=tuple(data["topics"]),
                sources=tuple(data["sources"]), signature=_unpack(data["signature"]),
                minutes=data["minutes"], rules=data["rules"])


HEADS_VERSION = 5  # 4: one head a line; 5: a head is records.Head (no captions)


class Heads:
    """The heads file of one fingerprint: digest -> Head (the record without its text).

    One build reads it, serves heads from it and saves the build's heads. The dev server keeps one
    open between its builds (serve/rebuild.py Memory): after a save it holds exactly the heads saved,
    so the next build reads neither the file nor a record for an unchanged article, and does not
    write the file again when no head changed."""

    def __init__(self, folder: Path, fingerprint: str):
        self.path = Path(folder) / f"heads-{fingerprint[:32]}.json"
        self.folder = Path(folder)
        self.fingerprint = fingerprint
        self._raw: dict[str, Head | Exception] = {}  # read, not yet served (an error: damaged)
        self._served: dict[str, Head] = {}  # what get() returned, by digest (popped from _raw)
        self._read = False
        self.replaced = False  # save() removed the heads file of another fingerprint (other code)

    def _load(self) -> None:
        self._read = True
        try:
            with open(self.path, encoding="utf-8", newline="\n") as lines:
                self._raw = _read_heads(lines)
        except FileNotFoundError:
            pass
        except (OSError, ValueError, AttributeError, TypeError, IndexError) as exc:
            log.warning("%s: unreadable, reading the full records instead (%s)", self.path, exc)

    def __len__(self) -> int:
        """How many heads this object holds in memory."""
        return len(self._raw) + len(self._served)

    def get(self, digest: str) -> Head | None:
        if not self._read:
            self._load()
        if digest in self._served:
            return self._served[digest]
        item = self._raw.pop(digest, None)
        if isinstance(item, Exception):
            log.warning("%s: damaged head of %s, reading its full record (%s)", self.path, digest[:12], item)
            return None
        if item is not None:
            self._served[digest] = item
        return item

    def save(self, kept: dict[str, Head]) -> None:
        """Keep exactly these heads (digest -> head). Written only when it differs; the heads files
        of other fingerprints removed (then `replaced` is true)."""
        self.replaced = False
        if not self._read:
            self._load()
        if not self._raw and kept.keys() == self._served.keys() and self.path.exists() \
                and all(self._served[d] is item for d, item in kept.items()):
            return  # every head was read and is kept as read, and there is no other
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
            # A head served as read is copied from the file as it was read, not encoded again.
            reuse = {d for d, item in kept.items() if self._served.get(d) is item}
            with open(tmp, "w", encoding="utf-8") as out, _head_lines(self.path if reuse else None) as old:
                _write_heads(out, kept, old, reuse)
            os.replace(tmp, self.path)
            self._raw, self._served = {}, kept  # as if every head had just been read
            for old in self.folder.glob("heads-*.json"):
                if old != self.path:
                    old.unlink(missing_ok=True)
                    self.replaced = True
        except OSError as exc:
            log.warning("%s: cannot write (%s); the next build reads the full records", self.path, exc)


def _decode_head(data) -> Head | Exception:
    try:
        return decode_head(data)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        return exc


def _read_heads(lines) -> dict[str, Head | Exception]:
    """The heads file (its lines) as records, each decoded as soon as its line is read: neither the
    file's text nor its JSON data is ever held whole beside the records (their peak at 10,000
    articles: 70 MiB). A file of another layout or version gives nothing."""
    it = iter(lines)
    if next(it, "") != '{"heads":{\n':
        raise ValueError("not a heads file")
    heads: dict[str, Head | Exception] = {}
    for line in it:
        if line.startswith("}"):
            tail = json.loads("{" + line[2:]) if line.startswith("},") else {}
            return heads if tail.get("version") == HEADS_VERSION else {}
        ((digest, data),) = json.loads("{" + line.rstrip("\n").rstrip(",") + "}").items()
        heads[digest] = _decode_head(data)
    raise ValueError("cut short")


@contextlib.contextmanager
def _head_lines(path: Path | None) -> Iterator[Iterator[tuple[str, str]]]:
    """(digest, the head's JSON text) of each line of a heads file, in its order (sorted by digest),
    read lazily and not decoded; nothing for no path, a missing file or one of another layout, and
    nothing more from a line that is not a head."""
    def heads(lines) -> Iterator[tuple[str, str]]:
        if next(lines, "") != '{"heads":{\n':
            return
        for line in lines:
            at = line.find('":')
            if line.startswith("}") or at < 0:
                return
            try:
                digest = json.loads(line[:at + 1])
            except ValueError:
                return
            yield digest, line[at + 2:].rstrip("\n").rstrip(",")

    try:
        lines = open(path, encoding="utf-8", newline="\n") if path is not None else None
    except OSError:
        lines = None
    if lines is None:
        yield iter(())
        return
    with lines:
        yield heads(lines)


def _write_heads(out, items: dict[str, Head], old: Iterator[tuple[str, str]] = iter(()),
                 reuse: set[str] = frozenset()) -> None:
    """The heads file: JSON with one head a line (JSON strings hold no raw line breaks), sorted by
    digest, written one head at a time (never the whole file's JSON data or text at once).

    `old`: the (digest, text) of the heads in the file as it was read (_head_lines), and `reuse`
    the digests whose items are those heads, unchanged: their text is copied, not encoded again
    (encoding all 10,000 heads took 1 s of a one-article edit)."""
    def dump(value) -> str:
        return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    out.write('{"heads":{\n')
    at = next(old, None)
    for n, digest in enumerate(sorted(items)):
        text = None
        if digest in reuse:
            while at is not None and at[0] < digest:
                at = next(old, None)
            if at is not None and at[0] == digest:
                text = at[1]
        if text is None:
            text = dump(encode_head(items[digest]))
        out.write(f"{dump(digest)}:{text}{',' if n < len(items) - 1 else ''}\n")
    out.write(f'}},"version":{dump(HEADS_VERSION)}}}\n')


class Cache:
    """The records (Processed, with the text) by source digest, one JSON file each."""

    def __init__(self, folder: Path, fingerprint: str):
        self.folder = folder
        self.fingerprint = fingerprint

    def _path(self, digest: str) -> Path:
        key = hashlib.sha256(f"{digest}:{self.fingerprint}".encode()).hexdigest()
        return self.folder / key[:2] / f"{key}.json"

    def get(self, digest: str) -> Processed | None:
        path = self._path(digest)
        try:
            return decode(json.loads(path.read_text(encoding="utf-8")))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("%s: unreadable cache entry, rebuilding it (%s)", path, exc)
            return None

    def prune(self, keep: Iterable[str]) -> int:
        """Remove every record but those of these source digests under this fingerprint: what other
        code made, and articles no longer there (and a killed build's temporary files). Returns how
        many files were removed."""
        wanted = {self._path(d).name for d in keep}
        removed = 0
        for path in [*self.folder.glob("[0-9a-f][0-9a-f]/*.json"), *self.folder.glob("[0-9a-f][0-9a-f]/*.tmp")]:
            if path.name not in wanted:
                path.unlink(missing_ok=True)
                removed += 1
        return removed

    def put(self, digest: str, item: Processed) -> Head:
        """Keep the record; returns the head of the record as kept: a lead image it carries as a data
        URI is stored once in images/ under the hash of its bytes (the name is what the record, the
        summary and the site keep; the bytes never travel in a record or the heads file)."""
        item = self.store_image(item)
        path = self._path(digest)
        try:
            # put is called for a record made or changed now: no point reading the old one first
            write_bytes_atomic(path, json.dumps(encode(item), ensure_ascii=False, sort_keys=True).encode("utf-8"),
                               compare=False)
        except OSError as exc:
            log.warning("%s: cannot write cache (%s); continuing without it", self.folder, exc)
        return item.head()

    def store_image(self, item: Processed) -> Processed:
        image = item.article.image
        if not image or not image.startswith("data:"):
            return item
        data = base64.b64decode(image.split(",", 1)[1])
        name = image_name(data)
        path = self.folder / name
        try:
            if not path.is_file():
                write_bytes_atomic(path, data)
        except OSError as exc:
            log.warning("%s: cannot store the lead image (%s); the article goes without it", path, exc)
            name = None
        return replace(item, article=replace(item.article, image=name))

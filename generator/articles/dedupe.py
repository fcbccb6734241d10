"""Near-duplicate articles (one story saved twice) -> one head (records.Head) with every source.

An HTML save and a text dump of one page, or two saves of a story a day apart, extract to nearly
the same body. The body is shingled (Chinese: character 4-grams of the OpenCC-normalized text;
other languages: word 3-grams) and sketched with datasketch's MinHash once per article (in the
worker, cached with it). On every build, LSH banding over the sketches finds candidate pairs, and
a pair is one article when the estimated Jaccard similarity of the bodies is high, or when the
shorter body lies almost wholly inside the longer (an update that grew). Each group becomes one
record: the newest save's (its text's summary and topics), with every file in `sources`; every member must be like that
newest save itself, so a chain of look-alikes never grows into one entry. The record's fields are
merged, not just its files: where the newest save does not know a field (a text dump has no
address, outlet or author), it takes the value another save of the group knows (merge_fields).
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import logging
import re
import sys
import zlib
from dataclasses import replace
from datetime import UTC, date, datetime

from generator.articles.lang import CJK_RE, cjk_count, normalize
from generator.dates import is_zoneless
from generator.records import Article, ArticleMeta, Head

log = logging.getLogger(__name__)

# 128 permutations: the standard error of a Jaccard estimate is sqrt(J(1-J)/128), 0.04 at J = 0.6.
# Seed and scheme are fixed: signatures are cached, so they must never change meaning.
NUM_PERM = 128
SEED = 1
SCHEME = "affine32"
# A Chinese character carries about half an English word's information: a 4-character shingle is
# about as specific as a 3-word one, and short enough that the small differences between an HTML
# save and its text dump (a caption, a stray menu word) spoil few shingles.
CJK_SHINGLE = 4
WORD_SHINGLE = 3
# Below this many shingles (about two sentences) a body is mostly a site's formula or boilerplate:
# it gets no signature and never merges.
MIN_SHINGLES = 40
# One article when the bodies' Jaccard similarity reaches THRESHOLD, or when the shorter body (of at
# least CONTAINED_MIN_SHINGLES) lies CONTAINED inside the longer with Jaccard CONTAINED_MIN_JACCARD
# (a story that grew up to about 2.5 times). Measured on the extraction benchmark's dev pages (exact
# Jaccard of these shingles): an HTML save against its own w3m dump, median 0.90, 10th percentile
# 0.46; different articles of one site (25,256 pairs), median 0.00, 99th percentile 0.10, 99.9th
# 0.40. Above 0.6 are mostly dumps whose extraction kept only the site's boilerplate.
THRESHOLD = 0.6
CONTAINED = 0.9
CONTAINED_MIN_JACCARD = 0.3
CONTAINED_MIN_SHINGLES = 100
# LSH banding: datasketch's optimal (bands, rows) for Jaccard 0.3 with false negatives weighted 0.8
# (MinHashLSH(threshold=0.3, num_perm=128, weights=(0.2, 0.8))): a pair at J = 0.3 is a candidate
# with probability 0.68, at 0.4 0.94, at 0.6 1.00; at 0.05 (unrelated articles of one site) 0.005.
BANDS, ROWS = 42, 3
# A band value shared by more articles than this is a template, not one story saved a few times:
# it proposes no pairs (keeps the work linear when a collection is full of look-alike pages).
MAX_BUCKET = 32


# The units of a text in one pass: a CJK character that is a letter, a run of other letters (with
# inner apostrophes), or a number. The same as WORD_RE over the text with a space put around every
# CJK character (tested), without a Python call per character (re.sub's template: 2 ms an article).
_CJK_CLASS = CJK_RE.pattern
_LETTER = rf"(?:(?!{_CJK_CLASS})[^\W\d_])"
_UNIT_RE = re.compile(rf"(?=[^\W\d_]){_CJK_CLASS}|{_LETTER}+(?:['’]{_LETTER}+)*|\d+(?:[.,]\d+)*")


def _units(text: str) -> list[str]:
    """The text as units: each CJK character one unit, every other word one unit."""
    return _UNIT_RE.findall(normalize(text))


def _shingle_size(units: list[str]) -> int:
    # A CJK character is in no unit but its own: counting them in the units joined counts those.
    cjk = cjk_count("".join(units))
    return CJK_SHINGLE if cjk * 2 > len(units) else WORD_SHINGLE


def shingles(text: str) -> set[str]:
    """Overlapping n-grams of units: of characters for Chinese and Japanese text, else of words.
    Signatures use shingle_hashes, their hashes; this readable form is what it is tested against."""
    units = _units(text)
    k = _shingle_size(units)
    return {" ".join(units[i:i + k]) for i in range(len(units) - k + 1)}


def shingle_hashes(text: str):
    """The distinct shingles of the text (as shingles() makes them) as 64-bit hashes, sorted.

    Each unit is hashed once (CRC-32 of its UTF-8), a shingle's hash is a polynomial of its units'
    (wrapping at 2**64) finished by splitmix64's mixer, all in numpy: a Python call per shingle
    (joining its units, hashing the string) was most of a signature's cost. Stable across
    processes and runs (no str hash); two shingles meet in one hash with odds about 2**-64."""
    import numpy as np  # not at import time: a no-op build never needs it

    units = _units(text)
    k = _shingle_size(units)
    n = len(units) - k + 1
    if n <= 0:
        return np.zeros(0, dtype=np.uint64)
    u = np.fromiter(map(zlib.crc32, map(str.encode, units)), dtype=np.uint64, count=len(units))
    h = u[:n].copy()
    for j in range(1, k):
        h = h * np.uint64(0x100000001B3) + u[j:j + n]
    h ^= h >> np.uint64(30)
    h *= np.uint64(0xBF58476D1CE4E5B9)
    h ^= h >> np.uint64(27)
    h *= np.uint64(0x94D049BB133111EB)
    h ^= h >> np.uint64(31)
    return np.unique(h)


def _minhash_class():
    """datasketch's MinHash, imported without the package's __init__ where it was not imported yet:
    that __init__ imports every sketch datasketch has, and its LSH modules import scipy.integrate
    (0.9 s of a 1.5 s first article in a fresh worker, for code this generator never runs).
    datasketch.minhash itself needs only numpy and datasketch.hashfunc. The bare package is in
    sys.modules only while they load, so a later `import datasketch` runs the real __init__ (which
    then finds these two modules loaded)."""
    if "datasketch" in sys.modules:
        return sys.modules["datasketch"].MinHash
    spec = importlib.util.find_spec("datasketch")
    if spec is None or spec.loader is None:
        raise ImportError("datasketch is not installed")
    sys.modules["datasketch"] = importlib.util.module_from_spec(spec)  # its __init__ not run
    try:
        return importlib.import_module("datasketch.minhash").MinHash
    finally:
        del sys.modules["datasketch"]


@functools.lru_cache(maxsize=1)
def _empty_minhash():
    # The values given to it are hashes already (shingle_hashes): the hash function is int.
    return _minhash_class()(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME, hashfunc=int)


def body_signature(article: Article) -> tuple[int, ...]:
    """(number of shingles, 128 MinHash values) of the body, computed once per article in the
    worker and cached with it; () when the body is too short to compare safely."""
    grams = shingle_hashes(article.text)
    if len(grams) < MIN_SHINGLES:
        return ()
    sketch = _empty_minhash().copy()
    sketch.update_batch((grams >> 32).tolist())  # 32-bit values, as the scheme wants
    return (len(grams), *sketch.hashvalues.tolist())


def similarity(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[float, float]:
    """(estimated Jaccard similarity, estimated share of the shorter body inside the longer)."""
    if len(a) != NUM_PERM + 1 or len(b) != NUM_PERM + 1:
        return 0.0, 0.0
    jaccard = sum(x == y for x, y in zip(a[1:], b[1:])) / NUM_PERM
    return jaccard, _containment(jaccard, a[0], b[0], min(a[0], b[0]))


def _containment(jaccard, n_a, n_b, smaller):
    """|A ∩ B| / min(|A|, |B|), from |A ∩ B| = J (|A| + |B|) / (1 + J); numbers or numpy arrays."""
    return jaccard * (n_a + n_b) / (1 + jaccard) / smaller


def same_article(jaccard, contained, smaller):
    """The merge rule (on numbers or numpy arrays): nearly the same body, or one inside the other."""
    return (jaccard >= THRESHOLD) | ((jaccard >= CONTAINED_MIN_JACCARD) & (contained >= CONTAINED)
                                     & (smaller >= CONTAINED_MIN_SHINGLES))


def _published(item: Head) -> float | None:
    """The published time as a UTC timestamp (a bare date is the start of its day), or None."""
    value = item.article.published
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        try:
            when = datetime.combine(date.fromisoformat(value[:10]), datetime.min.time())
        except ValueError:
            return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.timestamp()


def newest_first(item: Head) -> tuple:
    """Sort key: later published first (dated before undated), then later save, then path order."""
    published = _published(item)
    return (published is None, -(published or 0.0), -item.saved_ns, item.article.source)


# Fields a save may know and another not: the group's record takes the first known, newest save first.
MERGED_FIELDS = ("url", "author", "site_name", "section", "saved")


def _precision(value: str | None) -> int:
    """How much a date says: 3 an instant (with its zone), 2 a time without a zone, 1 a day."""
    if not value:
        return 0
    return 1 if "T" not in value else 2 if is_zoneless(value) else 3


def _merged_published(articles: list[ArticleMeta]) -> str | None:
    """The newest save's date, or a more precise one of the same day from another save (the HTML
    save's "…T14:30:00+08:00" over its text dump's zone-less "…T14:30:00"); another save's date
    only when the newest save has none."""
    first = articles[0].published
    same_day = [a.published for a in articles if a.published and (not first or a.published[:10] == first[:10])]
    return max(same_day, key=_precision, default=None)


def merge_fields(group: list[Head]) -> Head:
    """The group's record (its first, newest save), each field it does not know taken from the
    first save of the group that knows it; its text, title, summary and topics stay its own."""
    articles = [item.article for item in group]
    known = {name: next((getattr(a, name) for a in articles if getattr(a, name)), None) for name in MERGED_FIELDS}
    tags = next((a.tags for a in articles if a.tags), ())
    article = replace(articles[0], **known, tags=tags, published=_merged_published(articles))
    return replace(group[0], article=article)


def _candidate_pairs(values):
    """Row pairs (a < b, sorted) that agree on all ROWS values of at least one band: LSH banding,
    vectorized (datasketch's MinHashLSH inserts and queries one sketch at a time, band by band:
    2.1 s for 10,000 sketches here, too slow to run on every build)."""
    import numpy as np

    n = len(values)
    codes = [np.zeros(0, dtype=np.int64)]
    for band in range(BANDS):
        keys = values[:, band * ROWS:(band + 1) * ROWS]
        order = np.lexsort(keys.T[::-1])
        ranked = keys[order]
        bounds = np.flatnonzero(np.r_[True, (ranked[1:] != ranked[:-1]).any(axis=1), True])
        starts, lengths = bounds[:-1], np.diff(bounds)
        for size in np.unique(lengths[(lengths >= 2) & (lengths <= MAX_BUCKET)]).tolist():
            first = starts[lengths == size][:, None]
            i, j = np.triu_indices(size, 1)
            a, b = order[first + i].ravel(), order[first + j].ravel()
            codes.append(np.minimum(a, b) * n + np.maximum(a, b))
    found = np.sort(np.concatenate(codes))
    found = found[np.r_[True, found[1:] != found[:-1]]] if len(found) else found
    return np.stack([found // n, found % n], axis=1)


# Candidate pairs compared at once: each holds both rows' values (2 x 128 x 4 bytes), so 8,192 pairs
# take about 9 MiB (65,536 took 75 MiB, a third of a 10,000-article build's peak).
PAIRS_AT_ONCE = 8192


def _verified_pairs(values, sizes) -> list[tuple[int, int, float]]:
    """(row, row, estimated Jaccard) for the candidate pairs that pass the merge rule."""
    import numpy as np

    pairs = _candidate_pairs(values)
    found: list[tuple[int, int, float]] = []
    for chunk in range(0, len(pairs), PAIRS_AT_ONCE):
        a, b = pairs[chunk:chunk + PAIRS_AT_ONCE].T
        jaccard = (values[a] == values[b]).sum(axis=1) / NUM_PERM
        smaller = np.minimum(sizes[a], sizes[b])
        same = same_article(jaccard, _containment(jaccard, sizes[a], sizes[b], smaller), smaller)
        found.extend(zip(a[same].tolist(), b[same].tolist(), jaccard[same].tolist()))
    return found


def _groups(ranked: list[int], pairs: list[tuple[int, int, float]]) -> dict[int, list[int]]:
    """Leader clustering: in newest-first order, each record joins the most similar newer record
    that leads a group, or leads one itself. Every member is similar to its group's newest save,
    so look-alike pages never chain into one big group."""
    rank = {row: r for r, row in enumerate(ranked)}
    near: dict[int, list[tuple[float, int]]] = {}
    for a, b, jaccard in pairs:
        near.setdefault(a, []).append((jaccard, b))
        near.setdefault(b, []).append((jaccard, a))
    leader: dict[int, int] = {}
    groups: dict[int, list[int]] = {}
    for row in ranked:
        heads = [(-jaccard, rank[other], other) for jaccard, other in near.get(row, ())
                 if rank[other] < rank[row] and leader[other] == other]
        leader[row] = min(heads)[2] if heads else row
        groups.setdefault(leader[row], []).append(row)
    return groups


def collapse_duplicates(items: list[Head]) -> tuple[list[Head], list[tuple[str, str]]]:
    """Items with duplicates merged (each group where its newest save was) and (file, message)
    notes of each merge.

    A group keeps its newest save's record (later published, then later saved, then path order)
    with every member's sources, newest first. A merge is routine (the same story saved twice),
    not a problem for the person to fix: it is logged at debug level and no note is returned, so
    `--strict` builds do not fail on it.
    """
    signed = [i for i, item in enumerate(items) if len(item.signature) == NUM_PERM + 1]
    if len(signed) < 2:
        return items, []
    import numpy as np

    table = np.array([items[i].signature for i in signed], dtype=np.int64)
    sizes, values = table[:, 0], np.ascontiguousarray(table[:, 1:].astype(np.uint32))
    ranked = sorted(range(len(signed)), key=lambda row: newest_first(items[signed[row]]))
    merged: dict[int, Head] = {}
    dropped: set[int] = set()
    for head, members in _groups(ranked, _verified_pairs(values, sizes)).items():
        if len(members) == 1:
            continue
        group = [items[signed[row]] for row in members]
        sources = dict.fromkeys(src for item in group for src in (item.sources or (item.article.source,)))
        merged[signed[head]] = replace(merge_fields(group), sources=tuple(sources))
        dropped.update(signed[row] for row in members[1:])
        log.debug("%s: one article with %s: merged, its text kept", group[0].article.source,
                  ", ".join(item.article.source for item in group[1:]))
    return [merged.get(i, item) for i, item in enumerate(items) if i not in dropped], []

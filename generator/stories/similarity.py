"""StoryFeatures of many articles -> how likely each pair reports one story, in blocks.

Pair features, each of order 1: whether they were published the same day and how far apart; the
overlap of their concepts, Latin names, figures and the days they name (these carry across
languages and scripts); the overlap of their own words (same language only); and the cosine of
their sentence vectors where both have one. A logistic model (weights in fitted.py, fitted by
bench/stories.py --fit) turns them into a probability.

Every overlap is a dot product of the features' small integer weights, summed in float64: exact
integers, whatever the order of the sums, so a pair's probability does not depend on which block
or which build computed it. The probability is kept as an integer (parts per million), so the
sums the grouping takes over a story's members are exact too.

The dot products of a block (the articles of one day against those within the window) come from
one sparse join: every (family, key) of the day's articles looked up among the window's sorted
keys, and the products added up per pair with one bincount.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .features import StoryFeatures

PAIR_FEATURES = ("same_day", "gap", "concepts", "specific", "names", "numbers", "days", "days_apart", "words",
                 "same_language", "vector")
# What each pair feature means, for the bench's table of weights.
MEANING = {
    "same_day": "published the same day",
    "gap": "days between publications, over the window",
    "concepts": "cosine of the weighted concepts (names table, three scripts)",
    "specific": "shared people, places, firms, things (log of the product of weights)",
    "names": "cosine of the Latin-script names",
    "numbers": "shared figures: money, rates, counts (log)",
    "days": "shared days named in the text (log)",
    "days_apart": "both name days in their title or lead, and none is shared",
    "words": "cosine of their words (same language only)",
    "same_language": "written in the same language",
    "vector": "cosine of the sentence encoder's vectors (when both have one)",
}
# A concept of at least this kind weight (names.KIND_WEIGHT: people, places, firms, things) is
# specific to few stories.
SPECIFIC = 3
# A day named in the title or lead (zone weight >= 2, features.ZONE_WEIGHT) is the event's day.
LEAD_ZONE = 2
# Families of sparse features, in the order of the key's top bits.
FAMILIES = ("concepts", "specific", "names", "numbers", "days", "lead_days", "words")
_FAMILY_SHIFT = 56
_KEY_MASK = (1 << _FAMILY_SHIFT) - 1
# Probabilities are kept in parts per million: finer than any threshold, and sums stay exact.
SCALE = 1_000_000
# The log-scaled overlaps are divided by these, to be of order 1: a product of two title-zone
# weights of a specific concept is 81 (log 4.4), of a figure or day named in two titles 9 (log 2.3).
LOG_SCALE = {"specific": 3.0, "numbers": 2.0, "days": 2.0}


@dataclass(frozen=True)
class Model:
    weights: tuple[float, ...]  # one per PAIR_FEATURES
    bias: float


class Packed:
    """The features of many articles as arrays: rows in the given order."""

    def __init__(self, features: Sequence[StoryFeatures], concept_weights: Mapping[str, int]):
        self.n = len(features)
        self.day = np.array([f.day if f.day is not None else 0 for f in features], dtype=np.int64)
        self.dated = np.array([f.day is not None for f in features], dtype=bool)
        languages: dict[str, int] = {}
        self.language = np.array([languages.setdefault(f.language, len(languages)) for f in features], dtype=np.int64)
        ids: dict[object, int] = {}
        keys, rows, weights = [], [], []
        norms = np.zeros((len(FAMILIES), self.n))
        for row, f in enumerate(features):
            for fam, items in enumerate(_families(f, concept_weights)):
                for key, w in items:
                    keys.append((fam << _FAMILY_SHIFT) | ids.setdefault((fam, key), len(ids)))
                    rows.append(row)
                    weights.append(w)
                norms[fam, row] = math.sqrt(sum(w * w for _, w in items))
        self.keys = np.array(keys, dtype=np.int64)
        self.rows = np.array(rows, dtype=np.int64)
        self.weights = np.array(weights, dtype=np.float64)
        self.starts = np.searchsorted(self.rows, np.arange(self.n + 1))  # rows are in order: CSR offsets
        self.norms = norms
        width = max((len(f.vector) for f in features), default=0)
        self.vectors = np.zeros((self.n, width))
        for row, f in enumerate(features):
            if f.vector:
                self.vectors[row, :len(f.vector)] = f.vector
        self.vector_norms = np.sqrt(np.einsum("ij,ij->i", self.vectors, self.vectors))


def _families(f: StoryFeatures, concept_weights: Mapping[str, int]):
    return (f.concepts,
            tuple((k, w) for k, w in f.concepts if concept_weights.get(k, 0) >= SPECIFIC),
            f.names, f.numbers, f.days,
            tuple((d, 1) for d, w in f.days if w >= LEAD_ZONE),
            f.words)


def _dots(packed: Packed, q: range, c: range) -> np.ndarray:
    """Dot products per family of rows q against rows c: an array (families, len(q), len(c))."""
    fams, nq, nc = len(FAMILIES), len(q), len(c)
    qa, qb = packed.starts[q.start], packed.starts[q.stop]
    ca, cb = packed.starts[c.start], packed.starts[c.stop]
    ck, cr, cw = packed.keys[ca:cb], packed.rows[ca:cb] - c.start, packed.weights[ca:cb]
    order = np.argsort(ck, kind="stable")
    ck, cr, cw = ck[order], cr[order], cw[order]
    qk, qr, qw = packed.keys[qa:qb], packed.rows[qa:qb] - q.start, packed.weights[qa:qb]
    lo, hi = np.searchsorted(ck, qk, "left"), np.searchsorted(ck, qk, "right")
    counts = hi - lo
    entry = np.repeat(np.arange(len(qk)), counts)
    at = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts) + np.repeat(lo, counts)
    fam = qk[entry] >> _FAMILY_SHIFT
    flat = (fam * nq + qr[entry]) * nc + cr[at]
    dots = np.bincount(flat, weights=qw[entry] * cw[at], minlength=fams * nq * nc)
    return dots.astype(np.float64, copy=False).reshape(fams, nq, nc)  # (an empty join counts in int64)


def block_features(packed: Packed, q: range, c: range, window: int) -> np.ndarray:
    """PAIR_FEATURES of rows q against rows c: an array (features, len(q), len(c))."""
    d = _dots(packed, q, c)
    f = {name: i for i, name in enumerate(FAMILIES)}
    norm = packed.norms
    gap = np.abs(packed.day[q.start:q.stop, None] - packed.day[None, c.start:c.stop])
    dated = packed.dated[q.start:q.stop, None] & packed.dated[None, c.start:c.stop]
    gap = np.where(dated, np.minimum(gap, window), window)
    same_language = packed.language[q.start:q.stop, None] == packed.language[None, c.start:c.stop]
    lead_q = norm[f["lead_days"], q.start:q.stop, None] > 0
    lead_c = norm[f["lead_days"], None, c.start:c.stop] > 0
    vq = packed.vectors[q.start:q.stop]
    vc = packed.vectors[c.start:c.stop]
    vector = _cosine(vq @ vc.T, packed.vector_norms[q.start:q.stop], packed.vector_norms[c.start:c.stop])
    return np.stack([
        (gap == 0).astype(float),
        gap / window,
        _cosine(d[f["concepts"]], norm[f["concepts"], q.start:q.stop], norm[f["concepts"], c.start:c.stop]),
        np.log1p(d[f["specific"]]) / LOG_SCALE["specific"],
        _cosine(d[f["names"]], norm[f["names"], q.start:q.stop], norm[f["names"], c.start:c.stop]),
        np.log1p(d[f["numbers"]]) / LOG_SCALE["numbers"],
        np.log1p(d[f["days"]]) / LOG_SCALE["days"],
        (lead_q & lead_c & (d[f["lead_days"]] == 0)).astype(float),
        np.where(same_language, _cosine(d[f["words"]], norm[f["words"], q.start:q.stop],
                                        norm[f["words"], c.start:c.stop]), 0.0),
        same_language.astype(float),
        vector,
    ])


def _cosine(dot: np.ndarray, nq: np.ndarray, nc: np.ndarray) -> np.ndarray:
    denominator = nq[:, None] * nc[None, :]
    return np.divide(dot, denominator, out=np.zeros(dot.shape), where=denominator > 0)


def block_probabilities(packed: Packed, q: range, c: range, window: int, model: Model) -> np.ndarray:
    """Probability (parts per million, int64) that each row of q reports one story with each row of c."""
    x = block_features(packed, q, c, window)
    z = np.full(x.shape[1:], model.bias)
    for weight, feature in zip(model.weights, x):  # one feature at a time: the same sum in any block
        z = z + weight * feature
    p = 1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0)))
    return np.rint(p * SCALE).astype(np.int64)


def pair_rows(packed: Packed, q: range, c: range, window: int) -> np.ndarray:
    """The features of each pair as rows (for fitting): an array (len(q) * len(c), features)."""
    x = block_features(packed, q, c, window)
    return x.reshape(x.shape[0], -1).T

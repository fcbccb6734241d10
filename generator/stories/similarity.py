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
keys, and the products added up per family and pair with one bincount.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from generator.stories.features import StoryFeatures

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
# Keys of all families share one array: the family in the top bits, the key below (a word's 32-bit
# hash, a day's ordinal, or a number given to a concept, name or figure).
_FAMILY_SHIFT = 48
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
    """The features of many articles as arrays, rows in the given order: per family of sparse
    features, the keys and weights of every row one after the other (CSR), and their norms."""

    def __init__(self, features: Sequence[StoryFeatures], concept_weights: Mapping[str, int]):
        self.n = len(features)
        self.day = np.array([f.day if f.day is not None else 0 for f in features], dtype=np.int64)
        self.dated = np.array([f.day is not None for f in features], dtype=bool)
        languages: dict[str, int] = {}
        self.language = np.array([languages.setdefault(f.language, len(languages)) for f in features], dtype=np.int64)
        specific = [tuple((k, w) for k, w in f.concepts if concept_weights.get(k, 0) >= SPECIFIC) for f in features]
        lead_days = [tuple((d, 1) for d, w in f.days if w >= LEAD_ZONE) for f in features]
        self.families = _Families([
            [f.concepts for f in features],
            specific,
            [f.names for f in features],
            [f.numbers for f in features],
            [f.days for f in features],
            lead_days,
            [f.words for f in features],
        ], numeric=(False, False, False, False, True, True, True))
        width = max((len(f.vector) for f in features), default=0)
        self.vectors = np.zeros((self.n, width))
        for row, f in enumerate(features):
            if f.vector:
                self.vectors[row, :len(f.vector)] = f.vector
        self.vector_norms = np.sqrt(np.einsum("ij,ij->i", self.vectors, self.vectors))


class _Families:
    """The (key, weight) pairs of every row, all families together, rows one after the other (CSR):
    keys as integers (numbers as they are, other keys numbered in order of first appearance) with
    the family in the top bits; and each row's norm per family."""

    def __init__(self, families: list[Sequence[Sequence[tuple[object, int]]]], numeric: tuple[bool, ...]):
        n = len(families[0])
        keys, rows, weights = [], [], []
        self.norms = np.zeros((len(families), n))
        for fam, (table, is_number) in enumerate(zip(families, numeric)):
            lengths = np.fromiter(map(len, table), dtype=np.int64, count=n)
            total = int(lengths.sum())
            w = np.fromiter((w for row in table for _, w in row), dtype=np.float64, count=total)
            if is_number:
                k = np.fromiter((k for row in table for k, _ in row), dtype=np.int64, count=total)
            else:
                ids: dict[object, int] = {}
                k = np.fromiter((ids.setdefault(k, len(ids)) for row in table for k, _ in row), dtype=np.int64,
                                count=total)
            r = np.repeat(np.arange(n, dtype=np.int64), lengths)
            keys.append((k & _KEY_MASK) | (fam << _FAMILY_SHIFT))
            rows.append(r)
            weights.append(w)
            self.norms[fam] = np.sqrt(np.bincount(r, weights=w * w, minlength=n).astype(np.float64, copy=False))
        order = np.argsort(np.concatenate(rows), kind="stable")
        self.rows = np.concatenate(rows)[order]
        self.keys = np.concatenate(keys)[order]
        self.weights = np.concatenate(weights)[order]
        self.count = len(families)
        self.starts = np.searchsorted(self.rows, np.arange(n + 1))

    def dots(self, q: range, c: range) -> np.ndarray:
        """Dot products per family of rows q against rows c, (families, len(q), len(c)): every key
        of q looked up among c's sorted keys, the products added up per pair."""
        nq, nc = len(q), len(c)
        ca, cb = self.starts[c.start], self.starts[c.stop]
        ck, cr, cw = self.keys[ca:cb], self.rows[ca:cb] - c.start, self.weights[ca:cb]
        order = np.argsort(ck, kind="stable")
        ck, cr, cw = ck[order], cr[order], cw[order]
        qa, qb = self.starts[q.start], self.starts[q.stop]
        qk, qr, qw = self.keys[qa:qb], self.rows[qa:qb] - q.start, self.weights[qa:qb]
        lo, hi = np.searchsorted(ck, qk, "left"), np.searchsorted(ck, qk, "right")
        counts = hi - lo
        entry = np.repeat(np.arange(len(qk)), counts)
        at = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts) + np.repeat(lo, counts)
        flat = ((qk[entry] >> _FAMILY_SHIFT) * nq + qr[entry]) * nc + cr[at]
        dots = np.bincount(flat, weights=qw[entry] * cw[at], minlength=self.count * nq * nc)
        return dots.astype(np.float64, copy=False).reshape(self.count, nq, nc)  # (an empty join counts in int64)


def block_features(packed: Packed, q: range, c: range, window: int) -> np.ndarray:
    """PAIR_FEATURES of rows q against rows c: an array (features, len(q), len(c))."""
    dots = packed.families.dots(q, c)
    norms = packed.families.norms
    concepts, specific, names, numbers, days, lead_days, words = range(len(dots))

    def cosine(fam: int) -> np.ndarray:
        return _divide(dots[fam], norms[fam, q.start:q.stop], norms[fam, c.start:c.stop])

    gap = np.abs(packed.day[q.start:q.stop, None] - packed.day[None, c.start:c.stop])
    dated = packed.dated[q.start:q.stop, None] & packed.dated[None, c.start:c.stop]
    gap = np.where(dated, np.minimum(gap, window), window)
    same_language = packed.language[q.start:q.stop, None] == packed.language[None, c.start:c.stop]
    named = (norms[lead_days, q.start:q.stop, None] > 0) & (norms[lead_days, None, c.start:c.stop] > 0)
    vq, vc = packed.vectors[q.start:q.stop], packed.vectors[c.start:c.stop]
    return np.stack([
        (gap == 0).astype(float),
        gap / window,
        cosine(concepts),
        np.log1p(dots[specific]) / LOG_SCALE["specific"],
        cosine(names),
        np.log1p(dots[numbers]) / LOG_SCALE["numbers"],
        np.log1p(dots[days]) / LOG_SCALE["days"],
        (named & (dots[lead_days] == 0)).astype(float),
        np.where(same_language, cosine(words), 0.0),
        same_language.astype(float),
        _divide(vq @ vc.T, packed.vector_norms[q.start:q.stop], packed.vector_norms[c.start:c.stop]),
    ])


def _divide(dot: np.ndarray, nq: np.ndarray, nc: np.ndarray) -> np.ndarray:
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

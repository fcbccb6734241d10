"""Evidence -> a decision, with weights fitted on labelled examples; and folds by source to measure it.

The features of one (article, topic) are the same for every topic (where the topic's words and
relations fall, how much of the article they cover, how far the hand-set score is above the
topic's threshold), so weights fitted on some topics serve a topic written later in site.toml.
A logistic regression over them, fitted by Newton's method with an L2 penalty (a dozen weights:
numpy does it in a few milliseconds, deterministically; no solver library is needed).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Sequence
from urllib.parse import urlsplit

from generator.articles.classify.evidence import SENTENCE_CAP, Evidence, prior_score

FEATURES = ("title", "lead", "heading", "coverage", "related", "mass", "vocabulary", "margin", "title_relation",
            "lead_relation", "distinct", "elsewhere", "title_crowded")
# What each feature means, for --explain.
MEANING = {
    "title": "topic words or relations in the title",
    "lead": "in the lead",
    "heading": "in subheadings",
    "coverage": "share of paragraphs about the topic",
    "related": "share of paragraphs showing a relation",
    "mass": "weight of all passages (log)",
    "vocabulary": "distinct topic words (log of their weight)",
    "margin": "hand-set score over the topic's threshold (log)",
    "title_relation": "a relation shown in the title",
    "lead_relation": "a relation shown in the lead",
    "distinct": "distinct words and relations found (log)",
    "elsewhere": "how far another topic is over its threshold (the article has another subject)",
    "title_crowded": "the title names a third party (another country is the subject)",
}


def margin(e: Evidence, threshold: float) -> float:
    """How far the hand-set score is above (> 0) or below the topic's threshold, as a log ratio."""
    return math.log((prior_score(e) + 1.0) / (threshold + 1.0))


def feature_vector(e: Evidence, threshold: float, elsewhere: float = 0.0) -> tuple[float, ...]:
    """The features of one topic's evidence, each of order 1. `elsewhere`: the largest margin of
    the article's other topics."""
    p = e.persistence
    return (p * e.title / SENTENCE_CAP, p * e.lead / SENTENCE_CAP, p * e.heading / SENTENCE_CAP, e.coverage,
            e.related, math.log1p(e.mass) / 3.0, math.log1p(e.vocabulary) / 3.0, margin(e, threshold),
            p * e.title_relation / SENTENCE_CAP, p * e.lead_relation / SENTENCE_CAP,
            math.log1p(len(e.matches) + len(e.relations)) / 2.0, max(0.0, elsewhere), float(e.title_crowded))


@dataclass(frozen=True)
class Model:
    weights: tuple[float, ...]  # one per FEATURES entry
    bias: float

    def logit(self, x: Sequence[float]) -> float:
        return self.bias + sum(w * v for w, v in zip(self.weights, x))

    def contributions(self, x: Sequence[float]) -> tuple[tuple[str, float], ...]:
        return tuple((name, w * v) for name, w, v in zip(FEATURES, self.weights, x))


def fit_logistic(rows: Sequence[Sequence[float]], labels: Sequence[bool], l2: float = 1.0) -> Model:
    """L2-penalised logistic regression (bias unpenalised) by Newton's method."""
    import numpy as np

    x = np.hstack([np.asarray(rows, dtype=float), np.ones((len(rows), 1))])
    y = np.asarray(labels, dtype=float)
    penalty = np.full(x.shape[1], l2)
    penalty[-1] = 0.0
    w = np.zeros(x.shape[1])
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ w, -30, 30)))
        gradient = x.T @ (p - y) + penalty * w
        hessian = (x * (p * (1 - p))[:, None]).T @ x + np.diag(penalty) + 1e-9 * np.eye(x.shape[1])
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return Model(tuple(round(float(v), 4) for v in w[:-1]), round(float(w[-1]), 4))


@dataclass(frozen=True)
class Weights:
    """Fitted models: one per topic that had enough labelled examples, and one across topics for
    any other topic (None: the hand-set score decides)."""

    by_topic: dict[str, Model]
    generic: Model | None
    features: tuple[str, ...] = FEATURES  # what the weights were fitted over, in order


# A topic gets weights of its own only with at least this many labelled articles on each side:
# fewer, and its dozen weights would follow a handful of articles.
MIN_EXAMPLES = 20
# The L2 penalty: the usual default of 1 (features are of order 1), not tuned.
L2 = 1.0


def fit_weights(rows: Sequence[tuple[str, Sequence[float], bool]], l2: float = L2) -> Weights:
    """Weights from (topic slug, features, belongs) rows: per topic where it has MIN_EXAMPLES on
    each side, and across all topics."""
    by_topic = {}
    for slug in sorted({r[0] for r in rows}):
        mine = [r for r in rows if r[0] == slug]
        positives = sum(1 for r in mine if r[2])
        if min(positives, len(mine) - positives) >= MIN_EXAMPLES:
            by_topic[slug] = fit_logistic([r[1] for r in mine], [r[2] for r in mine], l2)
    generic = fit_logistic([r[1] for r in rows], [r[2] for r in rows], l2) if rows else None
    return Weights(by_topic, generic)


# Second-level names under which a country's registrable domains sit (news.ltn.com.tw -> ltn.com.tw).
_SECOND_LEVEL = {"com", "co", "net", "org", "gov", "edu", "ac"}


def source_group(source: str) -> str:
    """The outlet a labelled article comes from, for folds that keep an outlet on one side.

    A page URL: its registrable domain (def.ltn.com.tw and news.ltn.com.tw are one outlet). A
    repository (owner/name@commit:path): its name without owner or trailing digits, so mirrors of
    one archive under several owners (someone/txt, other/txt; banned-news, banned-news2) are one."""
    if re.match(r"https?://", source):
        labels = (urlsplit(source).hostname or "").split(".")
        keep = 3 if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL else 2
        return ".".join(labels[-keep:])
    repo = source.split("@", 1)[0].split(":", 1)[0]
    name = repo.rsplit("/", 1)[-1].lower()
    return "repo:" + (re.sub(r"\d+$", "", name) or name)


def source_folds(groups: Sequence[str], k: int = 5) -> list[int]:
    """A fold number (0..k-1) per item such that no group is in two folds: groups from the
    largest down, each to the fold holding the fewest items so far (ties: the lower fold), as
    scikit-learn's GroupKFold does. Deterministic: equal-sized groups are taken in name order."""
    sizes: dict[str, int] = {}
    for g in groups:
        sizes[g] = sizes.get(g, 0) + 1
    load, fold_of = [0] * k, {}
    for g in sorted(sizes, key=lambda g: (-sizes[g], g)):
        fold = min(range(k), key=lambda f: (load[f], f))
        fold_of[g] = fold
        load[fold] += sizes[g]
    return [fold_of[g] for g in groups]

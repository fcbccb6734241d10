"""Smoothing: from per-paragraph labels to the one contiguous article.

Each paragraph gets a weight (body-like paragraphs weigh their length, boilerplate a fixed
penalty) and the article is the span with the largest total weight (Kadane's maximum
subarray, linear time). Inside it, boilerplate is dropped and short paragraphs are kept
when they read as sentences or as subheadings.
"""

from __future__ import annotations

from generator.articles.extract.dump.features import GOOD_UNITS, Features

# Penalties in units: one boilerplate paragraph costs about a short sentence, so a menu of
# a dozen items separates two text regions, while a stray "Advertisement" does not.
BAD_WEIGHT = -6.0
SHORT_WEIGHT = -2.0
# A subheading is short: at most this many units (a line of a headline).
HEADING_MAX_UNITS = 24


# A body-like paragraph with no body-like neighbour is most often a teaser in a list of
# headlines with blurbs; it keeps this share of its weight.
ISOLATED_SHARE = 0.3
# Lines that close an article (copyright, "related stories", share and comment bars) weigh
# as much as a long paragraph, so the article span does not run past them.
STOP_WEIGHT = -30.0


# Neighbours are looked for in the same column (w3m interleaves side-by-side columns line by
# line) this many paragraphs away at most.
NEIGHBOUR_REACH = 12


def span_weights(labels: list[str], feats: list[Features], stops: list[bool], cols: list[int]) -> list[float]:
    weights = [weight_of(lab, f) for lab, f in zip(labels, feats)]
    body = [lab == "good" or (lab == "short" and f.ends_sentence) for lab, f in zip(labels, feats)]
    for i, lab in enumerate(labels):
        if stops[i]:
            weights[i] = STOP_WEIGHT
        elif lab == "good" and not _has_body_neighbour(i, body, labels, cols):
            weights[i] *= ISOLATED_SHARE
    return weights


def _has_body_neighbour(i: int, body: list[bool], labels: list[str], cols: list[int]) -> bool:
    """Is the nearest paragraph of the same column, before or after, body-like?"""
    for step in (-1, 1):
        j = i + step
        while 0 <= j < len(labels) and abs(j - i) <= NEIGHBOUR_REACH:
            if cols[j] == cols[i] and labels[j] != "caption":
                if body[j]:
                    return True
                break
            j += step
    return False


def weight_of(label: str, f: Features) -> float:
    if label == "good":
        return f.units
    if label == "bad":
        return BAD_WEIGHT
    if label == "caption":
        return 0.0
    if f.ends_sentence and f.units >= GOOD_UNITS / 2:
        return 1.0
    return SHORT_WEIGHT


def best_span(weights: list[float]) -> tuple[int, int]:
    """[start, end) of the maximum-sum span; (0, 0) when nothing weighs positive."""
    best, best_span_ = 0.0, (0, 0)
    total, start = 0.0, 0
    for i, w in enumerate(weights):
        if total <= 0:
            total, start = 0.0, i
        total += w
        if total > best:
            best, best_span_ = total, (start, i + 1)
    return best_span_


def is_heading(f: Features) -> bool:
    return 0 < f.units <= HEADING_MAX_UNITS and not f.ends_sentence and f.sentences == 0


def keep_kind(i: int, labels: list[str], feats: list[Features], end: int) -> str | None:
    """Block kind of paragraph i inside the span, or None to drop it."""
    label, f = labels[i], feats[i]
    if label == "good":
        return "list_item" if f.bullet else "paragraph"
    if label != "short":
        return None
    nxt = labels[i + 1] if i + 1 < end else None
    if is_heading(f) and nxt == "good":
        return "heading"
    if f.ends_sentence and f.units >= 3:
        return "paragraph"
    return None

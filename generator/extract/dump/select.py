"""Smoothing: from per-paragraph labels to the one contiguous article.

Each paragraph gets a weight (body-like paragraphs weigh their length, boilerplate a fixed
penalty) and the article is the span with the largest total weight (Kadane's maximum
subarray, linear time). Inside it, boilerplate is dropped and short paragraphs are kept
when they read as sentences or as subheadings.
"""

from __future__ import annotations

from .features import GOOD_UNITS, Features

# Penalties in units: one boilerplate paragraph costs about a short sentence, so a menu of
# a dozen items separates two text regions, while a stray "Advertisement" does not.
BAD_WEIGHT = -6.0
SHORT_WEIGHT = -2.0
# A subheading is short: at most this many units (a line of a headline).
HEADING_MAX_UNITS = 24


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
        return "paragraph"
    if label != "short":
        return None
    nxt = labels[i + 1] if i + 1 < end else None
    if is_heading(f) and nxt == "good":
        return "heading"
    if f.ends_sentence and f.units >= 3:
        return "paragraph"
    return None

"""Article + TopicRules -> one TopicScore per rule.

Each sentence gets the summed weight of the distinct aliases it contains (plus the pair weight when
it names both sides), capped so that one keyword-stuffed sentence cannot carry an article. The score
adds up where those hits fall and how much of the article they cover:

    score = TITLE * title + LEAD * lead + HEADING * subheadings + COVERAGE * share of blocks
            with hits + log(1 + body mass)

and the article belongs to the topic when score >= the rule's threshold (and, for a rule with a
pair, when some sentence names both sides).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

from ..records import Article, TopicScore
from .rules import Alias, TopicRule
from .text import Analysed, analyse_article, locate_aliases

# A sentence counts at most this much: about two strong aliases. More in one sentence is a list.
SENTENCE_CAP = 6.0
# A title names what the article is about: its hits count double; the lead's count one and a half.
TITLE_FACTOR = 2.0
LEAD_FACTOR = 1.5
# Subheadings name what a section is about: their hits (capped like one sentence) count once more.
HEADING_FACTOR = 1.0
# Paragraphs with a hit, as a share of all body paragraphs, scaled so that an article where every
# paragraph is on topic gets as much as a strong title hit.
COVERAGE_FACTOR = 8.0
# A paragraph counts as covered when its hits weigh at least this: one weak alias (tariffs) is not
# enough, one ordinary alias is.
COVERED_MIN = 1.5


@dataclass(frozen=True)
class Features:
    title: float
    lead: float
    heading: float
    coverage: float  # share of body paragraphs with hits >= COVERED_MIN
    mass: float  # capped sentence weights summed over the body (lead included)
    anchored: bool  # the pair is named in some sentence (always True without a pair)
    score: float


def classify_article(article: Article, rules: Sequence[TopicRule]) -> tuple[TopicScore, ...]:
    """One TopicScore per rule, in rule order."""
    analysed = analyse_article(article)
    located = locate_aliases(analysed, _all_aliases(rules))
    return tuple(_score_rule(analysed, located, rule) for rule in rules)


def explain_article(article: Article, rules: Sequence[TopicRule]) -> dict[str, Features]:
    """The features behind each rule's score (for the benchmark and for tuning)."""
    analysed = analyse_article(article)
    located = locate_aliases(analysed, _all_aliases(rules))
    return {rule.slug: _features(analysed, located, rule)[0] for rule in rules}


def _all_aliases(rules: Sequence[TopicRule]) -> list[Alias]:
    found = []
    for rule in rules:
        found.extend(rule.aliases)
        if rule.pair:
            found.extend(rule.pair.left + rule.pair.right)
    return found


def _score_rule(analysed: Analysed, located: dict, rule: TopicRule) -> TopicScore:
    features, matched = _features(analysed, located, rule)
    assigned = features.anchored and features.score >= rule.threshold
    return TopicScore(rule.slug, round(features.score, 3), matched, assigned)


def _features(analysed: Analysed, located: dict, rule: TopicRule) -> tuple[Features, tuple[str, ...]]:
    weights, matched, anchored = _sentence_weights(analysed, located, rule)
    zones = [s.zone for s in analysed.sentences]
    title = min(sum(w for w, z in zip(weights, zones) if z == "title"), SENTENCE_CAP)
    lead = min(sum(w for w, z in zip(weights, zones) if z == "lead"), SENTENCE_CAP)
    heading = min(sum(w for w, z in zip(weights, zones) if z == "heading"), SENTENCE_CAP)
    mass = sum(w for w, z in zip(weights, zones) if z != "title")
    coverage = _coverage(analysed, weights)
    score = (TITLE_FACTOR * title + LEAD_FACTOR * lead + HEADING_FACTOR * heading
             + COVERAGE_FACTOR * coverage + math.log1p(mass))
    return Features(title, lead, heading, coverage, mass, anchored, score), matched


def _sentence_weights(analysed: Analysed, located: dict, rule: TopicRule) -> tuple[list[float], tuple[str, ...], bool]:
    count = len(analysed.sentences)
    weights, matched, both = [0.0] * count, set(), set()
    per_sentence: list[dict[tuple[str, bool], float]] = [{} for _ in range(count)]
    for alias in rule.aliases:
        for i in located.get(alias, ()):
            per_sentence[i][(alias.form, alias.match_case)] = alias.weight
            matched.add(alias.text)
            if alias.both_sides:
                both.add(i)
    pair_hits = _pair_sentences(located, rule) - both
    if pair_hits:
        matched.update(t.text for t in rule.pair.left + rule.pair.right if located.get(t, frozenset()) & pair_hits)
    for i in range(count):
        total = sum(per_sentence[i].values()) + (rule.pair.weight if i in pair_hits else 0.0)
        weights[i] = min(total, SENTENCE_CAP)
    anchored = rule.pair is None or bool(both or pair_hits)
    return weights, tuple(sorted(matched)), anchored


def _pair_sentences(located: dict, rule: TopicRule) -> set[int]:
    if rule.pair is None:
        return set()
    left = set().union(*(located.get(a, ()) for a in rule.pair.left))
    right = set().union(*(located.get(a, ()) for a in rule.pair.right))
    return left & right


def _coverage(analysed: Analysed, weights: list[float]) -> float:
    if not analysed.paragraphs:
        return 0.0
    per_paragraph: dict[int, float] = {}
    for sentence, weight in zip(analysed.sentences, weights):
        if sentence.paragraph >= 0:
            per_paragraph[sentence.paragraph] = per_paragraph.get(sentence.paragraph, 0.0) + weight
    covered = sum(1 for w in per_paragraph.values() if w >= COVERED_MIN)
    return covered / analysed.paragraphs

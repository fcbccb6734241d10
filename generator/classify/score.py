"""Article + TopicRules -> one TopicScore per rule.

Each sentence gets the summed weight of the distinct aliases it contains (plus the pair weight when
it names both sides), capped so that one keyword-stuffed sentence cannot carry an article. The score
adds up where those hits fall and how much of the article they cover:

    score = persistence * (TITLE * title + LEAD * lead + HEADING * subheadings)
            + COVERAGE * share of chunks with hits + log(1 + body mass)

where persistence = min(1, coverage / PERSISTENT_COVERAGE)

and the article belongs to the topic when score >= the rule's threshold (and, for a rule with a
pair, when some sentence names both sides). A topic with a pair yields to another topic the article
belongs to unless its own aliases weigh OWN_VOCABULARY: a story about rare earths that names the US
and China together ("to end dependence on China") belongs on the rare-earths page, while one that
also speaks of tariffs or 中美 belongs on both.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

from ..records import Article, TopicScore
from .rules import Alias, TopicRule
from .text import Analysed, analyse_article, attribution_intervals, locate_spans, outside

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
# A sentence naming a third party (Australia, the EU, AUKUS) is multilateral, not bilateral: unless
# an alias names both sides (中美, US-China), its hits count half.
THIRD_PARTY_FACTOR = 0.5
# A topic named in the title or lead but in less than this share of the body is a hook, not the
# subject: title, lead and heading hits are scaled down in proportion. One chunk in five is the
# least that the on-topic articles of the benchmark's dev half show (AUKUS in a US-China story).
PERSISTENT_COVERAGE = 0.2
# Coverage is counted over paragraphs, but a paragraph longer than this many sentences counts as
# several (a page saved as one block of text, or a long Chinese paragraph): three sentences is a
# typical news paragraph.
CHUNK_SENTENCES = 3
# A pair topic's own vocabulary (distinct aliases, pair terms aside) that keeps it beside another
# assigned topic: one usual alias (trade war, 对华) or two context ones (tariff, export control).
OWN_VOCABULARY = 2.0


@dataclass(frozen=True)
class Features:
    title: float
    lead: float
    heading: float
    coverage: float  # share of body paragraphs with hits >= COVERED_MIN
    mass: float  # capped sentence weights summed over the body (lead included)
    anchored: bool  # the pair is named in some sentence (always True without a pair)
    vocabulary: float  # summed weight of the distinct aliases found (pair terms aside)
    score: float


def classify_article(article: Article, rules: Sequence[TopicRule]) -> tuple[TopicScore, ...]:
    """One TopicScore per rule, in rule order."""
    analysed = analyse_article(article)
    spans = locate_spans(analysed, _all_aliases(rules))
    attribution = attribution_intervals(analysed)
    scored = [_score_rule(analysed, _located(analysed, spans, attribution, rule), rule) for rule in rules]
    others = [sum(1 for other, _ in scored if other.assigned) - score.assigned for score, _ in scored]
    return tuple(
        _yield(score, features) if rule.pair and score.assigned and features.vocabulary < OWN_VOCABULARY and n
        else score
        for rule, (score, features), n in zip(rules, scored, others)
    )


def _yield(score: TopicScore, features: Features) -> TopicScore:
    why = (f"yields to another assigned topic: its own words weigh {features.vocabulary:g} "
           f"< {OWN_VOCABULARY:g} (both sides named, little else)")
    return TopicScore(score.slug, score.score, score.matches, False, why)


def explain_article(article: Article, rules: Sequence[TopicRule]) -> dict[str, Features]:
    """The features behind each rule's score (for the benchmark and for tuning)."""
    analysed = analyse_article(article)
    spans = locate_spans(analysed, _all_aliases(rules))
    attribution = attribution_intervals(analysed)
    return {rule.slug: _features(analysed, _located(analysed, spans, attribution, rule), rule)[0] for rule in rules}


def _all_aliases(rules: Sequence[TopicRule]) -> list[Alias]:
    found = []
    for rule in rules:
        found.extend(rule.aliases + rule.ignore)
        if rule.pair:
            found.extend(_pair_terms(rule))
    return found


def _pair_terms(rule: TopicRule) -> tuple[Alias, ...]:
    return rule.pair.left + rule.pair.right + rule.pair.others if rule.pair else ()


def _located(analysed: Analysed, spans: dict, attribution: list, rule: TopicRule) -> dict[Alias, frozenset[int]]:
    """The sentences of each of the rule's aliases and pair terms, outside its ignored phrases; pair
    terms also outside source attributions (据美国之声报道 names an outlet, not the US acting)."""
    ignored = sorted((s.start, s.end) for phrase in rule.ignore for s in spans.get(phrase, ()))
    located = {alias: outside(analysed, alias, spans.get(alias, ()), ignored) for alias in rule.aliases}
    masked = sorted(ignored + attribution)
    located.update({term: outside(analysed, term, spans.get(term, ()), masked) for term in _pair_terms(rule)})
    return located


def _score_rule(analysed: Analysed, located: dict, rule: TopicRule) -> tuple[TopicScore, Features]:
    features, matched = _features(analysed, located, rule)
    assigned = features.anchored and features.score >= rule.threshold
    why = "" if assigned or features.score < rule.threshold else "the two sides are never named in one sentence"
    return TopicScore(rule.slug, round(features.score, 3), matched, assigned, why), features


def _features(analysed: Analysed, located: dict, rule: TopicRule) -> tuple[Features, tuple[str, ...]]:
    weights, sides, matched = _sentence_weights(analysed, located, rule)
    zones = [s.zone for s in analysed.sentences]
    title = min(sum(w for w, z in zip(weights, zones) if z == "title"), SENTENCE_CAP)
    lead = min(sum(w for w, z in zip(weights, zones) if z == "lead"), SENTENCE_CAP)
    heading = min(sum(w for w, z in zip(weights, zones) if z == "heading"), SENTENCE_CAP)
    mass = sum(w for w, z in zip(weights, zones) if z != "title")
    coverage = _coverage(analysed, weights, sides, rule)
    anchored = rule.pair is None or any(len(s) == 2 for s in sides)
    persistence = min(1.0, coverage / PERSISTENT_COVERAGE)
    score = (persistence * (TITLE_FACTOR * title + LEAD_FACTOR * lead + HEADING_FACTOR * heading)
             + COVERAGE_FACTOR * coverage + math.log1p(mass))
    vocabulary = sum({(a.form, a.match_case): a.weight for a in rule.aliases if located.get(a)}.values())
    return Features(title, lead, heading, coverage, mass, anchored, vocabulary, score), matched


def _sentence_weights(analysed: Analysed, located: dict, rule: TopicRule):
    """Per sentence: capped weight, the pair sides it names ({"left", "right"}), and the matched texts."""
    count = len(analysed.sentences)
    per_sentence: list[dict[tuple[str, bool], float]] = [{} for _ in range(count)]
    sides: list[set[str]] = [set() for _ in range(count)]
    matched = set()
    for alias in rule.aliases:
        for i in located.get(alias, ()):
            per_sentence[i][(alias.form, alias.match_case)] = alias.weight
            matched.add(alias.text)
            if alias.both_sides:
                sides[i].update(("left", "right"))
    both_by_alias = {i for i in range(count) if len(sides[i]) == 2}
    for side in ("left", "right") if rule.pair else ():
        for term in getattr(rule.pair, side):
            for i in located.get(term, ()):
                sides[i].add(side)
    crowded = set().union(*(located.get(t, ()) for t in rule.pair.others)) if rule.pair else set()
    weights = []
    for i in range(count):
        pair = rule.pair.weight if len(sides[i]) == 2 and i not in both_by_alias else 0.0
        factor = THIRD_PARTY_FACTOR if i in crowded and i not in both_by_alias else 1.0
        weights.append(min((sum(per_sentence[i].values()) + pair) * factor, SENTENCE_CAP))
    if rule.pair:
        named = {i for i in range(count) if len(sides[i]) == 2} - both_by_alias
        matched.update(t.text for t in rule.pair.left + rule.pair.right if located.get(t, frozenset()) & named)
    return weights, sides, tuple(sorted(matched))


def _coverage(analysed: Analysed, weights: list[float], sides: list[set[str]], rule: TopicRule) -> float:
    """Share of the body's chunks (paragraphs, long ones cut every CHUNK_SENTENCES) with hits.

    With a pair, a chunk counts only when it names both sides (in one sentence or across its
    sentences); naming them across sentences is worth the pair weight.
    """
    chunks: dict[tuple[int, int], tuple[float, set[str], bool]] = {}
    seen: dict[int, int] = {}
    for sentence, weight, named in zip(analysed.sentences, weights, sides):
        if sentence.paragraph < 0:
            continue
        n = seen[sentence.paragraph] = seen.get(sentence.paragraph, -1) + 1
        key = (sentence.paragraph, n // CHUNK_SENTENCES)
        total, union, paired = chunks.get(key, (0.0, set(), False))
        chunks[key] = (total + weight, union | named, paired or len(named) == 2)
    if not chunks:
        return 0.0
    covered = 0
    for total, union, paired in chunks.values():
        if rule.pair is not None:
            if len(union) < 2:
                continue
            total += 0.0 if paired else rule.pair.weight
        covered += total >= COVERED_MIN
    return covered / len(chunks)

"""Article + TopicRules -> one Evidence per rule: where the topic's words and relations fall.

Each sentence gets the summed weight of the distinct aliases it contains plus the weight of the
strongest relation it shows (every entity of the relation named in it; half when a third party is
named too), capped so that one keyword-stuffed sentence cannot carry an article. Evidence adds up
where those hits fall (title, lead, subheadings), how much of the article they cover, and how much
of it shows a relation. score.py turns evidence into a decision.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

from generator.records import Article
from generator.articles.classify.alias import Alias
from generator.articles.classify.rules import Relation, TopicRule
from generator.articles.classify.text import Analysed, analyse_article, attribution_intervals, locate_spans, outside

# A sentence counts at most this much: about two strong aliases. More in one sentence is a list.
SENTENCE_CAP = 6.0
# Paragraphs with a hit count as covered when their hits weigh at least this: one weak alias
# (tariffs) is not enough, one ordinary alias is.
COVERED_MIN = 1.5
# A sentence naming a third party (the EU, Japan) beside both sides is multilateral, not bilateral:
# its relation counts half.
THIRD_PARTY_FACTOR = 0.5
# A topic named in the title or lead but in less than this share of the body is a hook, not the
# subject: title, lead and heading hits are scaled down in proportion. One chunk in five is the
# least that the on-topic articles of the benchmark's dev half show (AUKUS in a US-China story).
PERSISTENT_COVERAGE = 0.2
# Coverage is counted over paragraphs, but a paragraph longer than this many sentences counts as
# several (a page saved as one block of text, or a long Chinese paragraph): three sentences is a
# typical news paragraph.
CHUNK_SENTENCES = 3
# Passages kept for explaining a decision: the strongest few sentences.
PASSAGES = 3


@dataclass(frozen=True)
class Passage:
    zone: str  # title, lead, heading, body
    weight: float
    text: str  # the sentence as written (NFKC)
    relation: str  # the relation it shows ("" for aliases alone)


@dataclass(frozen=True)
class Evidence:
    slug: str
    title: float  # capped sentence weight of the title
    lead: float
    heading: float
    coverage: float  # share of body chunks with hits >= COVERED_MIN (and a relation, when required)
    related: float  # share of body chunks showing a relation
    mass: float  # capped sentence weights summed over the body (lead included)
    vocabulary: float  # summed weight of the distinct aliases found
    anchored: bool  # some sentence shows a relation (always True for a topic that requires none)
    title_relation: float  # weight of the strongest relation the title shows (0: none)
    lead_relation: float  # ... the lead shows
    title_crowded: bool  # the title names a third party of the topic's relations (Japan, the EU)
    matches: tuple[str, ...]  # aliases found, as written in site.toml
    relations: tuple[str, ...]  # relations shown in some sentence
    entities: tuple[tuple[str, tuple[str, ...]], ...]  # entity id -> its names found
    passages: tuple[Passage, ...]

    @property
    def persistence(self) -> float:
        return min(1.0, self.coverage / PERSISTENT_COVERAGE)


def gather_evidence(article: Article, rules: Sequence[TopicRule]) -> tuple[Evidence, ...]:
    """One Evidence per rule, in rule order: the article is analysed and searched once for all."""
    analysed = analyse_article(article)
    spans = locate_spans(analysed, all_terms(rules))
    attribution = attribution_intervals(analysed)
    return tuple(_evidence(analysed, spans, attribution, rule) for rule in rules)


def all_terms(rules: Sequence[TopicRule]) -> list[Alias]:
    found = []
    for rule in rules:
        found.extend(rule.aliases + rule.ignore)
        for relation in rule.relations:
            for entity in relation.between + relation.crowded_by:
                found.extend(entity.names)
    return found


def _evidence(analysed: Analysed, spans: dict, attribution: list, rule: TopicRule) -> Evidence:
    ignored = sorted((s.start, s.end) for phrase in rule.ignore for s in spans.get(phrase, ()))
    aliases = {alias: outside(analysed, alias, spans.get(alias, ()), ignored) for alias in rule.aliases}
    # Entity names also outside source attributions: 据美国之声报道 names an outlet, not the US acting.
    masked = sorted(ignored + attribution)
    named = _entity_sentences(analysed, spans, masked, rule)
    weights, shown, strongest = _sentence_weights(analysed, aliases, named, rule)
    zones = [s.zone for s in analysed.sentences]
    coverage, related = _coverage(analysed, weights, named, rule)
    matched = tuple(sorted({a.text for a, found in aliases.items() if found}))
    vocabulary = sum({(a.form, a.match_case): a.weight for a, found in aliases.items() if found}.values())
    held = tuple(r.label for r in rule.relations if any(r.label in s for s in shown))
    return Evidence(
        slug=rule.slug,
        title=_zone(weights, zones, "title"), lead=_zone(weights, zones, "lead"), heading=_zone(weights, zones, "heading"),
        coverage=coverage, related=related, mass=sum(w for w, z in zip(weights, zones) if z != "title"),
        vocabulary=vocabulary, anchored=not rule.require_relation or bool(held),
        title_relation=_strongest(strongest, zones, "title"), lead_relation=_strongest(strongest, zones, "lead"),
        title_crowded=_title_crowded(analysed, named, rule),
        matches=matched, relations=held,
        entities=_entities_found(analysed, spans, masked, rule), passages=_passages(analysed, weights, shown),
    )


def _zone(weights: list[float], zones: list[str], zone: str) -> float:
    return min(sum(w for w, z in zip(weights, zones) if z == zone), SENTENCE_CAP)


def _title_crowded(analysed: Analysed, named: dict, rule: TopicRule) -> bool:
    if not analysed.sentences or analysed.sentences[0].zone != "title":
        return False
    return any(0 in named[e.id] for r in rule.relations for e in r.crowded_by)


def _strongest(strongest: list[float], zones: list[str], zone: str) -> float:
    return max((w for w, z in zip(strongest, zones) if z == zone), default=0.0)


def _entity_sentences(analysed: Analysed, spans: dict, masked: list, rule: TopicRule) -> dict[str, frozenset[int]]:
    """For each entity the rule's relations name: the sentences naming it (outside masked text)."""
    named: dict[str, frozenset[int]] = {}
    for relation in rule.relations:
        for entity in relation.between + relation.crowded_by:
            if entity.id not in named:
                named[entity.id] = frozenset().union(*(outside(analysed, n, spans.get(n, ()), masked)
                                                       for n in entity.names))
    return named


def _entities_found(analysed: Analysed, spans: dict, masked: list, rule: TopicRule):
    found = {}
    for relation in rule.relations:
        for entity in relation.between:
            forms = {}  # one name per normalized form (中國 and 中国 read the same)
            for n in entity.names:
                if n.form not in forms and outside(analysed, n, spans.get(n, ()), masked):
                    forms[n.form] = n.text
            names = sorted(forms.values())
            if names:
                found[entity.id] = tuple(names)
    return tuple(sorted(found.items()))


def _sentence_weights(analysed: Analysed, aliases: dict, named: dict, rule: TopicRule):
    """Per sentence: capped weight, the labels of the relations it shows, and the weight of the
    strongest of them."""
    count = len(analysed.sentences)
    per_sentence: list[dict[tuple[str, bool], float]] = [{} for _ in range(count)]
    for alias, found in aliases.items():
        for i in found:
            per_sentence[i][(alias.form, alias.match_case)] = alias.weight
    weights, shown, relation_weights = [], [], []
    for i in range(count):
        strongest, labels = 0.0, set()
        for relation in rule.relations:
            if all(i in named[e.id] for e in relation.between):
                crowded = any(i in named[e.id] for e in relation.crowded_by)
                strongest = max(strongest, relation.weight * (THIRD_PARTY_FACTOR if crowded else 1.0))
                labels.add(relation.label)
        weights.append(min(sum(per_sentence[i].values()) + strongest, SENTENCE_CAP))
        shown.append(labels)
        relation_weights.append(strongest)
    return weights, shown, relation_weights


def _holds(relation: Relation, entities: set[str]) -> bool:
    return all(e.id in entities for e in relation.between)


def _coverage(analysed: Analysed, weights: list[float], named: dict, rule: TopicRule) -> tuple[float, float]:
    """Shares of the body's chunks (paragraphs, long ones cut every CHUNK_SENTENCES) with hits, and
    with a relation (in one sentence or across the chunk's sentences, then worth its weight).

    When the rule requires a relation, a chunk counts as covered only when it shows one."""
    chunks: dict[tuple[int, int], tuple[float, set[str]]] = {}
    seen: dict[int, int] = {}
    for i, (sentence, weight) in enumerate(zip(analysed.sentences, weights)):
        if sentence.paragraph < 0:
            continue
        n = seen[sentence.paragraph] = seen.get(sentence.paragraph, -1) + 1
        key = (sentence.paragraph, n // CHUNK_SENTENCES)
        total, entities = chunks.get(key, (0.0, set()))
        chunks[key] = (total + weight, entities | {e for e, where in named.items() if i in where})
    if not chunks:
        return 0.0, 0.0
    covered = related = 0
    for total, entities in chunks.values():
        held = [r for r in rule.relations if _holds(r, entities)]
        related += bool(held)
        if rule.require_relation and not held:
            continue
        covered += total + (max(r.weight for r in held) if held and total < COVERED_MIN else 0.0) >= COVERED_MIN
    return covered / len(chunks), related / len(chunks)


def _passages(analysed: Analysed, weights: list[float], shown: list[set[str]]) -> tuple[Passage, ...]:
    order = sorted(range(len(weights)), key=lambda i: (-weights[i], i))[:PASSAGES]
    return tuple(Passage(analysed.sentences[i].zone, weights[i], _cased_sentence(analysed, i),
                         " / ".join(sorted(shown[i]))) for i in sorted(order) if weights[i] > 0)


def _cased_sentence(analysed: Analysed, index: int) -> str:
    start = analysed.cased_starts[index]
    nxt = analysed.cased_starts[index + 1] - 1 if index + 1 < len(analysed.cased_starts) else len(analysed.cased)
    return analysed.cased[start:nxt]


def prior_score(e: Evidence) -> float:
    """The score a site starts with, before any example: the hand-set formula of the rules

        persistence * (2 * title + 1.5 * lead + heading) + 8 * coverage + log(1 + mass)

    (title hits count double, the lead's one and a half; an article where every paragraph is on
    topic gets as much as a strong title hit)."""
    return e.persistence * (2.0 * e.title + 1.5 * e.lead + e.heading) + 8.0 * e.coverage + math.log1p(e.mass)

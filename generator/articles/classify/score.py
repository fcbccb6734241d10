"""Article + TopicRules -> one TopicScore per rule, and the reasons behind each decision.

Two steps. `read_signals` does the per-article work once (evidence per topic, and the text vector
when the site has examples); `decide` turns signals into decisions, cheaply: the topic's fitted
model (fitted.py) over the evidence features gives a logit, examples close to the article pull it,
and the article belongs when the topic's relation is shown (if it requires one) and the
probability reaches CUT.

A site starts with no examples of its own: the three topics shipped in site.toml have weights
fitted on the topic benchmark's dev half; any other topic gets the weights fitted across those
topics (the features are the same for every topic, and read the topic's own threshold); with no
fitted weights at all (fitted.py emptied) the hand-set score against the threshold decides.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Iterable, Sequence

from generator.records import Article, TopicScore
from generator.articles.classify import fitted
from generator.articles.classify.evidence import Evidence, gather_evidence, prior_score
from generator.articles.classify.examples import Example, Pull, corrections, pull, text_vector
from generator.articles.classify.model import Model, Weights, feature_vector, margin
from generator.articles.classify.rules import TopicRule
from generator.articles.classify.text import analyse_article

# The probability an article needs: a wrong tag on a topic page costs a reader more than a missed
# one (a miss can be added by hand), so the line sits above even odds.
CUT = 0.6
# Without fitted weights: the hand-set score's log margin over the threshold, in logit units, with
# the threshold itself at CUT (a score 25% over the threshold is about as sure as p = 0.75).
PRIOR_SCALE = 4.0
_CUT_LOGIT = math.log(CUT / (1.0 - CUT))


@dataclass(frozen=True)
class Signals:
    """What an article gives the classifier, computed once: evidence per rule, and its text vector
    (None when no rule has examples)."""

    evidence: tuple[Evidence, ...]
    vector: dict | None = None


@dataclass(frozen=True)
class Decision:
    slug: str
    assigned: bool
    probability: float
    weights: str  # "fitted for this topic", "fitted across topics", "hand-set score"
    contributions: tuple[tuple[str, float], ...]  # (feature, weight x value)
    pull: Pull | None
    evidence: Evidence
    reason: str  # why it was or was not assigned


def read_signals(article: Article, rules: Sequence[TopicRule]) -> Signals:
    evidence = gather_evidence(article, rules)
    vector = text_vector(analyse_article(article)) if any(r.examples for r in rules) else None
    return Signals(evidence, vector)


def decide(signals: Signals, rules: Sequence[TopicRule], weights: Weights | None = None) -> tuple[Decision, ...]:
    """Decisions from signals; `weights` defaults to the shipped fitted ones (fitted.WEIGHTS)."""
    weights = fitted.WEIGHTS if weights is None else weights
    margins = [margin(e, r.threshold) for e, r in zip(signals.evidence, rules)]
    decisions = []
    for i, (e, rule) in enumerate(zip(signals.evidence, rules)):
        elsewhere = max((m for j, m in enumerate(margins) if j != i), default=0.0)
        decisions.append(_decide_one(e, rule, elsewhere, signals.vector, weights))
    return tuple(decisions)


def _weights_for(slug: str, weights: Weights) -> tuple[Model | None, str]:
    if slug in weights.by_topic:
        return weights.by_topic[slug], "fitted for this topic"
    if weights.generic is not None:
        return weights.generic, "fitted across topics"
    return None, "hand-set score"


def _decide_one(e: Evidence, rule: TopicRule, elsewhere: float, vector: dict | None, weights: Weights) -> Decision:
    model, kind = _weights_for(rule.slug, weights)
    if model is None:
        logit = PRIOR_SCALE * margin(e, rule.threshold) + _CUT_LOGIT
        contributions = (("score", prior_score(e)), ("threshold", rule.threshold))
    else:
        x = feature_vector(e, rule.threshold, elsewhere)
        logit, contributions = model.logit(x), model.contributions(x)
    pulled = pull(vector, rule.slug, rule.examples) if vector is not None and rule.examples else None
    if pulled is not None:
        logit += pulled.logit
    probability = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, logit))))
    assigned = e.anchored and probability >= CUT
    return Decision(rule.slug, assigned, round(probability, 3), kind, contributions, pulled, e,
                    _reason(e, rule, probability, pulled))


def _reason(e: Evidence, rule: TopicRule, probability: float, pulled: Pull | None) -> str:
    moved = ""
    if pulled is not None and pulled.nearest:
        name, similarity, belongs = pulled.nearest[0]
        moved = f"; pulled {pulled.logit:+.1f} by corrected examples (closest: {name or 'an example'}, " \
                f"cosine {similarity:.2f}, {'belongs' if belongs else 'does not belong'})"
    if not e.anchored:
        shown = " or ".join(r.label for r in rule.relations)
        return f"no sentence shows a relation ({shown}): the topic requires one" + moved
    side = ">=" if probability >= CUT else "<"
    return f"p = {probability:.2f} {side} {CUT}" + moved


def classify_article(article: Article, rules: Sequence[TopicRule]) -> tuple[TopicScore, ...]:
    """One TopicScore per rule, in rule order."""
    return tuple(_score(d) for d in decide(read_signals(article, rules), rules))


def _score(d: Decision) -> TopicScore:
    # TopicScore.reason is shown only for a topic that scored but was not assigned (digest topics).
    near = not d.assigned and (d.probability >= CUT or (d.pull is not None and d.pull.nearest))
    return TopicScore(d.slug, d.probability, d.evidence.matches, d.assigned, d.reason if near else "")


def explain_article(article: Article, rules: Sequence[TopicRule]) -> tuple[Decision, ...]:
    """Every decision with what carried it: entities, relations, passages, weights, examples."""
    return decide(read_signals(article, rules), rules)


def examples_from_edits(edits: Iterable[tuple[Article, Sequence[str], str]], rules: tuple) -> list[Example]:
    """Examples from hand-edited summaries: (article, the topics its summary file now lists, the
    file's name). An edit whose topics are those the rules alone assign teaches nothing."""
    alone = tuple(replace(rule, examples=()) for rule in rules)
    slugs = [rule.slug for rule in rules]
    found = []
    for article, topics, name in edits:
        generated = [s.slug for s in classify_article(article, alone) if s.assigned]
        example = corrections(article, generated, [t for t in topics if t in slugs], slugs, name)
        if example is not None:
            found.append(example)
    return found

"""A person's corrections as examples: an article like a corrected one is decided like it.

When a person changes the `topics:` of a summary file, the article with its corrected topics becomes
an Example (its text as a sparse vector, and for each topic whether it belongs): `examples_from_edits`
takes (article, the person's topics, name) of each hand-edited summary and keeps those whose topics
differ from what the rules alone (without examples) assign, so an example stays an example once it
has taught the rules. On the next build the examples are attached to the topic rules
(`attach_examples`), which changes the rules' fingerprint, so every cached record has its topics
assigned again, without re-extracting. An
article whose text is close to an example's (cosine >= SIMILAR) is pulled towards the example's
decision, the more so the closer it is: a near copy takes the example's decision, a loosely
similar one only moves when its own evidence is near the line.

The vector: sublinear counts of the article's words (Latin script, 3+ letters) and character
pairs (Chinese, after the one analysis form: Simplified, case-folded), hashed, L2-normalised.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass, field, replace
from typing import Iterable, Sequence

from generator.records import Article
from generator.articles.classify.text import Analysed, analyse_article

# Hash buckets of the sparse vector: 2^20 keeps collisions between two articles' few thousand
# distinct features rare.
BUCKETS = 1 << 20
# Cosine above which an example counts. Measured on the story benchmark's dev half (pairs in one
# script): 61% of same-story pairs are at or above 0.3 (median 0.33), and 1% of the other pairs
# (articles on the same three topics, other stories: median 0.08, 99th percentile 0.30).
SIMILAR = 0.3
# Pull of an example at cosine 1.0, in logit units: enough to overturn any decision (a copy of a
# corrected article is decided as corrected); at SIMILAR it is nothing, in between proportional.
PULL = 8.0
# Function words and characters that every article has: they say nothing about what it is about.
_STOP_CHARS = set("的了是在和与及也都就而把被对为以于之其这那有个中上下不人我你他她它们着过来去说到")
_STOP_WORDS = set("the and for that with from this have has had was were are been will would said says its "
                  "their they them his her not but also which who what when where more than after about into "
                  "over new one two could can may other some such".split())
_LATIN_RE = re.compile(r"[a-z][a-z'\-]{2,}")
_HAN_RUN_RE = re.compile(r"[\u4e00-\u9fff]+")


@dataclass(frozen=True)
class Example:
    """One corrected article: its vector and, per topic slug, whether it belongs."""

    vector: tuple[tuple[int, float], ...] = field(repr=False)
    topics: tuple[tuple[str, bool], ...]
    name: str = ""  # where it came from (the summary file), for --explain

    def __repr__(self) -> str:  # the rules' fingerprint reads it: short, and changes with the content
        digest = hashlib.sha256(repr((self.vector, self.topics)).encode()).hexdigest()[:16]
        return f"Example({self.name!r}, {digest})"


def text_vector(analysed: Analysed) -> dict[int, float]:
    """The article's sparse vector (bucket -> value), L2-normalised."""
    counts: dict[str, int] = {}
    text = analysed.folded
    for word in _LATIN_RE.findall(text):
        if word not in _STOP_WORDS:
            counts[word] = counts.get(word, 0) + 1
    for run in _HAN_RUN_RE.findall(text):
        for a, b in zip(run, run[1:]):
            if a not in _STOP_CHARS and b not in _STOP_CHARS:
                counts[a + b] = counts.get(a + b, 0) + 1
    vector: dict[int, float] = {}
    for key, n in counts.items():
        bucket = int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "little") % BUCKETS
        vector[bucket] = vector.get(bucket, 0.0) + 1.0 + math.log(n)
    norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
    return {k: v / norm for k, v in vector.items()}


def cosine(a: dict[int, float], b: Iterable[tuple[int, float]]) -> float:
    return sum(a.get(k, 0.0) * v for k, v in b)


def make_example(article: Article, topics: dict[str, bool], name: str = "") -> Example:
    """An example from an article and, per topic slug, whether it belongs (the person's decision)."""
    vector = text_vector(analyse_article(article))
    return Example(tuple(sorted(vector.items())), tuple(sorted(topics.items())), name)


def corrections(article: Article, generated: Sequence[str], corrected: Sequence[str], slugs: Sequence[str],
                name: str = "") -> Example | None:
    """The example a person's edit of `topics:` makes, or None when the topics were not changed.

    Every topic of the site is decided by the corrected list: a topic removed is "not this", one
    added is "this", and one left as it was is confirmed either way."""
    if set(generated) == set(corrected):
        return None
    chosen = set(corrected)
    return make_example(article, {slug: slug in chosen for slug in slugs}, name)




def save_examples(path, examples: Sequence[Example]) -> None:
    """The examples as JSON (the build's cache folder keeps them between builds)."""
    import json

    data = [{"name": e.name, "topics": dict(e.topics), "vector": [[k, v] for k, v in e.vector]}
            for e in sorted(examples, key=lambda e: (e.name, repr(e)))]
    path.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True), encoding="utf-8")


def load_examples(path) -> tuple[list[Example], str]:
    """Examples saved by save_examples, and a problem ("" if none): an unreadable file is no examples."""
    import json

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return [Example(tuple((int(k), float(v)) for k, v in d["vector"]),
                        tuple(sorted((str(t), bool(b)) for t, b in d["topics"].items())), str(d["name"]))
                for d in data], ""
    except FileNotFoundError:
        return [], ""
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        return [], f"{path}: unreadable examples, ignored ({exc})"


def attach_examples(rules: tuple, examples: Sequence[Example]) -> tuple:
    """The rules with each topic's examples attached (those that decide it), in a fixed order."""
    ordered = sorted(examples, key=lambda e: (e.name, repr(e)))
    return tuple(replace(rule, examples=tuple(e for e in ordered if any(s == rule.slug for s, _ in e.topics)))
                 for rule in rules)


@dataclass(frozen=True)
class Pull:
    logit: float  # added to the topic's logit
    nearest: tuple[tuple[str, float, bool], ...]  # (example name, cosine, belongs) of those that pulled


def pull(vector: dict[int, float], slug: str, examples: Sequence[Example]) -> Pull:
    """How the examples close to an article move its decision on one topic."""
    total, nearest = 0.0, []
    for example in examples:
        belongs = dict(example.topics).get(slug)
        if belongs is None:
            continue
        similarity = cosine(vector, example.vector)
        if similarity < SIMILAR:
            continue
        strength = PULL * (similarity - SIMILAR) / (1.0 - SIMILAR)
        total += strength if belongs else -strength
        nearest.append((example.name, round(similarity, 3), belongs))
    return Pull(total, tuple(sorted(nearest, key=lambda n: -n[1])))

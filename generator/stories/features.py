"""Article -> StoryFeatures: what a story is recognised by, computed once per article.

Everything is read from the article's opening (title, lead and the first OPENING_CHARS of its
body: a news report says what happened first; what follows is background that names older events)
and weighed by where it is: the title counts most, then the lead, then the rest.

  concepts  the names table (names.py) and the site's [entities], in three scripts: 川普 = Trump
  names     Latin-script proper names: what an English report calls a firm or a person, and what a
            Chinese report gives beside its own transliteration (安世半導體（Nexperia）)
  numbers   money, rates and counts as language-free keys (85億美元 = US$8.5 billion)
  days      the days the article names (mentions.py), placed against its publication day
  words     its own words, for articles in the same language: English words, Chinese words
            (jieba, after OpenCC's Traditional -> Simplified), the common ones weighed down

Weights are small integers, so that similarities computed from them are exact sums and come out
the same in any order (see similarity.py): a story is decided the same way in any build.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from generator.articles.classify.alias import Alias, make_alias
from generator.articles.classify.entities import Entity, looks_like_acronym
from generator.articles.classify.text import Analysed, analyse_article, locate_spans
from generator.dates import parse_date
from generator.articles.lang import common_words, segment
from generator.records import Article
from generator.articles.sentences import leading_blocks
from generator.stories.mentions import masked, mentioned_days, quantities
from generator.stories.names import CONCEPTS, KIND_WEIGHT

# The body read after the title: a lead and the paragraphs that report the event (the median
# benchmark article is 600 characters; an English lead of three paragraphs is about 1,500).
OPENING_CHARS = 1500
# Weight of a feature by where it first appears: the title names the event; the lead says it again
# with its who, when and how much; later sentences add context.
ZONE_WEIGHT = {"title": 3, "heading": 1, "lead": 2, "body": 1}
# Words kept per article, the heaviest: a lead's telling words, and a bound on what is stored and
# compared. 40 and 120 gave the same by-source CV on the story benchmark (the other signals carry
# most links); 40 makes grouping 10,000 articles twice as fast.
MAX_WORDS = 40
# Chinese words at least this frequent in jieba's dictionary (about the 5,000 commonest) say little
# about which event is reported (美国, 政府, 表示); the next tier (about 30,000) says some.
COMMON_ZH, USUAL_ZH = 10_000, 1_000
# English words every report uses, whatever it reports (function words, reporting verbs, titles).
STOP_EN = frozenset("""
a about above after again against all also am an and any are as at be because been before being below between both
but by can could did do does doing down during each few for from further had has have having he her here hers him
his how i if in into is it its itself just me more most my no nor not now of off on once only or other our out over
own same she should so some such than that the their them then there these they this those through to too under
until up very was we were what when where which while who whom why will with would you your said says say told
according also mr ms mrs dr new one two three year years week month day days time people percent per cent including
would could may might must shall like well back made make many much first last next since still even however amid
president minister government official officials spokesperson statement reported report reports reporting news
monday tuesday wednesday thursday friday saturday sunday january february march april may june july august
september october november december jan feb mar apr jun jul aug sep sept oct nov dec
""".split())
_EN_WORD = re.compile(r"[a-z][a-z'\-]{2,}")
_HAN = re.compile(r"[\u4e00-\u9fff]")
# A Latin-script name: a capitalised word or an acronym (in English text), or any Latin word of two
# letters or more inside Chinese text (which writes only names, acronyms and brands in Latin letters).
_CAPITALISED = re.compile(r"(?<![\w'’\-])([A-Z][A-Za-z0-9'’\-]*[A-Za-z0-9]|[A-Z]{2,})(?![\w'’])")
_POSSESSIVE = re.compile(r"['’]s?$")
_LATIN = re.compile(r"(?<![A-Za-z])[A-Za-z][A-Za-z0-9\-]*[A-Za-z0-9](?![A-Za-z])")


@dataclass(frozen=True)
class StoryFeatures:
    """What the story stage knows of one article; small, frozen, cacheable with the record."""

    day: int | None  # the publication day as a proleptic ordinal (None: unknown)
    language: str  # "en", "zh" (either script) or the article's own tag
    concepts: tuple[tuple[str, int], ...] = ()  # (concept id, weight), sorted
    names: tuple[tuple[str, int], ...] = ()  # (lower-cased Latin name, weight), sorted
    numbers: tuple[tuple[str, int], ...] = ()  # ("usd:8.5e+09", weight), sorted
    days: tuple[tuple[int, int], ...] = ()  # (ordinal of a day named, weight), sorted
    words: tuple[tuple[int, int], ...] = ()  # (hash of a word, weight), sorted
    title: str = ""  # the headline, for the human listing and the optional sentence encoder
    vector: tuple[int, ...] = ()  # the sentence encoder's vector of the headline and lead, x127 (or none)


@dataclass(frozen=True)
class Lexicon:
    """The concepts to look for: each alias and the concept ids it names."""

    aliases: Mapping[Alias, tuple[str, ...]]
    weights: Mapping[str, int]  # concept id -> weight of its kind
    common_names: frozenset[str]  # Latin names a concept already counts (no second vote)
    # the aliases as the one set every article is searched for: built once (a set built per article
    # and compared with the cached automata's key was a third of an article's features)
    alias_set: frozenset[Alias] = frozenset()


def build_lexicon(entities: Iterable[Entity] = ()) -> Lexicon:
    """The shipped names table plus the site's entities (each a broad concept of its own)."""
    aliases: dict[Alias, list[str]] = {}
    weights: dict[str, int] = {}
    latin: set[str] = set()
    rows = [(cid, kind, names) for cid, kind, *names in CONCEPTS]
    rows += [("entity:" + e.id, "entity", [a.text for a in e.names]) for e in entities]
    for cid, kind, names in rows:
        weights[cid] = KIND_WEIGHT[kind]
        for name in names:
            alias = make_alias(name, 1.0, match_case=looks_like_acronym(name))
            aliases.setdefault(alias, []).append(cid)
            if name.isascii():
                latin.update(w.lower() for w in re.findall(r"[A-Za-z][A-Za-z0-9\-]+", name))
    table = {a: tuple(dict.fromkeys(c)) for a, c in aliases.items()}
    return Lexicon(table, weights, frozenset(latin), frozenset(table))


@functools.lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    return build_lexicon()


def language_family(language: str) -> str:
    return "zh" if language.startswith("zh") else language.split("-")[0]


def publication_day(published: str | None) -> int | None:
    """The day an article was published, as an ordinal; the day as the outlet wrote it (its
    local date), never shifted to another zone."""
    iso = parse_date(published) if published else None
    return dt.date.fromisoformat(iso[:10]).toordinal() if iso else None


def story_features(article: Article, lexicon: Lexicon | None = None) -> StoryFeatures:
    """The features of one article (pure: the same article gives the same features)."""
    lexicon = lexicon or default_lexicon()
    opening = replace(article, blocks=leading_blocks(article.blocks, OPENING_CHARS))
    analysed = analyse_article(opening)
    day = publication_day(article.published)
    numbers, days = _numbers_and_days(analysed, day)
    return StoryFeatures(
        day=day,
        language=language_family(article.language),
        concepts=_concepts(analysed, lexicon),
        names=_names(analysed, lexicon),
        numbers=numbers,
        days=days,
        words=_words(analysed),
        title=" ".join((article.title or "").split())[:200],
    )


def _add(found: dict, key, weight: int) -> None:
    if weight > found.get(key, 0):
        found[key] = weight


def _concepts(analysed: Analysed, lexicon: Lexicon) -> tuple[tuple[str, int], ...]:
    found: dict[str, int] = {}
    for alias, spans in locate_spans(analysed, lexicon.alias_set or frozenset(lexicon.aliases)).items():
        if not spans:
            continue
        zone = max(ZONE_WEIGHT[analysed.sentences[s.sentence].zone] for s in spans)
        for cid in lexicon.aliases[alias]:
            _add(found, cid, zone * lexicon.weights[cid])
    return tuple(sorted(found.items()))


def _names(analysed: Analysed, lexicon: Lexicon) -> tuple[tuple[str, int], ...]:
    """Latin-script proper names; in English, a capitalised word counts only where it is not the
    first word of its sentence (every sentence starts with a capital)."""
    found: dict[str, int] = {}
    for sentence, start, text in _sentences(analysed, "cased"):
        zone = ZONE_WEIGHT[sentence.zone]
        chinese = bool(_HAN.search(text))
        pattern = _LATIN if chinese else _CAPITALISED
        for m in pattern.finditer(text):
            if not chinese and m.start() == 0 and not m.group(0).isupper():
                continue
            for word in _POSSESSIVE.sub("", m.group(0)).lower().split("-"):
                if len(word) >= 2 and word not in STOP_EN and word not in lexicon.common_names:
                    _add(found, word, zone)
    return tuple(sorted(found.items()))


def _sentences(analysed: Analysed, form: str):
    text = analysed.folded if form == "folded" else analysed.cased
    starts = analysed.folded_starts if form == "folded" else analysed.cased_starts
    for i, (sentence, start) in enumerate(zip(analysed.sentences, starts)):
        end = starts[i + 1] - 1 if i + 1 < len(starts) else len(text)
        yield sentence, start, text[start:end]


def _numbers_and_days(analysed: Analysed, day: int | None):
    numbers: dict[str, int] = {}
    days: dict[int, int] = {}
    for sentence, _, text in _sentences(analysed, "folded"):
        zone = ZONE_WEIGHT[sentence.zone]
        spans = mentioned_days(text, day)
        for _, _, ordinal in spans:
            _add(days, ordinal, zone)
        for key in quantities(masked(text, spans)):
            _add(numbers, key, zone)
    return tuple(sorted(numbers.items())), tuple(sorted(days.items()))


def _words(analysed: Analysed) -> tuple[tuple[int, int], ...]:
    counts: dict[str, float] = {}
    for sentence, _, text in _sentences(analysed, "folded"):
        zone = ZONE_WEIGHT[sentence.zone]
        for word, weight in _terms(text):
            counts[word] = counts.get(word, 0.0) + weight * zone
    scored = sorted(((_hash(w), max(1, round(4 * math.log1p(c)))) for w, c in counts.items()),
                    key=lambda kv: (-kv[1], kv[0]))[:MAX_WORDS]
    return tuple(sorted(scored))


def _terms(text: str):
    """(word, weight) of a normalised sentence: English words, and Chinese words of two or more
    characters weighed by how rare jieba's dictionary says they are."""
    for word in _EN_WORD.findall(text):
        if word not in STOP_EN:
            yield word, 1.0
    if _HAN.search(text):
        common, usual = common_words(COMMON_ZH), common_words(USUAL_ZH)
        for token in segment(text):
            if len(token) < 2 or not _HAN.match(token):
                continue
            yield token, 0.25 if token in common else 0.5 if token in usual else 1.0


def _hash(word: str) -> int:
    return int.from_bytes(hashlib.blake2b(word.encode(), digest_size=4).digest(), "little")

"""An article as the classifier reads it: sentences tagged by zone, normalized once, located by alias.

The title, then the body's sentences, are joined with newlines into one string in two forms:
`folded` (lang.normalize: NFKC, case-folded, Simplified) for ordinary aliases and `cased` (NFKC
only) for aliases that must match case (US is not "us"). Each sentence knows its zone (title,
heading, lead, body) and block. Short Chinese aliases are checked against jieba token boundaries,
segmenting only the runs of text around an occurrence.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable

from generator.articles.lang import CJK_RE, HAN_RUN_RE, common_words, normalize_each, segment
from generator.records import Article
from generator.articles.sentences import leading_blocks, split_sentences
from generator.articles.classify.alias import Alias

# The lead is the opening of the first body paragraph: news puts what the story is about there.
# Three sentences covers a Chinese lead paragraph (often 2-3 long sentences) and an English one.
LEAD_SENTENCES = 3
# jieba keeps some compounds whole (中国政府, 稀土金属); a cut between two parts that are each this
# frequent in jieba's dictionary is a word boundary. 100 admits 中国 (129,470), 政府 (23,452), 金属
# (4,290) and keeps idioms whole: 美中不足 has no frequent head (美中 is not in the dictionary).
COMPOUND_MIN_FREQ = 100


@dataclass(frozen=True)
class Sentence:
    zone: str  # "title" | "heading" | "lead" | "body"
    paragraph: int  # -1 for the title, then 0, 1, ... over the body blocks (headings included)


@dataclass(frozen=True)
class Analysed:
    sentences: tuple[Sentence, ...]
    folded: str
    cased: str
    folded_starts: tuple[int, ...]  # offset of each sentence in `folded`
    cased_starts: tuple[int, ...]
    paragraphs: int


def analyse_article(article: Article) -> Analysed:
    """Split an article into sentences and normalize them, once."""
    units: list[tuple[Sentence, str]] = []
    title = unicodedata.normalize("NFKC", article.title or "").strip()
    if title:
        units.append((Sentence("title", -1), " ".join(title.split())))
    # The opening only (sentences.ANALYSIS_CHARS): bounded work per article, and a topic's title, lead
    # and coverage are read there.
    # Split as summaries split (sentences.py), before NFKC turns "；" into ";", then normalized.
    blocks = [b for b in leading_blocks(article.blocks) if b.text.strip()]
    for index, block in enumerate(blocks):
        if block.kind == "heading":
            units.append((Sentence("heading", index), _nfkc(block.text)))
            continue
        for n, sentence in enumerate(split_sentences(block.text, article.language)):
            zone = "lead" if index == 0 and n < LEAD_SENTENCES else "body"
            units.append((Sentence(zone, index), _nfkc(sentence)))
    cased_parts = [text for _, text in units]
    cased = "\n".join(cased_parts)
    folded_parts = normalize_each(cased_parts)
    folded = "\n".join(folded_parts)
    return Analysed(tuple(s for s, _ in units), folded, cased,
                    _starts(folded_parts), _starts(cased_parts), len(blocks))


def _nfkc(text: str) -> str:
    """NFKC, white space runs as one space."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def _starts(parts: list[str]) -> tuple[int, ...]:
    starts, offset = [], 0
    for part in parts:
        starts.append(offset)
        offset += len(part) + 1
    return tuple(starts)


# Where a country names a source, not an actor: a news agency or a report an article quotes
# ("据美国之声报道", "美国财政部公布的报告显示", "according to the US Treasury"). Matched on the folded
# form (Simplified, case-folded), each up to the end of its clause; pair terms inside do not count.
ATTRIBUTION_RES = tuple(
    re.compile(p)
    for p in (
        r"据[^，,。；;！？\n]{1,30}?(?:报道|报导|消息|统计|数据|资料)",
        r"[^，,。；;！？\n]{1,40}?(?:报告|数据|资料|统计|报道|报导)(?:显示|指出|称)",
        r"\baccording to (?:a |an |the )?[^,.;:!?\n]{1,50}",
        r"\b(?:data|figures|statistics) (?:from|released by|published by) (?:the )?[^,.;:!?\n]{1,50}",
    )
)


@dataclass(frozen=True)
class Span:
    sentence: int
    start: int  # offsets in `folded`, or in `cased` for match_case aliases
    end: int


def locate_spans(analysed: Analysed, aliases: Iterable[Alias]) -> dict[Alias, tuple[Span, ...]]:
    """For each alias, where it occurs (short Chinese aliases on whole jieba tokens only)."""
    spans = _find_all(analysed, _automata(frozenset(aliases)))
    starts, ends = _token_bounds(analysed, [(a, b) for alias, found in spans.items() if alias.mode == "token"
                                            for _, a, b in found])
    located = {}
    for alias, found in spans.items():
        if alias.mode == "token":
            found = [(s, a, b) for s, a, b in found if a in starts and b in ends]
        located[alias] = tuple(Span(s, a, b) for s, a, b in found)
    return located


# What every match of the ATTRIBUTION_RES pattern at the same index contains: a text without it is
# not searched (the second pattern tries up to 40 characters at every position: 1.6 ms an article).
_ATTRIBUTION_NEEDS = tuple(re.compile(p) for p in (
    r"据", r"(?:报告|数据|资料|统计|报道|报导)(?:显示|指出|称)", r"according to", r"(?:data|figures|statistics) "))


def attribution_intervals(analysed: Analysed) -> list[tuple[int, int]]:
    """Offsets in `folded` of the source attributions (ATTRIBUTION_RES)."""
    text = analysed.folded
    return sorted((m.start(), m.end()) for pattern, needs in zip(ATTRIBUTION_RES, _ATTRIBUTION_NEEDS)
                  if needs.search(text) for m in pattern.finditer(text))


def outside(analysed: Analysed, alias: Alias, found: Iterable[Span], masked: list[tuple[int, int]]) -> frozenset[int]:
    """Sentences of the spans that do not overlap a masked interval (offsets in `folded`).

    A match_case alias is found in `cased`; its offsets carry over to `folded` within a sentence of
    the same length in both forms (case folding and OpenCC rarely change a length; where they did,
    the span is kept).
    """
    kept = set()
    for span in found:
        a, b = span.start, span.end
        if alias.match_case:
            shift = analysed.folded_starts[span.sentence] - analysed.cased_starts[span.sentence]
            if _sentence_length(analysed, span.sentence, "folded") == _sentence_length(analysed, span.sentence, "cased"):
                a, b = a + shift, b + shift
            else:
                kept.add(span.sentence)
                continue
        if not any(x < b and a < y for x, y in masked):  # a few masks per article: a scan will do
            kept.add(span.sentence)
    return frozenset(kept)


def _sentence_length(analysed: Analysed, index: int, form: str) -> int:
    starts = analysed.folded_starts if form == "folded" else analysed.cased_starts
    text = analysed.folded if form == "folded" else analysed.cased
    nxt = starts[index + 1] - 1 if index + 1 < len(starts) else len(text)
    return nxt - starts[index]


@dataclass(frozen=True)
class _Automata:
    """Where to look for a set of aliases in one pass over each form of the text.

    Each automaton (pyahocorasick: Aho-Corasick in C) maps a key to the aliases it starts: a Chinese
    alias's own form (every occurrence is one), or a word alias's first literal piece, where its
    pattern is then tried (a word match begins with that piece). Aliases without such a key (a form
    that begins with a dash) are searched one by one."""

    folded: object | None  # ahocorasick.Automaton over `folded`, or None when it has no key
    cased: object | None  # over `cased`: the first pieces of match_case word aliases
    aliases: frozenset[Alias]
    alone: tuple[Alias, ...]


@functools.lru_cache(maxsize=8)
def _automata(aliases: frozenset[Alias]) -> _Automata:
    import ahocorasick

    keys: dict[bool, dict[str, list[Alias]]] = {False: {}, True: {}}
    alone = []
    for alias in sorted(aliases, key=repr):  # a fixed order: each key's aliases in the same order
        if alias.mode != "word":
            key, cased = alias.form, False
        else:
            key = alias.pieces[0] if alias.pieces and alias.form.startswith(alias.pieces[0]) else ""
            cased = alias.match_case
        if key:
            keys[cased].setdefault(key, []).append(alias)
        else:
            alone.append(alias)
    built = {}
    for cased, table in keys.items():
        if not table:
            built[cased] = None
            continue
        automaton = ahocorasick.Automaton()
        for key, found in table.items():
            automaton.add_word(key, (len(key), tuple(found)))
        automaton.make_automaton()
        built[cased] = automaton
    return _Automata(built[False], built[True], aliases, tuple(alone))


def _find_all(analysed: Analysed, automata: _Automata) -> dict[Alias, list[tuple[int, int, int]]]:
    """_spans() of every alias, from one pass of each automaton over its form of the text."""
    starts: dict[Alias, list[int]] = {}
    for automaton, text in ((automata.folded, analysed.folded), (automata.cased, analysed.cased)):
        if automaton is None or not text:
            continue
        for end, (length, found) in automaton.iter(text):
            for alias in found:
                starts.setdefault(alias, []).append(end - length + 1)
    spans: dict[Alias, list[tuple[int, int, int]]] = {alias: [] for alias in automata.aliases}
    for alias, at in starts.items():
        if alias.mode == "word":
            text, line_starts = _form(analysed, alias)
            spans[alias] = _in_sentences(line_starts, _word_matches(text, alias.pattern, sorted(at)))
        else:  # every occurrence, overlapping ones too, in order of their start
            size = len(alias.form)
            spans[alias] = _in_sentences(analysed.folded_starts, [(a, a + size) for a in sorted(at)])
    for alias in automata.alone:
        spans[alias] = _spans(analysed, alias)
    return spans


def _word_matches(text: str, pattern: re.Pattern, candidates: list[int]) -> list[tuple[int, int]]:
    """(start, end) of what pattern.finditer(text) finds, trying the pattern only at the candidate
    offsets (where its first piece is): the leftmost match at or after the end of the last one, as
    finditer takes them."""
    found, after = [], 0
    for at in candidates:
        if at < after:
            continue
        m = pattern.match(text, at)
        if m is not None:
            found.append((at, m.end()))
            after = m.end()
    return found


def _form(analysed: Analysed, alias: Alias) -> tuple[str, tuple[int, ...]]:
    """The text a word alias is matched in (`cased` for match_case aliases), with its sentences' offsets."""
    return (analysed.cased, analysed.cased_starts) if alias.match_case else (analysed.folded, analysed.folded_starts)


def _in_sentences(starts: tuple[int, ...], found: list[tuple[int, int]]) -> list[tuple[int, int, int]]:
    """(sentence, start, end) of each (start, end), given the offset where each sentence starts."""
    return [(bisect.bisect_right(starts, a) - 1, a, b) for a, b in found]


def _spans(analysed: Analysed, alias: Alias) -> list[tuple[int, int, int]]:
    """(sentence, start, end) of each occurrence, offsets in the form the alias is matched in
    (one alias at a time: what _find_all finds for a set of them in one pass)."""
    if alias.mode == "word":
        text, starts = _form(analysed, alias)
        if not all(piece in text for piece in alias.pieces):  # a scan for plain words first: most aliases are absent
            return []
        found = [(m.start(), m.end()) for m in alias.pattern.finditer(text)]
    else:
        text, starts, found, at = analysed.folded, analysed.folded_starts, [], analysed.folded.find(alias.form)
        while at >= 0:
            found.append((at, at + len(alias.form)))
            at = text.find(alias.form, at + 1)
    return _in_sentences(starts, found)


def _token_bounds(analysed: Analysed, found: list[tuple[int, int]]) -> tuple[set[int], set[int]]:
    """Start and end offsets (in `folded`) of jieba's tokens around the given occurrences.

    jieba cuts each run of Han characters and ASCII word characters (lang.HAN_RUN_RE) on its
    own, so segmenting only the runs that hold an occurrence gives the same tokens there as
    segmenting the whole text, for a fraction of the work."""
    if not found:
        return set(), set()
    runs = [(m.start(), m.end()) for m in HAN_RUN_RE.finditer(analysed.folded)]
    run_starts = [a for a, _ in runs]
    starts, ends, done = set(), set(), set()
    for a, _ in found:
        i = bisect.bisect_right(run_starts, a) - 1
        if i < 0 or i in done or a >= runs[i][1]:
            continue
        done.add(i)
        at = runs[i][0]
        for token in segment(analysed.folded[at:runs[i][1]]):
            starts.add(at)
            ends.add(at + len(token))
            for cut in _compound_cuts(token):
                starts.add(at + cut)
                ends.add(at + cut)
            at += len(token)
    return starts, ends


def _compound_cuts(token: str) -> list[int]:
    """Where a token that jieba keeps whole joins two common words: 中国政府 = 中国 + 政府."""
    if len(token) < 4 or not CJK_RE.match(token):
        return []
    common = common_words(COMPOUND_MIN_FREQ)
    return [cut for cut in range(2, len(token) - 1) if token[:cut] in common and token[cut:] in common]

"""Article -> its key figures: the sums of money, quantities, rates and dates a story page lists.

Each figure is read where the story stage reads an article (the title and the opening of its body,
features.OPENING_CHARS) with the same language-free keys (mentions.py: "usd:8.5e+09" for both
"US$8.5 billion" and "85億美元", "day:<ordinal>" for a day), so the reports of one event, in any
language or script, give one key per figure and a page can list it once with all its sources. What
a reader sees is the figure as the article wrote it and the sentence it stands in.

mentions.py reads a normalised text (NFKC, case-folded, Simplified, white space collapsed), which
is not always as long as the original ("…" becomes "...", "ß" "ss"): each sentence is normalised
character by character here, so every offset found in the normalised text maps back to the
original characters it came from.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from generator.articles.lang import to_simplified
from generator.articles.sentences import leading_blocks, split_sentences
from generator.records import Article
from generator.stories.features import OPENING_CHARS
from generator.stories.mentions import masked, mentioned_days, quantity_spans

# A story page lists the figures beside a short summary: eight fill that list; an opening that
# names more is a table of data, and its first eight are the ones its report leads with.
MAX_FIGURES = 8
# The sentence shown with a figure: about two lines of a page, longer than a typical English news
# sentence (25 words, some 150 characters) and than most Chinese ones; a longer one is cut.
MAX_SENTENCE = 240
# When a cut looks for a space to end on (English), it goes back at most this far: a longer word
# (a URL) is cut inside.
WORD_BACKTRACK = 30
ELLIPSIS = "…"

_MONEY_UNITS = frozenset("usd aud eur gbp jpy hkd cny krw".split())
# A number with no unit is no key figure, though mentions.py keys those of 10 and more (two reports
# of one event share them): in the openings of the story benchmark's dev half about one in four was a
# figure a reader would list (75 countries, 1,500 guests); the rest named a law or an order (Section
# 301, Executive Order 14257), a clock time, an ordinal, an age or a century.
_NUMBER = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")
# A weekday is placed by mentions.py on the latest such day up to publication, which "next Friday"
# (下周五) is not; it is the day the news happened, not a date a reader would list as a figure.
_WEEKDAY = re.compile(r"(?:周|星期|礼拜)[一二三四五六日天]|(?:mon|tues|wednes|thurs|fri|satur|sun)day")
_OPENING_BRACKETS, _CLOSING_BRACKETS = "(（", ")）"


@dataclass(frozen=True)
class Figure:
    text: str  # as the article writes it: "US$8.5 billion", "85億美元", "100 percent", "Nov. 10"
    key: str  # language-free: "usd:8.5e+09", "pct:100", "day:739565" (a day as its ordinal)
    kind: str  # "money" | "quantity" | "rate" | "date"
    sentence: str  # the sentence it stands in, white space collapsed, at most MAX_SENTENCE characters


def key_figures(article: Article, day: int | None) -> tuple[Figure, ...]:
    """The figures of an article's title and opening in order of appearance, one per key (its first
    occurrence), at most MAX_FIGURES. `day` is the publication day (features.publication_day): days
    written without a year are placed against it, and it is no key figure itself."""
    found: dict[str, Figure] = {}
    for sentence in _sentences(article):
        for figure in _sentence_figures(sentence, day):
            found.setdefault(figure.key, figure)
            if len(found) == MAX_FIGURES:
                return tuple(found.values())
    return tuple(found.values())


def _sentences(article: Article):
    """The title, then the sentences of the opening's blocks, in the article's own characters."""
    if article.title and article.title.strip():
        yield article.title.strip()
    for block in leading_blocks(article.blocks, OPENING_CHARS):
        yield from split_sentences(block.text, article.language)


def _sentence_figures(sentence: str, day: int | None):
    folded, origin = _normalised(sentence)
    days = mentioned_days(folded, day)
    spans = [(a, b, f"day:{ordinal}", "date") for a, b, ordinal in days
             if ordinal != day and not _WEEKDAY.search(folded, a, b)]
    spans += [(a, b, key, _kind(key)) for a, b, key in quantity_spans(masked(folded, days))
              if not _NUMBER.fullmatch(folded, a, b)]
    for a, b, key, kind in sorted(spans):
        start, end = _trimmed(sentence, origin[a], origin[b - 1] + 1)
        if start < end:
            yield Figure(sentence[start:end], key, kind, _shown(sentence, start, end))


def _normalised(text: str) -> tuple[str, list[int]]:
    """mentions.py's form of the text (lang.normalize, white space collapsed) and, for each of its
    characters, the offset in `text` of the character it came from."""
    pieces, spaced = [], False
    for ch in text:
        piece = unicodedata.normalize("NFKC", ch).casefold()
        if piece.isspace():
            piece, spaced = ("" if spaced else " "), True
        elif piece:
            spaced = False
        pieces.append(piece)
    joined = "".join(pieces)
    simplified = to_simplified(joined)
    if len(simplified) != len(joined):  # OpenCC changed a length somewhere: convert piece by piece
        pieces = [to_simplified(p) if p else p for p in pieces]
        simplified = "".join(pieces)
    origin = [i for i, piece in enumerate(pieces) for _ in piece]
    return simplified, origin


def _kind(key: str) -> str:
    unit = key.split(":", 1)[0]
    return "money" if unit in _MONEY_UNITS else "rate" if unit == "pct" else "quantity"


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without surrounding space or a bracket it does not close: "(14 日" is "14 日"."""
    piece = text[start:end]
    start, end = start + len(piece) - len(piece.lstrip()), start + len(piece.rstrip())
    if start < end and text[start] in _OPENING_BRACKETS and not any(c in _CLOSING_BRACKETS for c in text[start:end]):
        start += 1
    if start < end and text[end - 1] in _CLOSING_BRACKETS and not any(c in _OPENING_BRACKETS for c in text[start:end]):
        end -= 1
    while start < end and text[start].isspace():
        start += 1
    while start < end and text[end - 1].isspace():
        end -= 1
    return start, end


def _shown(sentence: str, start: int, end: int) -> str:
    """The sentence, white space collapsed; a long one cut to MAX_SENTENCE characters (ellipses
    included) at word boundaries, around the figure where it lies past the first ones."""
    text = " ".join(sentence.split())
    if len(text) <= MAX_SENTENCE:
        return text
    at = len(" ".join((sentence[:start] + "x").split())) - 1  # the figure's offset in `text`
    size = len(" ".join(sentence[start:end].split()))
    if at + size <= MAX_SENTENCE - 1:
        return text[:_end_at_word(text, MAX_SENTENCE - 1, at + size)].rstrip() + ELLIPSIS
    # A window that shows a third of what it has room for after the figure, the rest before it.
    stop = min(len(text), at + size + (MAX_SENTENCE - size) // 3)
    tail = ELLIPSIS if stop < len(text) else ""
    begin = _start_at_word(text, stop - (MAX_SENTENCE - 1 - len(tail)), at)
    stop = _end_at_word(text, stop, at + size) if tail else stop
    return ELLIPSIS + text[begin:stop].strip() + tail


def _end_at_word(text: str, limit: int, floor: int) -> int:
    """limit, or the space before it where it falls inside a Latin word (not before floor)."""
    if text[limit - 1:limit].isalnum() and text[limit:limit + 1].isalnum() and text[limit].isascii():
        space = text.rfind(" ", max(floor, limit - WORD_BACKTRACK), limit)
        if space >= 0:
            return space
    return limit


def _start_at_word(text: str, begin: int, ceiling: int) -> int:
    """begin, or just after the space that follows it where it falls inside a Latin word (not past ceiling)."""
    if begin > 0 and text[begin - 1].isalnum() and text[begin:begin + 1].isalnum() and text[begin].isascii():
        space = text.find(" ", begin, min(ceiling, begin + WORD_BACKTRACK))
        if space >= 0:
            return space + 1
    return begin

"""Language-aware sentence splitting.

Chinese ends a sentence at 。！？；… (full-width or doubled), with any closing quotes and
brackets kept with the sentence they close (。」 ！』 ？” ）).  English (and Latin text inside
Chinese) ends at . ! ? followed by space and a capital, a digit or an opening quote, except
after abbreviations (Mr., Dr., Jan. 5), initials (J. R. R. Tolkien, V. Stiviano) and
lower-case initialisms (e.g., i.e.); decimals (3.5) never split because no space follows.
Sentences come back in the original script and spelling, stripped of surrounding space.
"""

from __future__ import annotations

import re
from typing import Sequence

from generator.records import Block

# Closing quotes and brackets that belong to the sentence they follow.
CLOSERS = "」』”’\"'）)】》〉]"
# Opening quotes and brackets that may begin a sentence.
OPENERS = "「『“‘\"'（(【《〈["

# Chinese sentence ends; "；" is included because Chinese news chains independent clauses with it.
_ZH_END_RE = re.compile(r"(?:[。！？!?；]+|…+|\.{3,})[" + re.escape(CLOSERS) + r"]*")
# Latin candidate ends: the terminator run, closing quotes, then white space; or a period glued
# to the next sentence's capitalised word where scraped paragraphs were joined ("BST.Hampshire").
_EN_END_RE = re.compile(
    r"[.!?]+[" + re.escape(CLOSERS) + r"]*(?=\s)|(?:(?<=[a-z0-9]{2})|(?<=[A-Z]{3}))\.(?=[A-Z][a-z]{2})"
)
_WORD_BEFORE_RE = re.compile(r"([A-Za-z][A-Za-z.&'-]*)\.$")
# Characters looked at before a period to find the word it ends: longer than any abbreviation,
# short enough that a long paragraph is not searched again for every period.
WORD_WINDOW = 40

# Abbreviations that (almost) never end a sentence: titles before a name, and words that
# take a number after them.
TITLE_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st jr sr gen gov sen rep lt col capt sgt cpl maj adm rev hon pres "
    "supt insp det fr mt ft no nos vol pp fig art sec ch vs v approx est".split()
)
# Month abbreviations: not an end when a day number follows ("Jan. 5").
MONTH_ABBREVIATIONS = frozenset("jan feb mar apr jun jul aug sep sept oct nov dec".split())
# Words that usually open a sentence: after "U.S." or "etc." they mark a real sentence end.
SENTENCE_OPENERS = frozenset(
    "the a an it he she they we i you but and so in on at this that these those there "
    "his her their its our my if when while after before as however meanwhile".split()
)


# Summaries and topics read an article's opening only, at most this many characters of its blocks:
# about 5,000 English words or an hour of Chinese reading, longer than any article in the summary and
# topic benchmarks (the longest, 14,821, includes its reader comments). What lies beyond is an
# appendix, comments or a page that is not one article, and it would cost time linear in its size
# (a 1 MB single paragraph took seconds to normalize, segment and score) for nothing: a news summary
# and the topics' title, lead and coverage come from the opening.
ANALYSIS_CHARS = 30_000


def leading_blocks(blocks: Sequence[Block], limit: int = ANALYSIS_CHARS) -> tuple[Block, ...]:
    """The blocks within the first `limit` characters, the last one cut at the limit."""
    kept: list[Block] = []
    used = 0
    for block in blocks:
        if used >= limit:
            break
        text = block.text[: limit - used]
        kept.append(block if len(text) == len(block.text) else Block(block.kind, text))
        used += len(text)
    return tuple(kept)


def split_sentences(text: str, language: str) -> list[str]:
    """Split text into sentences, keeping the original characters; blank lines always split."""
    chinese = language.startswith("zh") or language in ("ja", "ko")
    out: list[str] = []
    for line in text.splitlines():
        for piece in _split_zh(line) if chinese else [line]:
            out.extend(_split_latin(piece))
    return [s.strip() for s in out if s.strip()]


def _split_zh(line: str) -> list[str]:
    pieces, start = [], 0
    for m in _ZH_END_RE.finditer(line):
        if _is_ascii_mid_word(line, m):
            continue
        pieces.append(line[start : m.end()])
        start = m.end()
    pieces.append(line[start:])
    return pieces


def _is_ascii_mid_word(line: str, m: re.Match) -> bool:
    """'YES!IC', 'Yahoo!' before Latin text, or '...' between Latin words are not Chinese ends."""
    if not m.group(0)[0] in "!?.":
        return False
    nxt = line[m.end() : m.end() + 1]
    return nxt == "" or nxt.isascii()


def _split_latin(piece: str) -> list[str]:
    pieces, start = [], 0
    for m in _EN_END_RE.finditer(piece):
        if _latin_end(piece, m):
            pieces.append(piece[start : m.end()])
            start = m.end()
    pieces.append(piece[start:])
    return pieces


def _latin_end(piece: str, m: re.Match) -> bool:
    nxt_word = piece[m.end() :].lstrip()
    if nxt_word and m.end() < len(piece) and not piece[m.end()].isspace():
        return True  # a glued end: the pattern already demanded a capitalised word
    if not nxt_word or not _starts_sentence(nxt_word):
        return False
    if not m.group(0).startswith(".") or m.group(0).startswith(".."):
        return True  # "!", "?" or an ellipsis before a capital
    before = _WORD_BEFORE_RE.search(piece[max(0, m.start() - WORD_WINDOW) : m.start() + 1])
    return before is None or not _abbreviation(before.group(1), nxt_word)


def _starts_sentence(word: str) -> bool:
    ch = word[0]
    return ch.isupper() or ch.isdigit() or ch in OPENERS or not ch.isascii() and ch.isalpha()


def _abbreviation(word: str, nxt_word: str) -> bool:
    """True when the period after `word` is an abbreviation's, not a sentence end."""
    key = word.rstrip(".").lower()
    next_key = re.match(r"[\w']*", nxt_word).group(0).lower()
    if key in TITLE_ABBREVIATIONS:
        return True
    if key in MONTH_ABBREVIATIONS:
        return nxt_word[0].isdigit()
    if len(key) == 1 and word[0].isupper():
        return True  # an initial: "J. R. R. Tolkien", "V. Stiviano"
    if "." in key:  # an initialism: "U.S.", "e.g."; ends only before a usual sentence opener
        return next_key not in SENTENCE_OPENERS
    return False

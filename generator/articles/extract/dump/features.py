"""Per-paragraph features of a dump and the boilerplate classifier built on them.

No links survive a text dump, so the classifier leans on shape: how long a paragraph is,
whether it is made of sentences, whether it looks like a menu or a link list, whether it
repeats elsewhere on the page, and how many short lines surround it.
"""

from __future__ import annotations

import re
import zlib
from collections import Counter
from dataclasses import dataclass

from generator.articles.lang import cjk_count, text_length
from generator.articles.extract.dump.layout import Para

# Sentence-final punctuation in the scripts of the benchmark (Latin, Cyrillic, Greek ";", CJK).
SENTENCE_END_RE = re.compile(r"[.!?。！？…;；][\"'”’」』）)\]]*(?=\s|$)|[。！？]")
ENDS_SENTENCE_RE = re.compile(r"[.!?。！？…][\"'”’」』)）\]]*\s*$")
# Separators of menus and link lists laid out on one line.
MENU_SEP_RE = re.compile(r"\s[|│｜¦·•/»›>]\s|[|│｜︱¦•]")
FORM_RE = re.compile(r"\[[ _]*\]|\[[\w.\-]{1,20}\]|\( \)|_{4,}|\[\*\]")
# A credit in brackets is short: bounded, so a long line with many "(Photo:" stays linear.
CAPTION_RE = re.compile(
    r"^\s*(?:[▲▼△▽]|圖[／/]|图[／/]|\(?(?:Photo|Image|Picture|Photograph|Foto|Фото)(?:\s*credit)?\s*[:：])"
    r"|[（(](?:圖|图|攝影|摄影|Photo|Image)[／/:：][^）)]{0,80}[）)]\s*$",
    re.I,
)
# Lines that close an article body in news pages of the benchmark's languages.
STOP_RE = re.compile(
    r"^\s*(?:©|\(c\)\s|copyright\b|all rights reserved|related (?:stories|articles|links|news|content)\b|"
    r"share this\b|more on this stor|comments?\s*(?:\(\d+\))?\s*$|leave a (?:comment|reply)|"
    r"相關新聞|相关新闻|相關報導|相关报道|延伸閱讀|延伸阅读|版權所有|版权所有|責任編輯|责任编辑|"
    r"читайте также|комментарии|похожие новости|czytaj (?:też|także)|komentarze|σχόλια|διαβάστε επίσης)",
    re.I,
)
# Lengths are in "units": one word, or two CJK characters (a CJK sentence carries about as
# much as an English one with half as many characters: ~40 characters vs ~20 words).
CJK_PER_UNIT = 2
# A paragraph of at least this many units made of sentences is body-like (jusText uses ~70
# characters, about 12 English words, for its "short" boundary).
GOOD_UNITS = 14
# Items of a one-line CJK menu are words, rarely more than six characters (國際焦點, 北美要聞).
MENU_ITEM_CHARS = 6
# Prose has a sentence end or a comma at least every this many units; a longer run without one
# is a tag cloud, an embed URL, mojibake or a line of filler (on the benchmark's dumps, nearly
# every paragraph past this ratio is one of those).
CLAUSE_MAX_UNITS = 60
# A long paragraph that zlib shrinks more than this many times is the same few words over and
# over (prose shrinks about 3 times; the most repetitive paragraph of the benchmark's dumps, a
# run of ad slot names, about 8).
REPEAT_MIN_CHARS = 10_000
REPEAT_RATIO = 12


@dataclass(frozen=True)
class Features:
    units: float  # length in words (CJK: characters / 2)
    sentences: int  # sentence-final punctuation marks
    ends_sentence: bool  # last character closes a sentence
    commas: int  # in-sentence punctuation
    menu_seps: int  # separators of one-line menus
    # ideographic spaces (U+3000): Chinese menus set their items apart with them; a headline has
    # one at most between its two halves
    wide_gaps: int
    bullet: bool
    form: bool  # form fields and image alt-text markers of the dumper
    repeated: bool  # the same text appears elsewhere on the page
    caption: bool
    cjk: bool  # mostly CJK text
    capital_ratio: float  # share of words starting upper case (menus are Title Case)
    word_list: bool  # CJK words separated by spaces, no punctuation: a menu laid out on one line
    repetitive: bool  # long and made of the same few words over and over


def units_of(text: str) -> float:
    cjk = cjk_count(text)
    return (text_length(text) - cjk) + cjk / CJK_PER_UNIT


def _capital_ratio(text: str) -> float:
    words = [w for w in text.split() if w[:1].isalpha()]
    if not words:
        return 0.0
    return sum(1 for w in words if w[0].isupper()) / len(words)


def measure(para: Para, counts: Counter) -> Features:
    text = para.text
    cjk = cjk_count(text)
    return Features(
        units=units_of(text),
        sentences=len(SENTENCE_END_RE.findall(text)),
        ends_sentence=bool(ENDS_SENTENCE_RE.search(text)),
        commas=len(re.findall(r"[,，、;；]", text)),
        menu_seps=len(MENU_SEP_RE.findall(text)),
        wide_gaps=text.count("\u3000"),
        bullet=para.bullet,
        form=bool(FORM_RE.search(text)),
        repeated=counts[normalize_key(text)] > 1,
        caption=bool(CAPTION_RE.search(text)),
        cjk=cjk * 2 > len(text.replace(" ", "")),
        capital_ratio=_capital_ratio(text),
        word_list=_is_word_list(text),
        repetitive=_is_repetitive(text),
    )


def _is_repetitive(text: str) -> bool:
    if len(text) < REPEAT_MIN_CHARS:
        return False
    data = text.encode("utf-8")
    return len(data) > REPEAT_RATIO * len(zlib.compress(data, 1))


def _is_word_list(text: str) -> bool:
    """Four or more short CJK items separated by spaces, without sentence punctuation."""
    items = text.split()
    if len(items) < 4 or re.search(r"[，。！？、；：,.!?;:]", text):
        return False
    return all(len(it) <= MENU_ITEM_CHARS for it in items) and cjk_count(text) * 2 > len(text)


def normalize_key(text: str) -> str:
    return re.sub(r"\W+", "", text).casefold()


def count_texts(paras: list[Para]) -> Counter:
    return Counter(normalize_key(p.text) for p in paras)


def is_stop(text: str) -> bool:
    return bool(STOP_RE.search(text)) and units_of(text) <= GOOD_UNITS


def looks_like_menu(f: Features) -> bool:
    if f.form or f.word_list:
        return True
    if f.bullet:  # a list of links, unless its items are sentences
        return f.units < GOOD_UNITS or not f.ends_sentence
    if f.menu_seps >= 2 and f.sentences == 0:
        return True
    if f.wide_gaps >= 3 and f.sentences == 0:  # 新聞與活動　總統與副總統　總統府　國家與政府
        return True
    return f.menu_seps >= 3 and f.menu_seps * 8 > f.units


def is_junk(f: Features) -> bool:
    """Too long between sentence marks, or repetitive: not prose, however long."""
    return f.units > CLAUSE_MAX_UNITS * (f.sentences + f.commas + 1) or f.repetitive


def classify(f: Features) -> str:
    """'good' (body-like), 'bad' (boilerplate shape) or 'short' (undecided, judged by context)."""
    if f.caption:
        return "caption"
    if looks_like_menu(f) or is_junk(f):
        return "bad"
    if f.repeated and f.units < GOOD_UNITS * 2:
        return "bad"
    if f.units >= GOOD_UNITS and (f.sentences >= 1 or f.commas >= 2):
        return "good"
    if f.units >= GOOD_UNITS * 2:
        return "good"
    return "short"

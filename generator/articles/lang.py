"""Language and script helpers shared by every stage.

Chinese is analysed in one script: text is normalised once (NFKC, case-folded,
Traditional -> Simplified with OpenCC) and segmented with jieba-rs; what the site
shows keeps the original script.
"""

from __future__ import annotations

import functools
import operator
import re
import unicodedata

# CJK Unified Ideographs (+ Ext A, compatibility), Kana and Bopomofo: one character is one "word"
# for length, density and reading-time purposes.
CJK_RE = re.compile(r"[\u3040-\u30ff\u3100-\u312f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
WORD_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*|\d+(?:[.,]\d+)*", re.UNICODE)

# Reading speeds used for reading time: ~300 Chinese characters or ~230 English words a minute
# (commonly cited averages for adult silent reading).
CJK_CHARS_PER_MINUTE = 300
WORDS_PER_MINUTE = 230



def cjk_count(text: str) -> int:
    return CJK_RE.subn("", text)[1]  # counted, not listed: findall made a string per character


def _counts(text: str) -> tuple[int, int]:
    """(CJK characters, other words), in one pass over the CJK characters."""
    rest, cjk = CJK_RE.subn(" ", text)
    return cjk, len(WORD_RE.findall(rest))


def text_length(text: str) -> int:
    """Length in 'words': CJK characters count one each, other words one each."""
    return sum(_counts(text))


def reading_minutes(text: str) -> int:
    cjk, words = _counts(text)
    minutes = cjk / CJK_CHARS_PER_MINUTE + words / WORDS_PER_MINUTE
    return max(1, round(minutes))


@functools.lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def to_simplified(text: str) -> str:
    try:
        return _t2s().convert(text)
    except UnicodeEncodeError:
        # A lone surrogate (a YAML or JSON "\\ud800" escape) has no UTF-8 form for OpenCC.
        return _t2s().convert(_SURROGATE_RE.sub("\ufffd", text))


def normalize(text: str) -> str:
    """The one analysis form: NFKC, case-folded, Traditional converted to Simplified."""
    return to_simplified(unicodedata.normalize("NFKC", text).casefold())


def normalize_each(texts: list[str]) -> list[str]:
    """normalize() of each line-free text, in one pass: NFKC, case folding and OpenCC's phrases
    never reach across a line break, and one conversion costs far less than one per sentence."""
    if any("\n" in t for t in texts):
        return [normalize(t) for t in texts]
    parts = normalize("\n".join(texts)).split("\n") if texts else []
    return parts if len(parts) == len(texts) else [normalize(t) for t in texts]


# The runs jieba-rs segments on their own (its RE_HAN_DEFAULT): Han characters with the CJK
# extensions, ASCII letters and digits, and +#&._%-; anything else is a token by itself. Segmenting
# just the runs around a place gives the same tokens there as segmenting the whole text.
HAN_RUN_RE = re.compile(
    "[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002a6df\U0002a700-\U0002ebef"
    "\U0002f800-\U0002fa1fa-zA-Z0-9+#&._%-]+")
# jieba (Python) cuts a run of ASCII that is not a dictionary word into words, numbers and single
# symbols (b-52 -> b - 52; 3.5% stays whole); jieba-rs keeps the run. This restores jieba's cut.
_ASCII_PIECE_RE = re.compile(r"[a-zA-Z0-9]+(?:\.\d+)?%?|.", re.S)
_ASCII_SYMBOL_RE = re.compile(r"[+#&._%-]")


@functools.lru_cache(maxsize=1)
def _jieba():
    import rjieba

    return rjieba


def segment(text: str) -> list[str]:
    """jieba tokens of already-normalised (Simplified) text, whitespace dropped.

    Cut by jieba-rs (rjieba: jieba's dictionary and HMM, about 15x faster than jieba and a third of
    its memory), with jieba's own cut of ASCII runs, so tokens are jieba's."""
    jieba = _jieba()
    tokens = []
    for token in jieba.cut(text, hmm=True):
        if not token.strip():
            continue
        if len(token) > 1 and token.isascii() and _ASCII_SYMBOL_RE.search(token) and not jieba.has_word(token):
            tokens.extend(_ASCII_PIECE_RE.findall(token))
        else:
            tokens.append(token)
    return tokens


@functools.lru_cache(maxsize=1)
def _dictionary_path() -> str:
    """jieba's dictionary (word, frequency, part of speech per line), found without importing jieba."""
    import importlib.util
    import os

    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("jieba's dictionary (the jieba package) is not installed")
    return os.path.join(list(spec.submodule_search_locations)[0], "dict.txt")


@functools.lru_cache(maxsize=4)
def common_words(min_frequency: int) -> frozenset[str]:
    """The words of jieba's dictionary (one "word frequency [tag]" a line) at least this frequent,
    read once per process. One regex pass finds the lines whose frequency has enough digits, so
    only those are converted (a split per line of 349,000 took 0.3-1 s, paid by every worker)."""
    with open(_dictionary_path(), encoding="utf-8") as f:
        text = f.read()
    digits = rf"[1-9]\d{{{len(str(min_frequency)) - 1},}}" if min_frequency >= 1 else r"\d+"
    pattern = re.compile(rf"^(\S+) ({digits})(?= |$)", re.M)
    return frozenset(word for word, n in pattern.findall(text) if int(n) >= min_frequency)


def chinese_script(text: str) -> str | None:
    """'Hant' or 'Hans' from the characters OpenCC changes, or None without Han characters."""
    han = CJK_RE.findall(text)
    if not han:
        return None
    sample = "".join(han[:4000])
    changed = sum(map(operator.ne, sample, to_simplified(sample)))  # map: no Python call per character
    # Traditional text changes well above 5% of its characters under t2s (about 20-30% in news);
    # Simplified text changes almost none (a few shared variants).
    return "Hant" if changed / len(sample) > 0.05 else "Hans"


def detect_language(text: str) -> str:
    """BCP 47 tag for a body of text: zh-Hant, zh-Hans, en, ... ('und' when empty)."""
    sample = text[:5000]
    if not sample.strip():
        return "und"
    han = cjk_count(sample)
    letters = sum(map(str.isalpha, sample))
    if letters and han / letters > 0.3:
        kana = len(re.findall(r"[\u3040-\u30ff]", sample))
        if kana > han * 0.1:
            return "ja"
        return "zh-" + (chinese_script(sample) or "Hans")
    code = _cld2_language(sample)
    if code == "zh":
        return "zh-" + (chinese_script(sample) or "Hans")
    return code


# What CLD2 does not take: C0/C1 controls (but tab and newline), surrogates and noncharacters.
_CLD2_UNSAFE_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")


def _cld2_language(sample: str) -> str:
    """CLD2's language for a sample of text: an ISO 639 code, 'und' when it cannot tell."""
    import pycld2

    try:
        _, _, found = pycld2.detect(_CLD2_UNSAFE_RE.sub(" ", sample))
    except pycld2.error:
        return "und"
    code = found[0][1]
    if code in ("un", "xxx"):
        return "und"
    return "zh" if code.startswith("zh") else code.split("-")[0]

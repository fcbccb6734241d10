"""Language and script helpers shared by every stage.

Chinese is analysed in one script: text is normalised once (NFKC, case-folded,
Traditional -> Simplified with OpenCC) and segmented with jieba; what the site
shows keeps the original script.
"""

from __future__ import annotations

import functools
import logging
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


def is_cjk_char(ch: str) -> bool:
    return bool(CJK_RE.match(ch))


def cjk_count(text: str) -> int:
    return len(CJK_RE.findall(text))


def text_length(text: str) -> int:
    """Length in 'words': CJK characters count one each, other words one each."""
    cjk = cjk_count(text)
    rest = CJK_RE.sub(" ", text)
    return cjk + len(WORD_RE.findall(rest))


def reading_minutes(text: str) -> int:
    cjk = cjk_count(text)
    words = len(WORD_RE.findall(CJK_RE.sub(" ", text)))
    minutes = cjk / CJK_CHARS_PER_MINUTE + words / WORDS_PER_MINUTE
    return max(1, round(minutes))


@functools.lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _t2s().convert(text)


def normalize(text: str) -> str:
    """The one analysis form: NFKC, case-folded, Traditional converted to Simplified."""
    return to_simplified(unicodedata.normalize("NFKC", text).casefold())


@functools.lru_cache(maxsize=1)
def _jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def segment(text: str) -> list[str]:
    """jieba tokens of already-normalised (Simplified) text, whitespace dropped."""
    return [t for t in _jieba().lcut(text, HMM=True) if t.strip()]


def chinese_script(text: str) -> str | None:
    """'Hant' or 'Hans' from the characters OpenCC changes, or None without Han characters."""
    han = CJK_RE.findall(text)
    if not han:
        return None
    sample = "".join(han[:4000])
    changed = sum(1 for a, b in zip(sample, to_simplified(sample)) if a != b)
    # Traditional text changes well above 5% of its characters under t2s (about 20-30% in news);
    # Simplified text changes almost none (a few shared variants).
    return "Hant" if changed / len(sample) > 0.05 else "Hans"


def detect_language(text: str) -> str:
    """BCP 47 tag for a body of text: zh-Hant, zh-Hans, en, ... ('und' when empty)."""
    sample = text[:5000]
    if not sample.strip():
        return "und"
    han = cjk_count(sample)
    letters = sum(1 for ch in sample if ch.isalpha())
    if letters and han / letters > 0.3:
        kana = len(re.findall(r"[\u3040-\u30ff]", sample))
        if kana > han * 0.1:
            return "ja"
        return "zh-" + (chinese_script(sample) or "Hans")
    import py3langid

    code, _ = py3langid.classify(sample)
    if code == "zh":
        return "zh-" + (chinese_script(sample) or "Hans")
    return code


def html_lang(language: str) -> str:
    """The lang attribute for a BCP 47 tag (browsers and screen readers know zh-Hant / zh-Hans)."""
    return language or "und"

"""Text measures used by the scorer: CJK-aware length and whitespace collapsing."""

from __future__ import annotations

import re

from generator.articles.lang import cjk_count

_SPACES_RE = re.compile(r"\s+")
# A line break between two CJK characters is layout, not a word boundary.
_CJK_BREAK_RE = re.compile(
    r"(?<=[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef])[ \t\r]*\n\s*"
    r"(?=[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef])"
)
# Clause punctuation, Latin and CJK: readability's "commas" signal, counted in both scripts.
_COMMA_RE = re.compile(r"[,，、。；;！？]")
# Average characters per word (with its space) in Latin, Cyrillic and Greek text: non-CJK text
# length is measured in words, approximated from characters so no per-word regex is needed.
CHARS_PER_WORD = 6


def collapse(text: str) -> str:
    if "\n" in text:
        text = _CJK_BREAK_RE.sub("", text)
    return _SPACES_RE.sub(" ", text).strip()


def units(text: str) -> float:
    """Text length in words: one per CJK character, one per ~6 other characters."""
    cjk = cjk_count(text) if not text.isascii() else 0
    return cjk + (len(text) - cjk) / CHARS_PER_WORD


def commas(text: str) -> int:
    return len(_COMMA_RE.findall(text))

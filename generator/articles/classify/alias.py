"""One alias: a name or phrase as written in site.toml, normalized and compiled for matching.

Text is compared after NFKC, case folding and Traditional->Simplified conversion. Chinese aliases of
one or two characters match whole jieba tokens only; longer ones match anywhere. Latin-script
aliases match whole words; a space also matches a hyphen, a hyphen also matches an en dash, and a
plural -s/-es is found for words of three or more letters.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from generator.articles.lang import cjk_count, normalize, to_simplified

# Chinese aliases of at most this many characters match whole jieba tokens only: two characters
# are too often the tail of one word and the head of the next (美中 in 完美中, 中美 in 集中美元).
SHORT_CJK_MAX = 2
# English aliases whose last word has at least this many letters also match a plural in -s/-es
# ("critical mineral" finds "critical minerals"); two-letter ones (US) would catch other words.
PLURAL_MIN_LETTERS = 3
DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
DASH_CLASS = "\\-" + DASHES[1:]  # for use inside [...]


@dataclass(frozen=True)
class Alias:
    text: str  # as written in site.toml
    weight: float
    form: str  # normalized (NFKC, case-folded unless match_case, Simplified)
    mode: str  # "token" (short Chinese), "substring" (longer Chinese), "word" (Latin script)
    match_case: bool = False
    pattern: re.Pattern | None = field(default=None, compare=False, repr=False)
    pieces: tuple[str, ...] = field(default=(), compare=False, repr=False)  # word mode: literal parts, all in a match

    # Aliases key the dictionaries of every article's classification (~1,700 lookups an article):
    # the hash is computed once, not over the fields at each lookup. It is not pickled: a worker
    # started afresh hashes strings with another seed, and computes its own.
    def __post_init__(self) -> None:
        object.__setattr__(self, "_hash", hash((self.text, self.weight, self.form, self.mode, self.match_case)))

    def __hash__(self) -> int:
        return self._hash

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "_hash"}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self.__post_init__()


def make_alias(text: str, weight: float, match_case: bool = False) -> Alias:
    form = _normalize_alias(text, match_case)
    cjk = cjk_count(form)
    if cjk:
        mode = "token" if cjk == len(form) and cjk <= SHORT_CJK_MAX else "substring"
        return Alias(text, weight, form, mode, match_case)
    pattern = re.compile(_word_pattern(form, match_case))
    pieces = tuple(p for p in re.split(rf"[\s{DASH_CLASS}]+", form) if p)
    return Alias(text, weight, form, "word", match_case, pattern, pieces)


def _normalize_alias(text: str, match_case: bool) -> str:
    form = normalize(text) if not match_case else to_simplified(unicodedata.normalize("NFKC", text))
    return " ".join(form.split())


def _word_pattern(form: str, match_case: bool) -> str:
    letters = "0-9a-zA-Z\u00c0-\u024f" if match_case else "0-9a-z\u00df-\u024f"
    parts = []
    for ch in form:
        if ch in DASHES:
            parts.append(rf"\s?[{DASH_CLASS}]\s?")
        elif ch == " ":
            parts.append(rf"[\s{DASH_CLASS}]+")
        else:
            parts.append(re.escape(ch))
    last = re.findall(r"[^\W\d_]+$", form)
    plural = "(?:e?s)?" if last and len(last[0]) >= PLURAL_MIN_LETTERS else ""
    return rf"(?<![{letters}]){''.join(parts)}{plural}(?![{letters}])"

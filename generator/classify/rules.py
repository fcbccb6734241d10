"""The `[[topics]]` tables of site.toml -> TopicRule records, every problem named by its key."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from ..config import unknown_keys
from ..lang import cjk_count, normalize, to_simplified

# Chinese aliases of at most this many characters match whole jieba tokens only: two characters
# are too often the tail of one word and the head of the next (美中 in 完美中, 中美 in 集中美元).
SHORT_CJK_MAX = 2
# English aliases whose last word has at least this many letters also match a plural in -s/-es
# ("critical mineral" finds "critical minerals"); two-letter ones (US) would catch other words.
PLURAL_MIN_LETTERS = 3
REQUIRED_NAMES = ("zh-Hant", "en")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
DASH_CLASS = "\\-" + DASHES[1:]  # for use inside [...]
TOPIC_KEYS = ("slug", "names", "description", "threshold", "aliases", "pair", "ignore")
ALIAS_KEYS = ("text", "weight", "match_case", "both_sides")
PAIR_KEYS = ("weight", "left", "right", "others")


@dataclass(frozen=True)
class Alias:
    text: str  # as written in site.toml
    weight: float
    form: str  # normalized (NFKC, case-folded unless match_case, Simplified)
    mode: str  # "token" (short Chinese), "substring" (longer Chinese), "word" (Latin script)
    match_case: bool = False
    both_sides: bool = False  # names both sides of the topic's pair by itself (中美, US-China)
    pattern: re.Pattern | None = field(default=None, compare=False, repr=False)
    pieces: tuple[str, ...] = field(default=(), compare=False, repr=False)  # word mode: literal parts, all in a match

    # Aliases key the dictionaries of every article's classification (~1,700 lookups an article):
    # the hash is computed once, not over the fields at each lookup. It is not pickled: a worker
    # started afresh hashes strings with another seed, and computes its own.
    def __post_init__(self) -> None:
        object.__setattr__(self, "_hash", hash((self.text, self.weight, self.form, self.mode, self.match_case,
                                                self.both_sides)))

    def __hash__(self) -> int:
        return self._hash

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "_hash"}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self.__post_init__()


@dataclass(frozen=True)
class Pair:
    """A sentence naming a term of `left` and a term of `right` counts as one hit of `weight`."""

    weight: float
    left: tuple[Alias, ...]
    right: tuple[Alias, ...]
    others: tuple[Alias, ...] = ()  # third parties: a sentence naming one is not bilateral


@dataclass(frozen=True)
class TopicRule:
    slug: str
    names: dict[str, str]  # language tag -> display name: zh-Hant, zh-Hans, en
    description: str | dict[str, str]
    aliases: tuple[Alias, ...]
    threshold: float
    pair: Pair | None = None  # when set, the article must name both sides in one sentence
    # Phrases inside which no alias or pair term counts: a country named only as part of an asset's
    # name (美国国债, US Treasuries) is not that country acting.
    ignore: tuple[Alias, ...] = ()

    def name(self, language: str) -> str:
        return self.names.get(language) or self.names["en"]


def make_alias(text: str, weight: float, match_case: bool = False, both_sides: bool = False) -> Alias:
    form = _normalize_alias(text, match_case)
    cjk = cjk_count(form)
    if cjk:
        mode = "token" if cjk == len(form) and cjk <= SHORT_CJK_MAX else "substring"
        return Alias(text, weight, form, mode, match_case, both_sides)
    pattern = re.compile(_word_pattern(form, match_case))
    pieces = tuple(p for p in re.split(rf"[\s{DASH_CLASS}]+", form) if p)
    return Alias(text, weight, form, "word", match_case, both_sides, pattern, pieces)


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


def parse_topics(tables: list, where: str = "topics") -> tuple[tuple[TopicRule, ...], list[str]]:
    """TopicRules from the parsed `[[topics]]` list, and every problem found, named by key."""
    if not isinstance(tables, list):
        return (), [f"{where}: expected a list of [[topics]] tables, got {tables!r}"]
    rules, problems, slugs = [], [], set()
    for i, table in enumerate(tables):
        rule = _parse_topic(table, f"{where}[{i}]", problems)
        if rule is None:
            continue
        if rule.slug in slugs:
            problems.append(f"{where}[{i}].slug: duplicate slug {rule.slug!r}")
            continue
        slugs.add(rule.slug)
        rules.append(rule)
    return tuple(rules), problems


def _parse_topic(table: Any, where: str, problems: list[str]) -> TopicRule | None:
    if not isinstance(table, dict):
        problems.append(f"{where}: expected a table, got {table!r}")
        return None
    before = len(problems)
    problems.extend(unknown_keys(table, TOPIC_KEYS, f"{where}."))
    slug = table.get("slug")
    if not isinstance(slug, str) or not SLUG_RE.match(slug):
        problems.append(f"{where}.slug: expected a lowercase slug like 'rare-earths', got {slug!r}")
    names = _parse_names(table.get("names"), f"{where}.names", problems)
    description = _parse_description(table.get("description", ""), f"{where}.description", problems)
    threshold = table.get("threshold")
    if not _is_positive(threshold):
        problems.append(f"{where}.threshold: expected a positive number, got {threshold!r}")
    aliases = _parse_aliases(table.get("aliases"), f"{where}.aliases", problems)
    pair = _parse_pair(table["pair"], f"{where}.pair", problems) if "pair" in table else None
    ignore = _parse_terms(table["ignore"], f"{where}.ignore", problems, cased=False) if "ignore" in table else ()
    if len(problems) > before:
        return None
    return TopicRule(slug, names, description, aliases, float(threshold), pair, ignore)


def _is_positive(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0


def _parse_names(value: Any, where: str, problems: list[str]) -> dict[str, str]:
    if not isinstance(value, dict):
        problems.append(f"{where}: expected a table of language = name, got {value!r}")
        return {}
    for lang in REQUIRED_NAMES:
        if lang not in value:
            problems.append(f"{where}.{lang}: missing (names need at least {' and '.join(REQUIRED_NAMES)})")
    for lang, name in value.items():
        if not isinstance(name, str) or not name.strip():
            problems.append(f"{where}.{lang}: expected a non-empty string, got {name!r}")
    return dict(value)


def _parse_description(value: Any, where: str, problems: list[str]) -> str | dict[str, str]:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and all(isinstance(v, str) for v in value.values()):
        return dict(value)
    problems.append(f"{where}: expected a string or a table of language = text, got {value!r}")
    return ""


def _parse_aliases(value: Any, where: str, problems: list[str]) -> tuple[Alias, ...]:
    if not isinstance(value, list) or not value:
        problems.append(f"{where}: expected a non-empty list of {{ text = ..., weight = ... }}, got {value!r}")
        return ()
    aliases, forms = [], {}
    for i, entry in enumerate(value):
        alias = _parse_alias(entry, f"{where}[{i}]", problems)
        if alias is None:
            continue
        other = forms.setdefault((alias.form, alias.match_case), alias)
        if other.weight != alias.weight or other.both_sides != alias.both_sides:
            problems.append(f"{where}[{i}]: {alias.text!r} reads the same as {other.text!r} "
                            f"after normalization but has a different weight or both_sides")
        aliases.append(alias)
    return tuple(aliases)


def _parse_alias(entry: Any, where: str, problems: list[str]) -> Alias | None:
    if not isinstance(entry, dict):
        problems.append(f"{where}: expected {{ text = ..., weight = ... }}, got {entry!r}")
        return None
    before = len(problems)
    problems.extend(unknown_keys(entry, ALIAS_KEYS, f"{where}."))
    text, weight = entry.get("text"), entry.get("weight")
    if not isinstance(text, str) or not text.strip():
        problems.append(f"{where}.text: expected a non-empty string, got {text!r}")
    if not _is_positive(weight):
        problems.append(f"{where}.weight: expected a positive number, got {weight!r}")
    for flag in ("match_case", "both_sides"):
        if not isinstance(entry.get(flag, False), bool):
            problems.append(f"{where}.{flag}: expected true or false, got {entry[flag]!r}")
    if len(problems) > before:
        return None
    return make_alias(text.strip(), float(weight), entry.get("match_case", False), entry.get("both_sides", False))


def _parse_pair(value: Any, where: str, problems: list[str]) -> Pair | None:
    if not isinstance(value, dict):
        problems.append(f"{where}: expected a table with weight, left and right, got {value!r}")
        return None
    before = len(problems)
    problems.extend(unknown_keys(value, PAIR_KEYS, f"{where}."))
    weight = value.get("weight")
    if not _is_positive(weight):
        problems.append(f"{where}.weight: expected a positive number, got {weight!r}")
    sides = [_parse_terms(value.get(side), f"{where}.{side}", problems) for side in ("left", "right")]
    others = _parse_terms(value["others"], f"{where}.others", problems) if "others" in value else ()
    if len(problems) > before:
        return None
    return Pair(float(weight), *sides, others)


def _parse_terms(value: Any, where: str, problems: list[str], cased: bool = True) -> tuple[Alias, ...]:
    """Pair terms (capitals match case when `cased`) or ignored phrases, as weight-1 aliases."""
    if not isinstance(value, list) or not value:
        problems.append(f"{where}: expected a non-empty list of strings, got {value!r}")
        return ()
    terms = []
    for i, text in enumerate(value):
        if isinstance(text, str) and text.strip():
            terms.append(make_alias(text.strip(), 1.0, match_case=cased and _looks_like_acronym(text)))
        else:
            problems.append(f"{where}[{i}]: expected a non-empty string, got {text!r}")
    return tuple(terms)


def _looks_like_acronym(text: str) -> bool:
    """Pair terms written in capitals (US, PRC) match case: "us" is also a pronoun."""
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and len(letters) <= 4 and all(c.isupper() and c.isascii() for c in letters)

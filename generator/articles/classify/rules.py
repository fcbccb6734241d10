"""The `[[topics]]` tables of site.toml -> TopicRule records, every problem named by its key.

A topic says what it is about in two ways: `aliases`, the words that name it (weighted), and
`relations`, the entities (site.toml's shared `[entities]`) that must be named together in one
sentence for a passage to be about it: the US and China, the US and a Chinese firm with a measure
between them, Australia and nuclear-powered submarines.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

from generator.errors import unknown_keys
from generator.articles.classify.alias import Alias, make_alias
from generator.articles.classify.entities import Entity, parse_entities, parse_names

REQUIRED_NAMES = ("zh-Hant", "en")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TOPIC_KEYS = ("slug", "names", "description", "threshold", "aliases", "relations", "require_relation", "ignore")
ALIAS_KEYS = ("text", "weight", "match_case")
RELATION_KEYS = ("between", "weight", "crowded_by")


@dataclass(frozen=True)
class Relation:
    """A sentence naming every entity of `between` is a passage of weight `weight` about the topic;
    one that also names an entity of `crowded_by` (a third country) counts for less."""

    between: tuple[Entity, ...]
    weight: float
    crowded_by: tuple[Entity, ...] = ()

    @property
    def label(self) -> str:
        return " + ".join(e.id for e in self.between)


@dataclass(frozen=True)
class TopicRule:
    slug: str
    names: dict[str, str]  # language tag -> display name: zh-Hant, zh-Hans, en
    description: str | dict[str, str]
    aliases: tuple[Alias, ...]
    threshold: float
    relations: tuple[Relation, ...] = ()
    # An article belongs only if some sentence shows one of the relations (US-China: both sides).
    require_relation: bool = False
    # Phrases inside which no alias or entity name counts: a country named only as part of an
    # asset's name (美国国债, US Treasuries) is not that country acting.
    ignore: tuple[Alias, ...] = ()
    # A person's corrections that decide this topic (examples.attach_examples); none in site.toml.
    examples: tuple = ()

    def name(self, language: str) -> str:
        return self.names.get(language) or self.names["en"]


def parse_topics(tables: list, where: str = "topics", entities: Any = None) -> tuple[tuple[TopicRule, ...], list[str]]:
    """TopicRules from the parsed `[[topics]]` list and `[entities]` table, and every problem found."""
    known, problems = parse_entities(entities)
    if not isinstance(tables, list):
        return (), problems + [f"{where}: expected a list of [[topics]] tables, got {tables!r}"]
    rules, slugs = [], set()
    for i, table in enumerate(tables):
        rule = _parse_topic(table, f"{where}[{i}]", problems, known)
        if rule is None:
            continue
        if rule.slug in slugs:
            problems.append(f"{where}[{i}].slug: duplicate slug {rule.slug!r}")
            continue
        slugs.add(rule.slug)
        rules.append(rule)
    return tuple(rules), problems


def _parse_topic(table: Any, where: str, problems: list[str], known: dict[str, Entity]) -> TopicRule | None:
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
    relations = tuple(_parse_relations(table.get("relations", []), f"{where}.relations", problems, known))
    require = table.get("require_relation", False)
    if not isinstance(require, bool):
        problems.append(f"{where}.require_relation: expected true or false, got {require!r}")
    elif require and not relations:
        problems.append(f"{where}.require_relation: the topic has no relations to require")
    ignore = parse_names(table["ignore"], f"{where}.ignore", problems, cased=False) if "ignore" in table else ()
    if len(problems) > before:
        return None
    return TopicRule(slug, names, description, aliases, float(threshold), relations, require, ignore)


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
        if other.weight != alias.weight:
            problems.append(f"{where}[{i}]: {alias.text!r} reads the same as {other.text!r} "
                            f"after normalization but has a different weight")
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
    if not isinstance(entry.get("match_case", False), bool):
        problems.append(f"{where}.match_case: expected true or false, got {entry['match_case']!r}")
    if len(problems) > before:
        return None
    return make_alias(text.strip(), float(weight), entry.get("match_case", False))


def _parse_relations(value: Any, where: str, problems: list[str], known: dict[str, Entity]):
    if not isinstance(value, list):
        problems.append(f"{where}: expected a list of {{ between = [...], weight = ... }}, got {value!r}")
        return
    for i, entry in enumerate(value):
        at = f"{where}[{i}]"
        if not isinstance(entry, dict):
            problems.append(f"{at}: expected {{ between = [...], weight = ... }}, got {entry!r}")
            continue
        before = len(problems)
        problems.extend(unknown_keys(entry, RELATION_KEYS, f"{at}."))
        if not _is_positive(entry.get("weight")):
            problems.append(f"{at}.weight: expected a positive number, got {entry.get('weight')!r}")
        between = _entity_refs(entry.get("between"), f"{at}.between", problems, known, least=2)
        crowded = _entity_refs(entry.get("crowded_by", []), f"{at}.crowded_by", problems, known, least=0)
        if len(problems) == before:
            yield Relation(between, float(entry["weight"]), crowded)


def _entity_refs(value: Any, where: str, problems: list[str], known: dict[str, Entity], least: int):
    if not isinstance(value, list) or len(value) < least or not all(isinstance(v, str) for v in value):
        problems.append(f"{where}: expected a list of at least {least} entity ids, got {value!r}")
        return ()
    found = []
    for ref in value:
        if ref in known:
            found.append(known[ref])
            continue
        close = difflib.get_close_matches(ref, list(known), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        problems.append(f"{where}: unknown entity {ref!r}{hint}: define it under [entities.{ref}]")
    return tuple(found)

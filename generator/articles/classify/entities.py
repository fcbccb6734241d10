"""The `[entities]` tables of site.toml -> Entity records: who and what the topics talk about.

An entity is a government, a group of people, firms, a place, or a kind of thing or action (a
measure such as a tariff, a kind of submarine), with every name it goes by in the three scripts.
Topics refer to entities by id in their relations ("the US acting on a Chinese firm"), so a name
is written once for the whole site and every topic reads it alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from generator.errors import unknown_keys
from generator.articles.classify.alias import Alias, make_alias

ENTITY_KEYS = ("kind", "names", "description")
# What an entity is: shown by `digest topics --explain`, and a check against typos.
KINDS = ("government", "people", "firm", "place", "group", "thing", "measure")
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Entity:
    id: str
    kind: str
    names: tuple[Alias, ...]  # weight-1 aliases; names written in capitals (US, PRC) match case


def parse_entities(table: Any, where: str = "entities") -> tuple[dict[str, Entity], list[str]]:
    """Entities by id from the parsed `[entities]` table, and every problem found, named by key."""
    if table is None:
        return {}, []
    if not isinstance(table, dict):
        return {}, [f"{where}: expected a table of entities ([entities.ID] tables), got {table!r}"]
    found, problems = {}, []
    for key, value in table.items():
        entity = _parse_entity(key, value, f"{where}.{key}", problems)
        if entity is not None:
            found[key] = entity
    return found, problems


def _parse_entity(key: str, value: Any, where: str, problems: list[str]) -> Entity | None:
    if not ID_RE.match(key):
        problems.append(f"{where}: expected a lowercase id like 'us' or 'chinese-firms'")
        return None
    if not isinstance(value, dict):
        problems.append(f"{where}: expected a table with kind and names, got {value!r}")
        return None
    before = len(problems)
    problems.extend(unknown_keys(value, ENTITY_KEYS, f"{where}."))
    kind = value.get("kind")
    if kind not in KINDS:
        problems.append(f"{where}.kind: expected one of {', '.join(KINDS)}, got {kind!r}")
    names = parse_names(value.get("names"), f"{where}.names", problems)
    if not isinstance(value.get("description", ""), str):
        problems.append(f"{where}.description: expected a string, got {value['description']!r}")
    if len(problems) > before:
        return None
    return Entity(key, kind, names)


def parse_names(value: Any, where: str, problems: list[str], cased: bool = True) -> tuple[Alias, ...]:
    """Names (capitals match case when `cased`) or ignored phrases, as weight-1 aliases."""
    if not isinstance(value, list) or not value:
        problems.append(f"{where}: expected a non-empty list of strings, got {value!r}")
        return ()
    names = []
    for i, text in enumerate(value):
        if isinstance(text, str) and text.strip():
            names.append(make_alias(text.strip(), 1.0, match_case=cased and looks_like_acronym(text)))
        else:
            problems.append(f"{where}[{i}]: expected a non-empty string, got {text!r}")
    return tuple(names)


def looks_like_acronym(text: str) -> bool:
    """Names written in capitals (US, PRC) match case: "us" is also a pronoun."""
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and len(letters) <= 4 and all(c.isupper() and c.isascii() for c in letters)

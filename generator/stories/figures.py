"""Key figures of an article (placeholder until the figures module lands)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    text: str
    key: str
    kind: str
    sentence: str


def key_figures(article, day) -> tuple[Figure, ...]:
    return ()

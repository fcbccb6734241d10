"""Near-duplicate articles (one story saved twice) -> one Digested record with every source.

Stub: the signature and the collapse are filled in by the duplicates work (issue 4).
"""

from __future__ import annotations

from .records import Article, Digested


def body_signature(article: Article) -> tuple[int, ...]:
    """A compact signature of the body for near-duplicate detection (computed once per article,
    in the worker, and cached with it)."""
    return ()


def collapse_duplicates(items: list[Digested]) -> tuple[list[Digested], list[tuple[str, str]]]:
    """Items with duplicates merged (input order kept) and (file, message) notes of each merge."""
    return items, []

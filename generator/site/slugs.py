"""Readable, stable, collision-free slugs in every script (python-slugify, Unicode kept)."""

from __future__ import annotations

import hashlib

from slugify import slugify

# Long enough for a Chinese headline (~20-30 characters) or an English one of ~8 words;
# URLs beyond this length are truncated at a word boundary.
MAX_SLUG = 60
# Apostrophes join words ("what's" -> "whats") instead of splitting them; dashes of every kind
# become separators, so "US–China" stays "us-china", never "uschina".
_REPLACEMENTS = [["’", ""], ["'", ""], ["–", "-"], ["—", "-"], ["‐", "-"], ["－", "-"]]


def make_slug(title: str, fallback: str) -> str:
    """Slug from a title; `fallback` (a stable key, e.g. a digest) when the title has no letters."""
    slug = slugify(title, allow_unicode=True, max_length=MAX_SLUG, word_boundary=True,
                   replacements=_REPLACEMENTS)
    if not slug:
        slug = "article-" + hashlib.sha256(fallback.encode()).hexdigest()[:10]
    return slug


def unique_slug(wanted: str, taken: set[str]) -> str:
    """`wanted`, or `wanted-2`, `wanted-3`, ... whichever is free; callers go in a stable order."""
    slug, n = wanted, 2
    while slug in taken:
        slug, n = f"{wanted}-{n}", n + 1
    return slug

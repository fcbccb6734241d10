"""Saved HTML pages -> Extracted.  The work is done in the htmlx package; this is its entry."""

from __future__ import annotations

from generator.articles.extract.htmlx import extract_html

__all__ = ["extract_html"]

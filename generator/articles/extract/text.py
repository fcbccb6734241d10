"""Plain-text dumps (w3m, lynx, copy-paste): the entry the dispatcher calls.

The work is done in the `dump` package; see generator/extract/dump/__init__.py.
"""

from __future__ import annotations

from generator.articles.extract.dump import extract_dump

__all__ = ["extract_dump"]

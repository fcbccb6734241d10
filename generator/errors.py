"""The project's error types: every failure a user can act on is one of these."""

from __future__ import annotations

import difflib
from typing import Iterable


class DigestError(Exception):
    """Base class of every error the generator raises on purpose."""


class ConfigError(DigestError):
    """site.toml is unreadable or has invalid keys; `problems` lists each one."""

    def __init__(self, path: str, problems: list[str]):
        self.path = path
        self.problems = problems
        super().__init__("\n".join(f"{path}: {p}" for p in problems))


class SourceError(DigestError):
    """One input file cannot be used; the build skips it and goes on."""

    def __init__(self, path: str, reason: str):
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class OutputCollision(DigestError):
    """Two outputs want the same path."""


class OutputChanged(DigestError):
    """The output folder changed under a running build (a page kept as unchanged is gone)."""


def unknown_keys(table: dict, known: Iterable[str], where: str) -> list[str]:
    """One problem per key of `table` not in `known` ("{where}{key}: unknown key"), with a
    did-you-mean when a known key is close. Shared by site.toml's sections and [[topics]] tables."""
    known = [str(k) for k in known]
    problems = []
    for key in table:
        if key not in known:
            close = difflib.get_close_matches(str(key), known, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            problems.append(f"{where}{key}: unknown key{hint}")
    return problems

def failure_reason(exc: Exception) -> str:
    """One line for the user: our own errors say what is wrong; anything else is named."""
    if isinstance(exc, DigestError):
        return getattr(exc, "reason", None) or str(exc)
    if isinstance(exc, (ValueError, UnicodeError)):
        return str(exc) or type(exc).__name__
    return f"unexpected {type(exc).__name__}: {exc}"


def shown(name: str) -> str:
    """A file name on one line: control characters (a newline in a name) escaped."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in name)

"""The project's error types: every failure a user can act on is one of these."""

from __future__ import annotations


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

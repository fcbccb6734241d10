"""A progress bar on stderr for long builds; silent for short ones and when stderr is not a terminal."""

from __future__ import annotations

import sys
from typing import Iterable, Iterator, TypeVar

T = TypeVar("T")
# Below this many items a build takes a few seconds at most: a bar would only flicker.
MIN_ITEMS = 20


def track(iterable: Iterable[T], total: int, description: str) -> Iterator[T]:
    """Yield from `iterable`, drawing a rich progress bar on stderr when it is worth it."""
    if total < MIN_ITEMS or not sys.stderr.isatty():
        yield from iterable
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task(description, total=total)
        for item in iterable:
            yield item
            progress.advance(task)

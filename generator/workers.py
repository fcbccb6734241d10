"""Per-article work spread over the cores: Sources -> (Digested | Exception), in input order.

`digest_source` is a pure function of the Source and the topic rules, so a process pool gives the
same results as a loop. Small batches stay in this process: starting workers costs more than it
saves. A worker never raises: each item comes back as its result or its exception, so the caller
keeps skipping bad files one by one, as in a serial build.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import pickle
import threading
from concurrent.futures import ProcessPoolExecutor
from typing import Iterator

from .records import Digested, Source

log = logging.getLogger(__name__)
# A forked worker is ready in ~10 ms but each still pays jieba/opencc initialisation (~0.5-1 s)
# on first use; below this many articles the pool costs more than it saves.
MIN_PARALLEL = 8
# Items handed to a worker at once: large enough to amortise pickling, small enough to balance.
MAX_CHUNK = 16


def _digest_one(source: Source, rules: tuple) -> Digested | Exception:
    from . import pipeline  # looked up at call time, so a patched digest_source is the one used

    try:
        return pipeline.digest_source(source, rules)
    except Exception as exc:  # one bad file never stops the build
        log.debug("%s: traceback", source.rel, exc_info=True)
        return exc


def _digest_in_worker(source: Source, rules: tuple) -> Digested | Exception:
    result = _digest_one(source, rules)
    if isinstance(result, Exception):
        try:
            pickle.dumps(result)
        except Exception:  # an exception that cannot cross processes becomes its description
            return RuntimeError(f"{type(result).__name__}: {result}")
    return result


def worker_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _context():
    # fork shares the parent's imported modules (no re-import per worker); it is unsafe once the
    # process has other threads (the dev server), where forkserver starts clean instead.
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def digest_sources(sources: list[Source], rules: tuple) -> Iterator[Digested | Exception]:
    """Digest each source, yielding results in input order (a result or the exception raised)."""
    jobs = min(worker_count(), len(sources))
    if len(sources) < MIN_PARALLEL or jobs < 2:
        yield from (_digest_one(s, rules) for s in sources)
        return
    chunk = max(1, min(MAX_CHUNK, len(sources) // (jobs * 4)))
    with ProcessPoolExecutor(max_workers=jobs, mp_context=_context()) as pool:
        yield from pool.map(_digest_in_worker, sources, [rules] * len(sources), chunksize=chunk)

"""Per-article work spread over the cores: Sources -> (Processed | Exception), in input order.

`process_source` is a pure function of the Source and the topic rules, so a process pool gives the
same results as a loop. Small batches stay in this process: starting workers costs more than it
saves. A worker never raises: each item comes back as its result or its exception, so the caller
keeps skipping bad files one by one, as in a serial build.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import logging
import multiprocessing
import os
import pickle
import signal
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Callable, Iterator

from generator.errors import DigestError, failure_reason
from generator.records import Processed, Source

log = logging.getLogger(__name__)
# Measured: a process pays ~1 s of one-off initialisation on its first articles (imports, the
# segmenter's dictionary, OpenCC), then ~23 ms per article. A forked worker starts in ~10 ms but pays
# that initialisation again, in parallel with the others; below this many articles the pool costs
# more than it saves.
MIN_PARALLEL = 8
# Items handed to a worker at once: large enough to amortise pickling, small enough to balance.
MAX_CHUNK = 16
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


# The per-item function a pool's workers run (run_each's `work`), set in each worker by the
# pool's initializer: with fork it is the parent's object as it is (a test's counting wrapper too),
# with forkserver it is pickled by name. It lives only in the workers, which end with their pool.
_WORK: Callable | None = None


def _start(parent: int | None, work: Callable) -> None:
    global _WORK
    _WORK = work
    _die_with_parent(parent)


def _digest_one(item, arg, work: Callable | None = None):
    try:
        return (work or _WORK)(item, arg)
    except Exception as exc:  # one bad file never stops the build
        log.debug("%s: traceback", getattr(item, "rel", item), exc_info=True)
        return exc


class WorkerFailure(DigestError):
    """An exception that cannot cross back from a worker (SourceError's two-argument constructor
    does not unpickle), carried as the one line the user would have read."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


def _portable(exc: Exception) -> Exception:
    try:
        if type(pickle.loads(pickle.dumps(exc))) is type(exc):
            return exc
    except Exception:
        pass
    return WorkerFailure(failure_reason(exc))


def _digest_in_worker(item, arg):
    result = _digest_one(item, arg)
    return _portable(result) if isinstance(result, Exception) else result


def _die_with_parent(parent: int | None) -> None:
    """Pool initializer: a killed build must not leave workers behind, blocked forever on the
    task queue (Linux: the kernel sends SIGKILL when the parent dies)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError, TypeError):  # not Linux: nothing to do
        return
    if parent is not None and os.getppid() != parent:  # the build died before prctl took effect
        os._exit(1)


def worker_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _context():
    # fork shares the parent's imported modules (no re-import per worker); it is unsafe once the
    # process has other threads (the dev server), where forkserver starts clean instead.
    methods = multiprocessing.get_all_start_methods()
    return fork_context() or multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def fork_context():
    """The fork start method when it is safe (no other threads), else None: callers that rely on
    children inheriting their state then work serially."""
    if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return None


def map_in_forks(func, items: list, min_items: int, *args) -> tuple[list, int]:
    """`func(chunk, *args)` -> list over all items, flattened in input order, and the number of
    processes used: forked workers (which inherit this process's state) for batches of at least
    `min_items` when forking is safe, else one call here."""
    jobs = min(worker_count(), len(items))
    context = fork_context()
    if len(items) < min_items or jobs < 2 or context is None:
        return func(items, *args), 1
    step = max(1, len(items) // (jobs * 4))
    chunks = [items[i:i + step] for i in range(0, len(items), step)]
    gc.freeze()  # the children would otherwise copy every page the collector touches (copy-on-write)
    try:
        with context.Pool(jobs) as pool:
            return [r for part in pool.starmap(func, [(c, *args) for c in chunks]) for r in part], jobs
    finally:
        gc.unfreeze()


def clean_context(preload: list[str]):
    """Workers started from a small, clean process (multiprocessing's forkserver with `preload`
    imported), never forked from the build: a forked worker starts as large as the build, and
    its page faults copy what it touches. The forkserver is one per process and lives as long as
    it (a later pool reuses it, with what the first one preloaded); it is never stopped here, as
    multiprocessing offers no public way to (bench/build.py stops it to count its workers' time)."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(preload)
    return context


def run_sources(sources: list[Source], rules: tuple, work: Callable, clean: bool = False
                ) -> Iterator[Processed | Exception]:
    """`work(source, rules)` for each source (the per-article work, articles.process.process_source),
    as run_each runs it."""
    return run_each(sources, rules, work, clean, ("generator.articles.process",))


def run_each(items: list, arg, work: Callable, clean: bool = False, preload: tuple[str, ...] = ()) -> Iterator:
    """`work(item, arg)` for each item, yielding results in input order as they come (a result, or
    the exception it raised: one bad item never stops the build); over worker processes for large
    batches, which die with this process, and here if one of them dies.

    `clean`: even one item goes to a worker started from a clean process (clean_context, with
    `preload` imported), so this process, which holds a large site's records, never also loads the
    language models and dictionaries (their memory would add to the records'); the dev server,
    which keeps them warm for the next save, does not ask for it."""
    jobs = min(worker_count(), len(items))
    if not items or (not clean and (len(items) < MIN_PARALLEL or jobs < 2)):
        yield from (_digest_one(item, arg, work) for item in items)
        return
    chunk = max(1, min(MAX_CHUNK, len(items) // (jobs * 4)))
    done = 0
    context = clean_context(list(preload)) if clean else _context()
    try:
        parent = os.getpid() if context.get_start_method() == "fork" else None  # forkserver's are the server's
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_start,
                                 initargs=(parent, work)) as pool:
            for result in pool.map(_digest_in_worker, items, [arg] * len(items), chunksize=chunk):
                yield result
                done += 1
    except BrokenProcessPool:  # a worker died (killed, out of memory): finish as a serial build would
        log.warning("a worker process died; the remaining %d are done here", len(items) - done)
        yield from (_digest_one(item, arg, work) for item in items[done:])


def _classify_chunk(items: list[Processed], rules: tuple, work: Callable) -> list[Processed]:
    return [work(item, rules) for item in items]


def classify_items(items: list[Processed], rules: tuple, work: Callable) -> list[Processed]:
    """`work(item, rules)` (articles.process.reclassify: topics assigned again under changed rules)
    for each item, in input order; a fork pool for large batches."""
    return map_in_forks(_classify_chunk, items, MIN_PARALLEL * 4, rules, work)[0]


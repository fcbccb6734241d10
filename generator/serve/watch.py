"""Watch the site's inputs with watchdog and call back once a burst of saves has settled.

The build writes content/summaries/ itself; those writes must not trigger another build. After
each build the watcher records the size and mtime of every summary file; an event on a summary
counts only when the file differs from that record (a hand edit, a new or a deleted file).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path
from typing import Callable

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

log = logging.getLogger(__name__)
# Editors save in bursts (temporary file, rename, chmod; "save all"): wait this long without any
# event before building, like MkDocs's livereload.
QUIET_SECONDS = 0.1
# ...but when the last event finished a file (closed after writing, renamed into place, deleted),
# a save is complete: a shorter wait still joins the files of a "save all", which come back to back.
SETTLED_SECONDS = 0.03
_FINISHING_EVENTS = ("closed", "moved", "deleted")
# Names editors and our own atomic writes use for temporary files.
_TEMP_SUFFIXES = (".tmp", ".swp", ".swx", "~", ".part", ".crdownload")


def _is_temporary(path: str) -> bool:
    name = os.path.basename(path)
    return name.startswith((".", "#")) or name.endswith(_TEMP_SUFFIXES)


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


class _Handler(FileSystemEventHandler):
    def __init__(self, watcher: "Watcher"):
        self.watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        if event.is_directory and event.event_type == "modified":
            return  # the files inside report their own events
        finished = event.event_type in _FINISHING_EVENTS
        for path in (event.src_path, getattr(event, "dest_path", "") or ""):
            if path:
                self.watcher.note(os.fsdecode(path), finished=finished)


class Watcher:
    """Calls `on_change(paths)` on its own thread once no relevant event came for `quiet_seconds()`, with
    the paths the events named (summary files only when they differ from the build's own writes)."""

    def __init__(self, folders: list[Path], files: list[Path], summaries: Path,
                 on_change: Callable[[frozenset[Path]], None]):
        self.folders = [f.resolve() for f in folders]
        self.files = {f.resolve() for f in files}
        self.summaries = summaries.resolve()
        self.on_change = on_change
        self.folders_of_files = {f.parent for f in self.files}
        self._stamps: dict[Path, tuple[int, int] | None] = {}
        self._lock = threading.Lock()
        self._pending: set[Path] = set()  # summary files
        self._changed: set[Path] = set()  # everything else
        self._finished = False  # the last relevant event completed a save
        self._last = 0.0  # time.monotonic() of the last relevant event
        self._first = 0.0  # of the first event of the burst being settled (for the debug log)
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._observer = Observer()
        self._thread = threading.Thread(target=self._loop, name="digest-rebuild", daemon=True)

    def record_summaries(self) -> None:
        """Remember the summary files as the build left them (call after each build)."""
        found = self.summaries.glob("*.md") if self.summaries.is_dir() else []
        self._stamps = {p: _stamp(p) for p in found}

    def note(self, path: str, finished: bool = False) -> None:
        """Take one event's path; summaries are checked later, once the build is over. `finished`:
        the event completed a save (see SETTLED_SECONDS)."""
        p = Path(path)
        if _is_temporary(path):
            return
        if p.parent == self.summaries:
            if p.suffix != ".md":
                return
            with self._lock:
                self._pending.add(p)
        elif p.parent in self.folders_of_files and p not in self.files and not self._inside_folders(p):
            return  # another file next to site.toml (the output folder, the cache)
        else:
            with self._lock:
                self._changed.add(p)
        self._finished = finished
        self._last = time.monotonic()
        if not self._first:
            self._first = self._last
        self._wake.set()

    def quiet_seconds(self) -> float:
        """How long to wait for the next event of a burst, after the last one noted."""
        return SETTLED_SECONDS if self._finished else QUIET_SECONDS

    def _inside_folders(self, p: Path) -> bool:
        return any(p == f or f in p.parents for f in self.folders)

    def _take_changes(self) -> frozenset[Path]:
        with self._lock:
            pending, changed = self._pending, self._changed
            self._pending, self._changed = set(), set()
        return frozenset(changed | {p for p in pending if _stamp(p) != self._stamps.get(p)})

    def start(self) -> None:
        handler = _Handler(self)
        for folder in {*self.folders, self.summaries}:
            folder.mkdir(parents=True, exist_ok=True)
            self._observer.schedule(handler, str(folder), recursive=folder != self.summaries)
        for parent in {f.parent for f in self.files} - set(self.folders):
            self._observer.schedule(handler, str(parent), recursive=False)
        self._observer.start()
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._wake.wait()
            self._settle()
            if self._stop.is_set():
                return
            changed = self._take_changes()
            first, self._first = self._first, 0.0
            if not changed:
                continue  # only the build's own summary writes
            log.debug("watch: %d changed, settled %.3f s after the first event", len(changed), time.monotonic() - first)
            try:
                self.on_change(changed)
            except Exception:  # the callback reports its own errors; never stop watching
                log.exception("rebuild failed")

    def _settle(self) -> None:
        """Wait until quiet_seconds() have passed since the last event; each new event starts the
        wait again with its own length (a save that completes mid-wait ends it sooner)."""
        while not self._stop.is_set():
            self._wake.clear()
            left = self._last + self.quiet_seconds() - time.monotonic()
            if left <= 0:
                return
            self._wake.wait(left)

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        self._observer.stop()
        self._observer.join(timeout=5)
        self._thread.join(timeout=30)

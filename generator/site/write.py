"""OutputFile records -> the output folder, replaced as a whole so a failed build changes nothing.

The new site is staged in a sibling folder that starts as hard links to the current site, so files
whose bytes did not change keep their inode and mtime; then the two folders are swapped in one
step (renameat2 RENAME_EXCHANGE on Linux, two renames elsewhere) and the old one is removed
(by a build, beside its last steps: Removals).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import os
import shutil
import stat
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from generator.errors import OutputChanged, OutputCollision
from generator.incremental.files import write_bytes_atomic
from generator.records import OutputFile

# render(sink) -> {path: changed}: writes files through sink(path, bytes) -> changed (see write_site)
Render = Callable[[Callable[[str, bytes], bool], Path], dict[str, bool]]  # (sink, folder it writes in)
_RENAME_EXCHANGE = 2  # from <linux/fs.h>
_AT_FDCWD = -100


@dataclass(frozen=True)
class WriteReport:
    written: int
    unchanged: int
    removed: int
    changed: tuple[str, ...] | None = None  # paths written or removed (None: the folder was swapped whole)





def _exchange(a: Path, b: Path) -> bool:
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    fn = getattr(libc, "renameat2", None)
    if fn is None:
        return False
    rc = fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return rc == 0


def _remove_now(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


def swap_in(fresh: Path, target: Path, old: Path, remove: Callable[[Path], None] = _remove_now) -> None:
    """Put the folder `fresh` where `target` is: one exchange where the system allows it, else two
    renames through `old`. The previous content is then removed, by `remove(folder)`."""
    if target.is_dir() and _exchange(fresh, target):
        remove(fresh)
        return
    if target.exists():
        os.rename(target, old)
    os.rename(fresh, target)
    remove(old)


class Removals:
    """`remove` for swap_in that does not wait: each folder is removed by `rm -rf` in a process of
    its own, beside the rest of the build, which calls wait() before it ends (removing the previous
    site of 11,000 pages took 0.7-1.5 s, a tenth of a one-article edit at 10,000 articles). A
    killed build leaves the folder to recover_output; without `rm`, it is removed at once."""

    def __init__(self) -> None:
        self._running: list[subprocess.Popen] = []

    def __call__(self, folder: Path) -> None:
        rm = shutil.which("rm")
        try:
            if rm is not None:
                self._running.append(subprocess.Popen([rm, "-rf", "--", os.fspath(folder)], stdin=subprocess.DEVNULL,
                                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
                return
        except OSError:
            pass
        _remove_now(folder)

    def wait(self) -> None:
        for proc in self._running:
            proc.wait()
        self._running = []


def _check_kept(target: Path, f: OutputFile) -> None:
    """A file left out as unchanged must still be there to keep."""
    if not target.is_file():
        raise OutputChanged(f"{f.path}: left out as unchanged, but missing from the output folder")


def _stage(out: Path) -> tuple[Path, set[str]]:
    """A new folder beside `out` holding what `out` holds (hard links), and those files' paths."""
    stage = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.build-"))
    return stage, _link_tree(out, stage) if out.is_dir() else set()


def _link_tree(src: Path, dst: Path) -> set[str]:
    """Fill the empty folder `dst` with hard links to every file under `src` (symlinks copied as
    symlinks): one mkdir a folder, one link a file, file types from the directory entries. No
    folder times and modes are copied: shutil.copytree's copystat and per-entry stat calls were
    half of staging a site of 11,000 pages. Returns the paths of the files and symlinks made
    (POSIX, relative to `dst`), so nothing walks the tree again."""
    linked: set[str] = set()
    stack = [(os.fspath(src), os.fspath(dst), "")]
    while stack:
        source, target, prefix = stack.pop()
        with os.scandir(source) as entries:
            for entry in entries:
                into = os.path.join(target, entry.name)
                if entry.is_symlink():
                    os.symlink(os.readlink(entry.path), into)
                    linked.add(prefix + entry.name)
                elif entry.is_dir(follow_symlinks=False):
                    os.mkdir(into)
                    stack.append((entry.path, into, prefix + entry.name + "/"))
                else:
                    os.link(entry.path, into)
                    linked.add(prefix + entry.name)
    return linked


def _remove_empty_folders(root: Path) -> None:
    for folder, dirs, names in os.walk(root, topdown=False):
        if folder != str(root) and not names and not os.listdir(folder):
            os.rmdir(folder)


def _put(stage: Path, path: str, data: bytes) -> bool:
    """One file into the staged site; False when the (hard-linked) file there already holds it.
    Plain os calls, one lstat: this runs once per page (pathlib's checks were a third of it)."""
    target = os.path.join(stage, path)
    try:
        st = os.lstat(target)
    except FileNotFoundError:
        st = None
    if st is not None:
        if stat.S_ISREG(st.st_mode) and st.st_size == len(data):
            with open(target, "rb") as fh:
                if fh.read() == data:
                    return False
        os.unlink(target)  # break the hard link: never write through to the live site
    try:
        fh = open(target, "xb")
    except FileNotFoundError:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        fh = open(target, "xb")
    with fh:
        fh.write(data)
    return True


def _place(f: OutputFile, root: Path, rendered: dict[str, bool], put: Callable[[Path, str, bytes], bool]) -> bool:
    """Whether `f` changed under `root`: as its render reported, kept from the last build (data
    None: the file must still be there), or written now through `put`."""
    if f.path in rendered:
        return rendered[f.path]
    if f.data is None:
        _check_kept(root / f.path, f)
        return False
    return put(root, f.path, f.data)


def _fill(stage: Path, files: list[OutputFile], keep: str | None, rendered: dict[str, bool],
          present: set[str]) -> WriteReport:
    """Make the stage hold exactly `files` (and what is under `keep`). `rendered`: files already
    put there by the caller ({path: changed}), listed in `files` with data None. `present`: what
    the stage held before (the only files there that `files` may not list)."""
    wanted = {f.path for f in files}
    removed = 0
    for rel in sorted(present - wanted):
        if keep and rel.startswith(keep):
            continue
        (stage / rel).unlink()
        removed += 1
    written = unchanged = 0
    for f in files:
        changed = _place(f, stage, rendered, _put)
        written += changed
        unchanged += not changed
    if removed:
        _remove_empty_folders(stage)
    return WriteReport(written, unchanged, removed)


def check_collisions(files: list[OutputFile]) -> None:
    seen: set[str] = set()
    for f in files:
        key = f.path.casefold()  # case-insensitive file systems (macOS, Windows) would collide too
        if key in seen:
            raise OutputCollision(f"two outputs want the same path: {f.path}")
        seen.add(key)


def write_site(files: list[OutputFile], out: Path, finalize: Callable[[Path], None] | None = None,
               finalize_dir: str | None = None, render: Render | None = None,
               remove: Callable[[Path], None] = _remove_now) -> WriteReport:
    """Replace `out` with exactly `files`, atomically. `render(sink)`, when given, writes the files
    listed with data None that it makes straight into the staged site through `sink(path, bytes)`
    (so no page is held in memory) and returns {path: changed}. `finalize(stage)` may then add files
    of its own under `finalize_dir/` (e.g. a search index); they are left to it, not counted here.
    The previous site is removed by `remove(folder)` (at once, or a Removals)."""
    check_collisions(files)
    out.parent.mkdir(parents=True, exist_ok=True)
    recover_output(out)
    stage, present = _stage(out)
    try:
        rendered = render(functools.partial(_put, stage), stage) if render is not None else {}
        report = _fill(stage, files, finalize_dir if finalize else None, rendered, present)
        if finalize is not None:
            finalize(stage)
        stage.chmod(0o755)
        swap_in(stage, out, stage.with_name(stage.name + "-old"), remove)  # recover_output knows "-old"
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    return report


def recover_output(out: Path) -> None:
    """After a build killed between two renames: put the previous site back, drop stale stages."""
    olds = sorted(out.parent.glob(f".{out.name}.build-*-old"))
    if not out.exists() and olds:
        os.rename(olds[-1], out)
        olds = olds[:-1]
    for leftover in [*olds, *out.parent.glob(f".{out.name}.build-*")]:
        if leftover.exists() and leftover != out:
            shutil.rmtree(leftover, ignore_errors=True)


def _put_atomic(out: Path, path: str, data: bytes) -> bool:
    return write_bytes_atomic(out / path, data)


def update_in_place(files: list[OutputFile], out: Path, previous: list[str], keep: str | None = None,
                    render: Render | None = None) -> WriteReport:
    """The dev server's write: only changed files, each replaced atomically, in the live folder, and
    the files of the last build (`previous`) that are no longer wanted removed. Pages being served
    are never half-written, but the folder changes file by file (`digest build` swaps it whole).
    `render` as for write_site."""
    check_collisions(files)
    rendered = render(functools.partial(_put_atomic, out), out) if render is not None else {}
    wanted = {f.path for f in files}
    changed: list[str] = []
    unchanged = 0
    for f in files:
        if _place(f, out, rendered, _put_atomic):
            changed.append(f.path)
        else:
            unchanged += 1
    written = len(changed)
    for rel in sorted(set(previous) - wanted):
        if keep and rel.startswith(keep):
            continue
        try:
            (out / rel).unlink()
            changed.append(rel)
        except FileNotFoundError:
            pass
    return WriteReport(written, unchanged, len(changed) - written, tuple(changed))

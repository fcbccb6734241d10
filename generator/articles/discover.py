"""content/articles/ -> Source records, sorted by path. Files that cannot be used are reported."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from generator.records import Source
from generator.incremental.state import file_version

KINDS = {
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".mhtml": "mhtml",
    ".mht": "mhtml",
    ".txt": "text",
    ".md": "markdown",
    ".markdown": "markdown",
}
# Saved pages carry their images inlined (SingleFile, MHTML): a photo-heavy article runs past
# 50 MB, and the HTML extractor cuts the base64 out before parsing (measured: a 51 MiB SingleFile
# page with ten inlined photos extracts in 1.6 s, 0.3 GB peak memory). Twice that is allowed.
_MIB = 1024 * 1024
MAX_PAGE_BYTES = 100 * _MIB
# Text and markdown carry no images: 8 MiB is hundreds of articles' worth, not one article, and
# the text-dump extractor runs at about 1 MiB/s (measured on a 3.9 MiB dump), so a cap keeps one
# stray file from stalling the build.
MAX_TEXT_BYTES = 8 * _MIB
MAX_BYTES = {"html": MAX_PAGE_BYTES, "mhtml": MAX_PAGE_BYTES, "text": MAX_TEXT_BYTES, "markdown": MAX_TEXT_BYTES}


def _is_inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
        return True
    except (ValueError, OSError):
        return False


# Files beside the articles that are about them, not articles (a folder's README, the SOURCES.md
# that records where each article came from and its licence, a LICENSE): never read as articles.
NOT_ARTICLES = frozenset({"readme", "sources", "license", "licence", "copying", "notice", "authors"})


def is_article_file(name: str) -> bool:
    """Not hidden, and not a folder's own notes (README.md, SOURCES.md, LICENSE, …)."""
    return not name.startswith(".") and name.split(".", 1)[0].casefold() not in NOT_ARTICLES


def _walk(root: Path) -> list[tuple[str, Path]]:
    """(path relative to root, path) of every article file (is_article_file), sorted as paths sort:
    by component (strings for the sort key: comparing Path objects was most of a walk of 10,000)."""
    found: list[tuple[list[str], str, Path]] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        folder = os.path.relpath(dirpath, root)
        prefix = "" if folder == "." else folder.replace(os.sep, "/") + "/"
        for f in filenames:
            if is_article_file(f):
                rel = prefix + f
                found.append((rel.split("/"), rel, Path(dirpath, f)))
    found.sort(key=lambda row: row[0])
    return [(rel, path) for _, rel, path in found]


def read_source(path: Path, root: Path, known: list | None = None, rel: str | None = None) -> Source | str:
    """One file -> Source, or the reason it is skipped. `known` = [size, mtime_ns, inode, digest]
    from the last build: when the stat still matches, the digest is reused and the file not read.
    `rel`: the path relative to root, when the caller has it."""
    kind = KINDS.get(path.suffix.lower())
    if kind is None:
        return f"unknown kind of file ({path.suffix or 'no extension'}): expected one of " + ", ".join(sorted(KINDS))
    try:
        st = os.lstat(path)  # one system call for a regular file: its stat is the file's
    except OSError as exc:
        return f"cannot read: {exc.strerror or exc}"
    if stat.S_ISLNK(st.st_mode) and not _is_inside(path, root):
        return "symbolic link to a file outside the articles folder: not followed"
    rel = rel if rel is not None else path.relative_to(root).as_posix()
    try:
        if stat.S_ISLNK(st.st_mode):
            st = os.stat(path)
        size = st.st_size
        if not stat.S_ISREG(st.st_mode):  # a FIFO or device would block or never end
            return "not a regular file"
        limit = MAX_BYTES[kind]
        if size > limit:
            return f"too large ({size // _MIB} MiB; the limit for {kind} files is {limit // _MIB} MiB)"
        # Measured at 10,000 articles (files in the OS page cache): the stat keys save 0.7 s of a build after an
        # article is saved again (17.9 s with them, 18.6 s without; bench/mechanisms.py).
        if known is not None and known[:3] == file_version(st) and size > 0:
            return Source(path=path, rel=rel, kind=kind, sha256=known[3], data=None, mtime_ns=st.st_mtime_ns,
                          stat=tuple(file_version(st)))
        sha256, blank = _hash(path)
    except OSError as exc:
        return f"cannot read: {exc.strerror or exc}"
    if blank:
        return "empty file"
    # The bytes are not kept: a cold build of thousands of pages would hold them all at once. The
    # worker that extracts the file reads it again (Source.read checks the sha256).
    return Source(path=path, rel=rel, kind=kind, sha256=sha256, data=None,
                  mtime_ns=st.st_mtime_ns, stat=tuple(file_version(st)))


def _hash(path: Path) -> tuple[str, bool]:
    """(sha256 hex, whether the file holds only white space), reading it in blocks."""
    h = hashlib.sha256()
    blank = True
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            h.update(block)
            if blank and block.strip():
                blank = False
    return h.hexdigest(), blank


def stat_key(source: Source) -> list:
    """What the build state remembers of a source: [size, mtime_ns, inode, digest]."""
    return [*source.stat, source.sha256]


def discover_sources(root: Path, known: dict | None = None) -> tuple[list[Source], list[tuple[str, str]]]:
    """All usable sources under root (sorted by relative path) and (file, reason) for the rest.
    `known`: rel -> stat_key() of the last build, to skip re-reading unchanged files."""
    sources: list[Source] = []
    skipped: list[tuple[str, str]] = []
    if not root.is_dir():
        return sources, [(str(root), "articles folder does not exist")]
    known = known or {}
    for rel, path in _walk(root):
        result = read_source(path, root, known.get(rel), rel)
        if isinstance(result, Source):
            sources.append(result)
        else:
            skipped.append((rel, result))
    return sources, skipped

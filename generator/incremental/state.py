"""What the last build saw, so the next one does only the work that changed.

Three things are kept in `<cache>/state.json`:
- a stat signature of every input (articles, summaries, templates, the generator's own code, the
  configuration, the output folder's identity). When it is unchanged the build returns at once, as
  make and git's index do; the report lines of that build are repeated, so `--strict` stays honest.
  (The signature and those lines are also written to the small `last-build.json`, which is all a
  no-op build reads.)
  A file whose mtime falls within the file system's timestamp tick of the moment it was seen could
  still change unseen ("racy git"): then no signature is recorded and the next build checks content.
- the digest of each article file by its stat, so unchanged files are not read and hashed again;
- a key per output page (a hash of everything the page is made from), so pages whose key is unchanged
  and whose file is still in the output are not rendered again.
Nothing here is needed for a correct build: a missing, old or corrupt state means a full build.
Only standard-library modules are imported, so a no-op build starts nothing heavy.
"""

from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import dataclass, field
from hashlib import sha256
from pathlib import Path
from generator.incremental.files import write_bytes_atomic

log = logging.getLogger(__name__)

STATE_VERSION = 1
STATE_FILE = "state.json"
LAST_BUILD_FILE = "last-build.json"  # the no-op check's part of the state (see save_state)
# Coarse file timestamps advance in ticks (a jiffy: 4 ms at HZ=250); a file stamped this close to
# the moment its stat was taken may have changed again within the same tick.
RACY_NS = 50_000_000
PACKAGE = Path(__file__).resolve().parent.parent  # the generator package


@dataclass
class BuildState:
    signature: str = ""  # input signature of the last complete build ("" = check everything)
    articles: int = 0
    skipped: list = field(default_factory=list)  # [file, reason] of that build
    warnings: list = field(default_factory=list)  # [file, message]
    sources: dict = field(default_factory=dict)  # rel -> [size, mtime_ns, ino, digest]
    summaries: dict = field(default_factory=dict)  # file name -> [size, mtime_ns, ino, meta, body, edited]
    pages: dict = field(default_factory=dict)  # output path -> render key
    outputs: list = field(default_factory=list)  # every output file but the search index
    search: dict = field(default_factory=dict)  # search index shard folder -> key of its pages


def _tree(h, root: Path, newest: list[int]) -> None:
    """Feed (relative path, size, mtime, inode) of every file under root into h, in sorted order."""
    stack = [(root, "")]
    while stack:
        folder, prefix = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            h.update(f"{prefix}!{type(exc).__name__}\n".encode())
            continue
        subdirs = []
        for e in entries:
            name = f"{prefix}{e.name}"
            try:
                if e.is_dir(follow_symlinks=False):
                    if not e.name.startswith(".") and e.name != "__pycache__":
                        subdirs.append((Path(e.path), name + "/"))
                    continue
                st = e.stat()  # follows symlinks: a changed target changes the signature
            except OSError:
                h.update(f"{name}!\n".encode("utf-8", "surrogateescape"))
                continue
            newest[0] = max(newest[0], st.st_mtime_ns)
            h.update(f"{name}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ino}\n".encode("utf-8", "surrogateescape"))
        stack.extend(reversed(subdirs))


INPUTS = ("config", "code", "templates", "articles")  # read by a build, never written by it
PARTS = INPUTS + ("summaries", "output")  # the build writes these


def signatures(config, parts: tuple[str, ...] = PARTS) -> tuple[dict[str, str], int]:
    """A hash per part of the stat of every input file, and the newest mtime seen."""
    sigs: dict[str, str] = {}
    newest = [0]
    for part in parts:
        h = sha256(f"{part} v{STATE_VERSION}\n".encode())
        if part == "config":  # what the configuration is made from (config.load_config)
            h.update((config.source or repr(config)).encode("utf-8", "surrogateescape"))
        elif part == "code":
            _tree(h, PACKAGE, newest)
        elif part == "output":
            try:
                st = os.stat(config.output_dir)
                h.update(f"{st.st_ino}\0{st.st_dev}".encode())
            except OSError:
                h.update(b"missing")
        else:
            root = {"templates": config.templates_dir, "articles": config.articles_dir,
                    "summaries": config.summaries_dir}[part]
            _tree(h, Path(root), newest)
        sigs[part] = h.hexdigest()
    return sigs, newest[0]


def combine(sigs: dict[str, str]) -> str:
    return sha256("".join(f"{p}={sigs[p]}\n" for p in PARTS).encode()).hexdigest()


def final_signature(config, before: dict[str, str], summaries: str) -> str:
    """The signature to record at the end of a build: "" when an input changed while it ran (its
    inputs before it started, the summaries once it had synced them) or a file is too new to trust."""
    for attempt in (1, 2):
        sigs, newest = signatures(config)
        changed = any(sigs[p] != before[p] for p in INPUTS) or sigs["summaries"] != summaries
        if changed:
            return ""
        if newest < time.time_ns() - RACY_NS:
            return combine(sigs)
        if attempt == 1:
            time.sleep(RACY_NS / 1e9)  # let the tick pass: a later write then gets a later mtime
    return ""


def state_path(config) -> Path:
    return Path(config.cache_dir) / STATE_FILE


def file_version(st: os.stat_result) -> list[int]:
    """What identifies a file's version without reading it: [size, mtime_ns, inode] (a list, as it
    comes back from the JSON state)."""
    return [st.st_size, st.st_mtime_ns, st.st_ino]


def _file_stat(path: Path) -> list[int]:
    return file_version(path.stat())


def load_state(config, held: tuple[list[int], BuildState] | None = None) -> BuildState:
    """The last build's state. `held`: (the state file's version as save_state returned it, the
    state saved): that state, when the file is still that version (the dev server keeps it, so a
    rebuild after a save does not parse the file it wrote itself: megabytes at 10,000 articles)."""
    path = state_path(config)
    if held is not None:
        try:
            if _file_stat(path) == held[0]:
                return held[1]
        except OSError:
            pass
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.pop("version", None) != STATE_VERSION:
            return BuildState()
        return BuildState(**data)
    except FileNotFoundError:
        return BuildState()
    except (OSError, ValueError, TypeError) as exc:
        log.warning("%s: unreadable build state, doing a full build (%s)", path, exc)
        return BuildState()


def _last_build_path(config) -> Path:
    return Path(config.cache_dir) / LAST_BUILD_FILE


def save_state(config, state: BuildState, pause=None) -> list[int] | None:
    """Write the state, then the small file the no-op check reads (its signature and report lines),
    removed first so that it never vouches for an older state. Returns the state file's version
    (file_version; for load_state's `held`), None when it could not be written."""
    path = state_path(config)
    last = _last_build_path(config)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        last.unlink(missing_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        # vars(), not asdict(): the fields are plain JSON data already, and asdict's deep copy of
        # every summary's front matter was most of the time of saving (0.7 s at 2,000 articles).
        with open(tmp, "w", encoding="utf-8") as fh:
            _write_sorted_json(fh, {"version": STATE_VERSION, **vars(state)}, pause)
        os.replace(tmp, path)
        version = _file_stat(path)
        if state.signature:
            write_bytes_atomic(last, json.dumps({"version": STATE_VERSION, "signature": state.signature,
                                                 "articles": state.articles, "skipped": state.skipped,
                                                 "warnings": state.warnings, "pages": len(state.pages)},
                                                ensure_ascii=False).encode("utf-8"))
        return version
    except OSError as exc:
        log.warning("%s: cannot write build state (%s); the next build checks everything", path, exc)
        return None


def _dump(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _write_sorted_json(fh, data: dict, pause=None) -> None:
    """`json.dumps(data, sort_keys=True)` (compact, UTF-8) written piece by piece: each entry of a
    top-level mapping by itself, so no second copy of megabytes is held, with the C encoder
    (iterencode is the pure-Python one: 0.8 s for a 10,000-article state, this 0.2 s). `pause`
    (digest serve) is called first and every 1,024 entries: a page being made meanwhile gets the
    interpreter to itself."""
    if pause is not None:
        pause()
    fh.write("{")
    for i, key in enumerate(sorted(data)):
        value = data[key]
        fh.write(f"{',' if i else ''}{_dump(key)}:")
        if not isinstance(value, dict):
            fh.write(_dump(value))
            continue
        fh.write("{")
        for n, name in enumerate(sorted(value)):
            fh.write(f"{',' if n else ''}{_dump(name)}:{_dump(value[name])}")
            if pause is not None and n % 1024 == 1023:
                pause()
        fh.write("}")
    fh.write("}")


@dataclass
class LastBuild:
    """What the no-op check needs of the last build: a few hundred bytes, where the state holds
    megabytes at 10,000 articles (reading it was most of a no-op build)."""

    signature: str = ""
    articles: int = 0
    skipped: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    pages: int = 0


def nothing_changed(config) -> LastBuild | None:
    """The last build's report when no input changed since it, else None."""
    try:
        data = json.loads(_last_build_path(config).read_text(encoding="utf-8"))
        if data.pop("version", None) != STATE_VERSION:
            return None
        last = LastBuild(**data)
    except (OSError, ValueError, TypeError):
        return None  # missing or unreadable: a build checks everything
    if not last.signature:
        return None
    sigs, _ = signatures(config)
    return last if combine(sigs) == last.signature else None


# Measured at 10,000 articles: saves 18 s of a no-op build (0.7 s with it, 18.9 s without; bench/mechanisms.py).
def unchanged_report(config):
    """The report of the last build when no input changed since it (its skipped files and warnings
    repeated, nothing written), else None: a build is needed."""
    from generator.records import BuildReport  # light: dataclasses only

    started = time.perf_counter()
    last = nothing_changed(config)
    if last is None:
        return None
    return BuildReport(articles=last.articles, cached=last.articles,
                       skipped=[tuple(s) for s in last.skipped], warnings=[tuple(w) for w in last.warnings],
                       unchanged=last.pages, seconds=time.perf_counter() - started)

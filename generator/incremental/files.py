"""Writing files so that no reader, and no killed build, ever sees half of one.

One atomic write (a temporary file beside the target, then a rename) and one hard link (with a copy
where the file system has none) serve every cache, store and the output folder.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)


def write_bytes_atomic(path: Path, data: bytes, durable: bool = False, compare: bool = True) -> bool:
    """Write through a temporary file and a rename, so a reader (or a killed build) sees the old
    file or the new one, never part of one; returns whether the file changed. `compare`: a file
    already holding these bytes is left as it is (its mtime too) — a caller that knows its bytes are
    new (a record written because it changed) skips that read. `durable` also fsyncs before the
    rename (power loss); generated files skip it: it cost 11 of 14 s of writing 1,000 summaries,
    and a build regenerates them anyway."""
    try:
        if compare and path.read_bytes() == data:
            return False
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def read_json_state(path: Path, version: int, key: str, otherwise: str) -> dict:
    """The `key` table of a small JSON state file (write_json_state's): {} when the file is missing
    or of another version, and when it cannot be read, with a warning saying what happens
    `otherwise` ("path: unreadable, <otherwise> (reason)")."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        if data.get("version") == version and isinstance(data.get(key), dict):
            return data[key]
    except FileNotFoundError:
        pass
    except (OSError, ValueError, AttributeError) as exc:
        log.warning("%s: unreadable, %s (%s)", path, otherwise, exc)
    return {}


def write_json_state(path: Path, version: int, key: str, table: dict, indent: int | None = None) -> None:
    """{"version": version, key: table} as JSON, written atomically; a folder that cannot be
    written is a warning (state is a saving, never a reason to fail)."""
    data = json.dumps({"version": version, key: table}, sort_keys=True, indent=indent).encode("utf-8")
    try:
        write_bytes_atomic(Path(path), data, compare=False)
    except OSError as exc:
        log.warning("%s: cannot write (%s)", path, exc)


def link_file(src: str | Path, dst: str | Path, copy: bool = False) -> None:
    """dst becomes a hard link to src: a file already at dst is replaced, a missing folder is made;
    `copy`: a copy where the file system has no hard links (else the OSError is raised)."""
    try:
        os.link(src, dst)
    except FileExistsError:
        os.unlink(dst)
        os.link(src, dst)
    except FileNotFoundError:
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        os.link(src, dst)
    except OSError:
        if not copy:
            raise
        shutil.copyfile(src, dst)

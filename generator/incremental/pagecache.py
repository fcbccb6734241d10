"""Rendered pages kept by their render key, so a page rendered once is never rendered again.

A page's key (render.page_key) is a hash of everything the page is made from: its template and
everything that template extends or imports, the configuration, and the records it shows. The
build already keeps a page whose key is unchanged while its file is in the output; this cache also
brings pages back when the output folder is gone (deleted, a fresh checkout with the cache kept).

The cache holds hard links to the pages the build wrote (`pages/<key[:2]>/<key>`), and a restored
page is a hard link to the cache's: no page is written twice, and no file is created for it (on
this machine's file system, creating 20,000 files and folders right after deleting as many took
half of a full render). Neither side is written in place: the staged output breaks a link before
any write, and the dev server replaces files whole. A cached file is restored only when its size
and mtime are still the ones recorded when it was kept (`manifest.json`), as the build state
trusts its inputs: a page edited in place by hand is rendered again. Entries of pages the build
does not have are removed. Nothing here is needed for a correct build: a missing or unreadable
cache means rendering.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from generator.incremental.files import link_file, write_bytes_atomic

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"


class PageCache:
    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self._manifest: dict[str, list[int]] | None = None

    def _entry(self, key: str) -> str:
        return os.path.join(self.folder, key[:2], key)

    @property
    def manifest(self) -> dict[str, list[int]]:
        if self._manifest is None:
            try:
                data = json.loads((self.folder / MANIFEST).read_text(encoding="utf-8"))
                self._manifest = data if isinstance(data, dict) else {}
            except FileNotFoundError:
                self._manifest = {}
            except (OSError, ValueError) as exc:
                log.warning("%s: unreadable, rendering every page (%s)", self.folder / MANIFEST, exc)
                self._manifest = {}
        return self._manifest

    def restore(self, wanted: dict[str, str], root: Path) -> set[str]:
        """Link into `root` each page (path -> key) whose cached file is the one recorded; returns
        the paths restored."""
        restored = set()
        manifest = self.manifest
        for path, key in wanted.items():
            recorded = manifest.get(key)
            if recorded is None:
                continue
            cached = self._entry(key)
            try:
                st = os.stat(cached)
                if [st.st_size, st.st_mtime_ns] != recorded:
                    continue  # changed since it was kept (an in-place edit): render it again
                link_file(cached, os.path.join(root, path))
            except OSError:
                continue
            restored.add(path)
        return restored

    def keep(self, pages: dict[str, str], root: Path) -> None:
        """Keep the pages just written under `root` (path -> key)."""
        manifest = self.manifest
        for path, key in pages.items():
            cached = self._entry(key)
            try:
                link_file(os.path.join(root, path), cached)
                st = os.stat(cached)
            except OSError as exc:
                log.debug("%s: not kept in the page cache (%s)", path, exc)
                manifest.pop(key, None)
                continue
            manifest[key] = [st.st_size, st.st_mtime_ns]

    def save(self, keys: set[str]) -> None:
        """Keep the entries of these keys (the build's pages) and nothing else; write the record."""
        manifest = self.manifest
        for key in [k for k in manifest if k not in keys]:
            del manifest[key]
        try:
            with os.scandir(self.folder) as folders:
                for sub in folders:
                    if not sub.is_dir(follow_symlinks=False):
                        continue
                    with os.scandir(sub.path) as entries:
                        for entry in entries:
                            if entry.name not in manifest:
                                os.unlink(entry.path)
            write_bytes_atomic(self.folder / MANIFEST, json.dumps(manifest, sort_keys=True, separators=(",", ":")).encode())
        except FileNotFoundError:
            pass
        except OSError as exc:
            log.warning("%s: cannot update the page cache (%s); pages will be rendered", self.folder, exc)

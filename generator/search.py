"""Full-text search: Pagefind indexes the staged site before it is swapped in.

The extended Pagefind binary (pagefind[extended] on PyPI) segments Chinese text, so a search for
a Chinese word finds Chinese articles; only article bodies (data-pagefind-body) are indexed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

from .errors import DigestError
from .write import swap_in

log = logging.getLogger(__name__)


class SearchIndexError(DigestError):
    pass


INDEX_DIR = "pagefind"
MANIFEST = "manifest.json"  # sha256 of each file of a cached index


def search_language(languages: list[str], site_language: str) -> str:
    """One index for the whole site, so one search box finds articles in every language: Chinese
    segmentation when any article is Chinese (it keeps Latin words whole), else the site's language."""
    return "zh" if any(lang.startswith("zh") for lang in languages) else site_language.split("-")[0]


def index_search(site: Path, language: str) -> None:
    """Write site/pagefind/ afresh for the pages under `site`: built beside it, then swapped in, so
    a page being served (digest serve rebuilds in place) never meets a half-written index."""
    fresh = site / f".{INDEX_DIR}-new-{os.getpid()}"
    shutil.rmtree(fresh, ignore_errors=True)
    cmd = [sys.executable, "-m", "pagefind", "--site", str(site), "--output-path", str(fresh), "--quiet",
           "--force-language", language]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        shutil.rmtree(fresh, ignore_errors=True)
        raise SearchIndexError(f"search index not built: {exc}") from None
    if done.returncode != 0:
        shutil.rmtree(fresh, ignore_errors=True)
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise SearchIndexError("search index not built: " + " / ".join(tail))
    _swap_in(fresh, site / INDEX_DIR)


def _swap_in(fresh: Path, index: Path) -> None:
    swap_in(fresh, index, index.with_name(f".{index.name}-old-{os.getpid()}"))


def search_fingerprint(page_keys: dict[str, str], language: str) -> str:
    """What the index is made from: every HTML page's key (state.py) and the index language."""
    h = hashlib.sha256(f"{language}\n".encode())
    for path in sorted(page_keys):
        if path.endswith(".html"):
            h.update(f"{path}\0{page_keys[path]}\n".encode("utf-8", "surrogateescape"))
    return h.hexdigest()


def _manifest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _link(src: str, dst: str) -> None:
    """copytree's copy_function: a hard link, or a copy where the file system has none."""
    try:
        os.link(src, dst)
    except OSError:
        shutil.copyfile(src, dst)


def index_search_cached(site: Path, language: str, key: str, previous: str, cache_dir: Path) -> None:
    """index_search, done only when the pages changed: the index of the last build is kept when
    its key is unchanged, or brought back from the cache (after the output folder was deleted) when
    its files still match their recorded hashes; else it is built and kept for next time.

    The cache holds hard links to the index's files, and a restored index is hard links to the
    cache's: neither side is ever written in place (Pagefind writes a new folder, which is swapped
    in; the output is staged with a link broken before any write), and every restore first checks
    each file against the hashes recorded when it was built, so a damaged file is never served back.
    Linking instead of copying: restoring 10,000 pages' index was two seconds of creating files."""
    index = site / INDEX_DIR
    if key == previous and index.is_dir():
        return
    store = Path(cache_dir) / "search"
    cached = store / key
    try:
        recorded = json.loads((cached / MANIFEST).read_text(encoding="utf-8"))
        files = cached / "files"
        if _manifest(files) == recorded:
            fresh = site / f".{INDEX_DIR}-new-{os.getpid()}"
            shutil.rmtree(fresh, ignore_errors=True)
            shutil.copytree(files, fresh, copy_function=_link)
            _swap_in(fresh, index)
            return
        log.warning("%s: cached search index damaged, building it again", cached)
    except FileNotFoundError:
        pass
    except (OSError, ValueError) as exc:
        log.warning("%s: cached search index unreadable, building it again (%s)", cached, exc)
    index_search(site, language)
    try:
        store.mkdir(parents=True, exist_ok=True)
        tmp = store / f".{key}.{os.getpid()}.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.copytree(index, tmp / "files", copy_function=_link)
        (tmp / MANIFEST).write_text(json.dumps(_manifest(tmp / "files")), encoding="utf-8")
        for old in store.iterdir():
            if old != tmp:
                shutil.rmtree(old, ignore_errors=True)
        os.rename(tmp, cached)
    except OSError as exc:
        log.warning("%s: cannot keep a copy of the search index (%s)", store, exc)

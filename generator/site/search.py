"""Full-text search: Pagefind indexes the article pages of the staged site before it is swapped in.

The extended Pagefind binary (pagefind[extended] on PyPI) segments Chinese text, so a search for
a Chinese word finds Chinese articles; only article bodies (data-pagefind-body) are indexed.

The index is split into shards, each a Pagefind bundle of its own under pagefind/<n>/, which the
search page merges (Pagefind UI's mergeIndex). An article's shard follows from its page path, so:
- work is proportional to what changed: a build re-indexes only the shards whose pages changed
  (an edited article: one shard, a few hundred pages at most, not the whole site);
- memory is bounded: Pagefind holds a whole index in memory while it builds it (1.26 GB for
  10,000 pages, about 120 KB a page); one shard at a time holds at most ~SHARD_PAGES pages.
A site of up to SHARD_PAGES articles has one shard. The shard count is a power of two, so it
changes (and every shard is built again) only when the site doubles.

A shard's bundle is cached by what Pagefind reads of its pages (indexed_part), not by the pages'
bytes: a template change outside the article bodies (a footer, a stylesheet link) re-renders every
page but brings every shard back from the cache instead of running Pagefind over the whole site.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from generator.errors import DigestError
from generator.incremental.workers import worker_count
from generator.incremental.files import link_file, write_bytes_atomic
from generator.site.write import swap_in

log = logging.getLogger(__name__)


class SearchIndexError(DigestError):
    pass


INDEX_DIR = "pagefind"
MANIFEST = "manifest.json"  # [sha256, size, mtime_ns] of each file of a cached shard
_HEX64 = re.compile(r"[0-9a-f]{64}")
# Article pages per shard, at most about (the shard count is the next power of two).
SHARD_PAGES = 1000


def _is_indexed(path: str) -> bool:
    """The pages Pagefind indexes: articles (the only pages with data-pagefind-body)."""
    return path.startswith("articles/") and path.endswith("/index.html")


def shard_count(pages: int) -> int:
    count = 1
    while count * SHARD_PAGES < pages:
        count *= 2
    return count


def shard_pages(paths) -> dict[str, list[str]]:
    """Bundle folder ("pagefind/0/") -> the indexed page paths in it, sorted; empty shards left out."""
    indexed = sorted(p for p in paths if _is_indexed(p))
    count = shard_count(len(indexed))
    shards: dict[str, list[str]] = {}
    for path in indexed:
        n = int.from_bytes(hashlib.sha256(path.encode("utf-8", "surrogateescape")).digest()[:8], "big") % count
        shards.setdefault(f"{INDEX_DIR}/{n}/", []).append(path)
    return dict(sorted(shards.items(), key=lambda kv: int(kv[0].split("/")[1])))


def search_bundles(paths) -> list[str]:
    """The bundle folders the search page loads (the first) and merges (the others)."""
    return list(shard_pages(paths))


def search_language(languages: list[str], site_language: str) -> str:
    """One index language for the whole site, so one search box finds articles in every language:
    Chinese segmentation when any article is Chinese (it keeps Latin words whole), else the site's
    language."""
    return "zh" if any(lang.startswith("zh") for lang in languages) else site_language.split("-")[0]


def simplified_form(text: str) -> str:
    """`text` in Simplified characters (OpenCC t2s, as lang.to_simplified), for the search index to
    hold beside the page's own text; "" when that is the text itself (no Han character, or written
    in Simplified already). Pagefind's Chinese segmentation knows Simplified words only (it cuts
    關稅 into 關 and 稅), so Traditional text is found through this form, and the search page
    turns a query into Simplified the same way (OpenCC's JavaScript port: see README, Design)."""
    from generator.articles.lang import CJK_RE, to_simplified

    if not CJK_RE.search(text):
        return ""
    converted = to_simplified(text)
    return "" if converted == text else converted


@dataclass(frozen=True)
class Shard:
    folder: str  # "pagefind/3/"
    key: str  # hash of the index language and of each of its pages' key
    pages: tuple[str, ...]
    page_keys: tuple[str, ...] = ()  # each page's render key, in the order of `pages` (when known)


@functools.lru_cache(maxsize=1)
def made_by() -> str:
    """What makes a bundle besides its pages: this module's code (how Pagefind is run, what
    indexed_part reads) and the installed Pagefind's version. Part of every shard's keys."""
    try:
        from importlib.metadata import PackageNotFoundError, version

        pagefind = version("pagefind_bin_extended")
    except (ImportError, PackageNotFoundError):
        pagefind = " ".join(pagefind_command())
    return hashlib.sha256(Path(__file__).read_bytes() + f"\0{pagefind}".encode()).hexdigest()


# Elements of a page outside its data-pagefind-body elements that Pagefind also reads: any with a
# data-pagefind-* attribute (meta, filter, sort may sit anywhere), and the first h1 and img (its
# default title and image).
_OUTSIDE_XPATH = ("//*[@*[starts-with(name(), 'data-pagefind')]][not(ancestor-or-self::*[@data-pagefind-body])]"
                  " | (//h1)[1] | (//img)[1]")


def indexed_part(data: bytes) -> bytes:
    """What Pagefind can read of a page, as bytes: the markup of its data-pagefind-body elements,
    and of the elements outside them it reads (_OUTSIDE_XPATH). Two pages with the same indexed
    part give the same index. A page without a data-pagefind-body element, or that does not parse,
    is taken whole."""
    from lxml import etree

    try:
        root = etree.fromstring(data, etree.HTMLParser())
    except (etree.LxmlError, ValueError):
        return data
    if root is None:
        return data
    bodies = root.xpath("//*[@data-pagefind-body]")
    if not bodies:
        return data
    parts = [root.get("lang", "").encode()]
    parts += [etree.tostring(el, method="html", encoding="utf-8", with_tail=False)
              for el in [*bodies, *root.xpath(_OUTSIDE_XPATH)]]
    return b"\0".join(parts)


def content_key(site: Path, shard: Shard, language: str, known: dict[str, list[str]] | None = None) -> str:
    """A hash of everything a shard's bundle is made from: the index language, its folder, and each
    of its pages' path and indexed part (read from `site`).

    `known` (page path -> [render key, hash of its indexed part]) spares reading the pages whose
    render key it holds (the same key, the same bytes: an edit reads its own page, not its
    shard's thousand); the others are read and added to it."""
    known = {} if known is None else known
    keys = shard.page_keys or ("",) * len(shard.pages)
    h = hashlib.sha256(f"{made_by()}\n{language}\n{shard.folder}\n".encode())
    for path, key in zip(shard.pages, keys):
        seen = known.get(path)
        if not (key and isinstance(seen, list) and len(seen) == 2 and seen[0] == key):
            seen = known[path] = [key, hashlib.sha256(indexed_part((site / path).read_bytes())).hexdigest()]
        h.update(f"{path}\0{seen[1]}\n".encode("utf-8", "surrogateescape"))
    return h.hexdigest()


def plan_shards(page_keys: dict[str, str], language: str) -> list[Shard]:
    """Every shard of the index with its key: what its bundle is made from."""
    shards = []
    for folder, pages in shard_pages(page_keys).items():
        h = hashlib.sha256(f"{made_by()}\n{language}\n{folder}\n".encode())
        for path in pages:
            h.update(f"{path}\0{page_keys[path]}\n".encode("utf-8", "surrogateescape"))
        shards.append(Shard(folder, h.hexdigest(), tuple(pages), tuple(page_keys[p] for p in pages)))
    return shards


def shard_keys(shards: list[Shard]) -> dict[str, str]:
    """What the build state records: bundle folder -> key."""
    return {s.folder: s.key for s in shards}


def _kept(site: Path, shard: Shard, previous: dict) -> bool:
    """A shard whose key is the last build's (`previous`: folder -> key) and whose folder is there
    is kept as it is."""
    return previous.get(shard.folder) == shard.key and (site / shard.folder).is_dir()


def index_unchanged(site: Path, shards: list[Shard], previous) -> bool:
    """Whether index_search_cached would leave site/pagefind/ as it is: the last build's shards,
    no more and no fewer, each kept."""
    return shard_keys(shards) == previous and all(_kept(site, s, previous) for s in shards)


# `digest serve` indexes after open pages were told to reload, while the next save may already be
# on its way: Pagefind, which keeps every core busy, then runs at this niceness, so the watcher, the
# save's own page and the browser's requests do not wait for a core.
BACKGROUND_NICENESS = 10


def index_shard(site: Path, shard: Shard, language: str, background: bool = False) -> None:
    """Write site/<shard folder> afresh from its pages: Pagefind reads a folder of hard links to
    them alone, and writes beside the bundle, which is then swapped in, so a page being served
    (digest serve rebuilds in place) never meets a half-written index. `background`: Pagefind runs
    at a lower priority (BACKGROUND_NICENESS)."""
    target = site / shard.folder
    tag = f"{target.name}-{os.getpid()}"
    source = site / f".{INDEX_DIR}-pages-{tag}"
    fresh = target.parent / f".new-{tag}"
    for leftover in (source, fresh):
        shutil.rmtree(leftover, ignore_errors=True)
    try:
        nice = shutil.which("nice") if background else None  # coreutils; without it, as is
        prefix = [nice, "-n", str(BACKGROUND_NICENESS)] if nice else []
        _link_pages(site, source, shard.pages, prefix)
        cmd = [*prefix, *pagefind_command(), "--site", str(source), "--output-path", str(fresh), "--quiet",
               "--force-language", language]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        shutil.rmtree(fresh, ignore_errors=True)
        raise SearchIndexError(f"search index not built: {exc}") from None
    finally:
        shutil.rmtree(source, ignore_errors=True)
    if done.returncode != 0:
        shutil.rmtree(fresh, ignore_errors=True)
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise SearchIndexError("search index not built: " + " / ".join(tail))
    _swap_in(fresh, target)


def pagefind_command() -> list[str]:
    """The Pagefind binary that pagefind[extended] installs, run directly (its `python -m pagefind`
    wrapper costs a Python start per shard); the wrapper where the binary is not found."""
    try:
        import pagefind_bin_extended

        binary = Path(pagefind_bin_extended.__file__).parent / "pagefind_extended"
        if binary.is_file() and os.access(binary, os.X_OK):
            return [str(binary)]
    except ImportError:
        pass
    return [sys.executable, "-m", "pagefind"]


def _swap_in(fresh: Path, index: Path) -> None:
    index.parent.mkdir(parents=True, exist_ok=True)
    swap_in(fresh, index, index.with_name(f".old-{index.name}-{os.getpid()}"))


def _link_pages(site: Path, target: Path, pages: tuple[str, ...], prefix: list[str]) -> None:
    """Hard links to the pages (paths relative to site) under target, in the same folders.

    GNU cp makes them in one process (`cp -l --parents`, run after `prefix`): ~1,200 mkdir and
    link calls made from Python hand the interpreter lock back and forth at each call, and digest
    serve's watcher, which needs the lock to see the next save, lost up to 0.14 s to them.
    Without GNU cp or hard links, they are made one at a time from here."""
    cp = shutil.which("cp")
    if cp and pages:
        target.mkdir(parents=True, exist_ok=True)
        try:
            done = subprocess.run([*prefix, cp, "-l", "--parents", "-t", str(target), "--", *pages], cwd=site,
                                  stdin=subprocess.DEVNULL, capture_output=True, timeout=600)
            if done.returncode == 0:
                return
        except (OSError, subprocess.TimeoutExpired):
            pass
        shutil.rmtree(target, ignore_errors=True)
    for page in pages:
        link = target / page
        link.parent.mkdir(parents=True, exist_ok=True)
        link_file(site / page, link, copy=True)



def _link_or_copy(src: str, dst: str) -> None:
    """copytree's copy_function: a hard link, or a copy where the file system has none."""
    link_file(src, dst, copy=True)


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def _manifest(folder: Path) -> dict[str, list]:
    out = {}
    for p in _files(folder):
        st = p.stat()
        out[p.relative_to(folder).as_posix()] = [hashlib.sha256(p.read_bytes()).hexdigest(), st.st_size,
                                                 st.st_mtime_ns]
    return out


def _intact(folder: Path, recorded: dict[str, list]) -> bool:
    """The cached files are the ones recorded: by their stat, as the build state trusts inputs (an
    in-place write changes the mtime), and by content for any whose stat differs."""
    files = _files(folder)
    if sorted(p.relative_to(folder).as_posix() for p in files) != sorted(recorded):
        return False
    for p in files:
        digest, size, mtime = recorded[p.relative_to(folder).as_posix()]
        st = p.stat()
        if (st.st_size, st.st_mtime_ns) != (size, mtime) and hashlib.sha256(p.read_bytes()).hexdigest() != digest:
            return False
    return True


def index_search_cached(site: Path, language: str, shards: list[Shard], previous: dict, cache_dir: Path,
                        background: bool = False) -> None:
    """Make site/pagefind/ hold exactly these shards, each done only when needed: a shard whose key
    is unchanged since the last build (`previous`: folder -> key) and whose folder is there is kept;
    else it is brought back from the cache when its files still match what was recorded when it
    was built: found by its key (its pages' render keys: the output folder was deleted, a page
    changed back), else by its content key (what Pagefind reads of its pages: they were rendered
    again by a changed template, with the same bodies); else it is built, and kept in the cache
    for next time. Folders of shards no longer wanted are removed.

    The cache holds hard links to a shard's files, and a restored shard is hard links to the
    cache's: neither side is ever written in place (Pagefind writes a new folder, which is swapped
    in; the output is staged with a link broken before any write), and every restore first checks
    the files against their record, so a damaged file is never served back. Linking, not copying:
    restoring 10,000 pages' index was two seconds of creating files. `background`: see index_shard."""
    previous = previous if isinstance(previous, dict) else {}
    root = site / INDEX_DIR
    store = Path(cache_dir) / "search"
    wanted = {s.folder.split("/")[1] for s in shards}
    if root.is_dir():
        for old in root.iterdir():
            if old.name not in wanted:
                shutil.rmtree(old) if old.is_dir() and not old.is_symlink() else old.unlink()
    tried: dict[str, str | None] = {}  # shard folder -> the cached bundle its key named

    def known(shard: Shard) -> bool:
        """The shard brought back from the cache by its key alone, without reading its pages."""
        content = tried[shard.folder] = _named(store, shard.key)
        return content is not None and _restore(store / content, site / shard.folder)

    todo = [s for s in shards if not _kept(site, s, previous) and not known(s)]
    parts = _load_parts(store) if todo else {}

    def build(shard: Shard) -> None:
        content = content_key(site, shard, language, parts)
        if content == tried[shard.folder] or not _restore(store / content, site / shard.folder):
            index_shard(site, shard, language, background=background)
            _keep(site / shard.folder, store, content)
        _name(store, shard.key, content)

    # One Pagefind per core (each is a separate process; most of a shard's time is Pagefind's own).
    with ThreadPoolExecutor(max_workers=max(1, min(worker_count(), len(todo)))) as pool:
        for _ in pool.map(build, todo):  # raises the first failure
            pass
    if todo:
        _save_parts(store, {p: parts[p] for s in shards for p in s.pages if p in parts})
    _prune(store, {s.key for s in shards})


NAMES = "by-pages"  # the cache's shard key -> content key (a file named by the one, holding the other)
PARTS = "indexed.json"  # page path -> [render key, hash of its indexed part] (content_key's `known`)


def _load_parts(store: Path) -> dict[str, list[str]]:
    try:
        parts = json.loads((store / PARTS).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.warning("%s: unreadable, search pages read again (%s)", store / PARTS, exc)
        return {}
    return parts if isinstance(parts, dict) else {}


def _save_parts(store: Path, parts: dict[str, list[str]]) -> None:
    try:
        store.mkdir(parents=True, exist_ok=True)
        write_bytes_atomic(store / PARTS, json.dumps(parts, sort_keys=True, separators=(",", ":")).encode())
    except OSError as exc:
        log.warning("%s: cannot keep it (%s)", store / PARTS, exc)


def _name(store: Path, key: str, content: str) -> None:
    try:
        (store / NAMES).mkdir(parents=True, exist_ok=True)
        write_bytes_atomic(store / NAMES / key, content.encode())
    except OSError as exc:
        log.warning("%s: cannot keep a copy of the search index (%s)", store, exc)


def _named(store: Path, key: str) -> str | None:
    try:
        content = (store / NAMES / key).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return content if _HEX64.fullmatch(content) else None


def _restore(cached: Path, target: Path) -> bool:
    try:
        recorded = json.loads((cached / MANIFEST).read_text(encoding="utf-8"))
        if _intact(cached / "files", recorded):
            fresh = target.parent / f".restore-{target.name}-{os.getpid()}"
            shutil.rmtree(fresh, ignore_errors=True)
            shutil.copytree(cached / "files", fresh, copy_function=_link_or_copy)
            _swap_in(fresh, target)
            return True
        log.warning("%s: cached search index damaged, building it again", cached)
    except FileNotFoundError:
        pass
    except (OSError, ValueError, TypeError) as exc:
        log.warning("%s: cached search index unreadable, building it again (%s)", cached, exc)
    return False


def _keep(index: Path, store: Path, key: str) -> None:
    try:
        store.mkdir(parents=True, exist_ok=True)
        tmp = store / f".{key}.{os.getpid()}.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.copytree(index, tmp / "files", copy_function=_link_or_copy)
        (tmp / MANIFEST).write_text(json.dumps(_manifest(tmp / "files")), encoding="utf-8")
        shutil.rmtree(store / key, ignore_errors=True)
        os.rename(tmp, store / key)
    except OSError as exc:
        log.warning("%s: cannot keep a copy of the search index (%s)", store, exc)


def _prune(store: Path, keys: set[str]) -> None:
    """Cached shards of the current build (`keys`: their shard keys) are kept; so are a few others
    (a page changed back restores its shard), up to the current count again. A name is kept for a
    shard key of this build, and for an older one whose bundle is one of those others; an older
    key of a current bundle (its pages rendered again with the same text, by a template change)
    is dropped, or names would pile up with every template change."""
    if not store.is_dir():
        return
    live = {c for c in (_named(store, k) for k in keys) if c is not None}
    others = sorted((p for p in store.iterdir() if p.name not in (NAMES, PARTS) and p.name not in live),
                    key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for old in others[max(len(live), 1):]:
        shutil.rmtree(old, ignore_errors=True)
    names = store / NAMES
    if names.is_dir():
        for name in names.iterdir():
            content = _named(store, name.name)
            if content is None or not (store / content).is_dir() or (name.name not in keys and content in live):
                name.unlink(missing_ok=True)

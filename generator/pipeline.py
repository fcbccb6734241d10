"""build(config) -> BuildReport: the order of the stages, nothing more."""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from pathlib import Path
from typing import Callable

from generator.incremental.cache import Cache, Heads, packed_signature, records_fingerprint
from generator.articles.classify import attach_examples, examples_from_edits, load_examples, save_examples
from generator.config import SiteConfig
from generator.articles.dedupe import collapse_duplicates
from generator.articles.process import digest_source, reclassify, rules_key
from generator.articles.discover import discover_sources, read_source, stat_key
from generator.errors import DigestError, failure_reason
from generator.articles.lang import reading_minutes
from generator.site.feed import render_feeds
from generator.site.outlets import attribute_entries
from generator.incremental.pagecache import PageCache
from generator.incremental.progress import track
from generator.records import BuildReport, Digested, Source
from generator.site.render import load_labels, plan_site, render_articles
from generator.site.search import INDEX_DIR, index_search_cached, index_unchanged, plan_shards, search_language, shard_keys
from generator.incremental.state import INPUTS, RACY_NS, BuildState, final_signature, load_state, save_state, signatures
from generator.site.summaries import (entry_from_stored, read_summary, remember_summaries, summary_sources, sync_one,
                        sync_summary_files)
from generator.incremental.workers import classify_items, digest_sources
from generator.site.write import Removals, WriteReport, recover_output, update_in_place, write_bytes_atomic, write_site

log = logging.getLogger(__name__)


def _go_on() -> None:
    """An epilogue's `pause`: called between its steps; the dev server's blocks while it makes an
    edited article's page, so that page does not share the interpreter with the epilogue."""




# Records held (from the heads file) from which new articles are digested in clean workers even
# one at a time: the language models would otherwise add their ~60 MiB to the records' memory.
CLEAN_FROM = 1000


def without_text(item: Digested) -> Digested:
    """A record as its head: what the rest of a build needs (the text is in the cache's record),
    its signature packed as the heads file's are."""
    return replace(item, article=replace(item.article, blocks=()), signature=packed_signature(item.signature))


def process_sources(sources: list[Source], config: SiteConfig, report: BuildReport,
                    remember: bool = False) -> list[Digested]:
    """Per-article work for every source: from the cache when its bytes were seen, else computed
    (over a process pool for large batches); failures are skipped with their reason.

    An unchanged article comes from the cache's heads file (its record without the text, one file
    for the whole site); its full record is read only when its topics must be assigned again."""
    # Keyed by the code alone: a changed topic alias re-assigns topics, it does not re-extract.
    fingerprint = records_fingerprint()
    cache = Cache(config.cache_dir, fingerprint, remember=remember)
    heads = Heads(config.cache_dir, fingerprint)
    current = rules_key(config.topics)
    found: dict[str, Digested | None] = {}
    for s in sources:
        if s.digest in found:
            continue
        item = cache.remembered(s.digest)
        if item is not None:
            heads.note(s.digest, item)
        else:
            item = heads.get(s.digest)
            if item is not None:
                cache.remember_head(s.digest, item)
        if item is not None and item.rules != current:
            item = None  # its text is needed: the full record below
        found[s.digest] = item if item is not None else cache.get(s.digest)
    hits = sum(1 for s in sources if found[s.digest] is not None)  # files, as the build line counts them
    stale = [d for d, item in found.items() if item is not None and item.rules != current]
    for digest, item in zip(stale, classify_items([found[d] for d in stale], config.topics, reclassify)):
        found[digest] = item
        cache.put(digest, item)
    missing = list({s.digest: s for s in reversed(sources) if found[s.digest] is None}.values())[::-1]
    failed: dict[str, str] = {}
    # In input order; a process pool for large batches, and a clean one beside many records here.
    results = digest_sources(missing, config.topics, digest_source, clean=not remember and len(found) - len(missing) >= CLEAN_FROM)
    for source, result in zip(missing, track(results, len(missing), "Extracting")):
        if isinstance(result, Exception):
            failed[source.digest] = failure_reason(result)
            continue
        cache.put(source.digest, result)
        found[source.digest] = without_text(result)
    heads.save({d: item for d, item in found.items() if item is not None})
    if heads.replaced:  # the first build of other code: the records older code made are dropped
        removed = cache.prune(found)
        log.info("cache: %d records of other code removed", removed)
    items: list[Digested] = []
    for source in sources:
        item = found[source.digest]
        if item is None:
            report.skipped.append((source.rel, failed[source.digest]))
            continue
        if item.article.source != source.rel:  # cached under another name: the file was renamed
            item = replace(item, article=replace(item.article, source=source.rel), sources=(source.rel,))
        item = replace(item, saved_ns=source.mtime_ns)
        items.append(item)
    report.cached = hits
    return items


# A person's topic corrections, as examples (classify/examples.py): learned at the end of a build
# from the hand-edited summaries, attached to the topic rules from the next build on.
EXAMPLES_FILE = "examples.json"


def with_examples(config: SiteConfig) -> tuple[SiteConfig, list[tuple[str, str]]]:
    """The configuration with the examples the last build learned attached to its topic rules."""
    examples, problem = load_examples(config.cache_dir / EXAMPLES_FILE)
    if not examples:
        return config, [(str(config.cache_dir / EXAMPLES_FILE), problem)] if problem else []
    return replace(config, topics=attach_examples(config.topics, examples)), []


def learn_from_edits(config: SiteConfig, kept: list) -> bool:
    """Each hand-edited summary whose `topics:` the person changed becomes an example (its article's
    text from the cache), saved for the next build: articles like it are then decided like it (a
    changed set re-assigns every article's topics; nothing is extracted again). Returns whether the
    saved examples changed: the next build must then not pass for a no-op."""
    cache = Cache(config.cache_dir, records_fingerprint())
    edits = []
    for s in kept:
        topics = s.meta.get("topics")
        if s.edited and isinstance(topics, list):
            item = cache.get(str(s.meta.get("source_sha256")))
            if item is not None and item.article.blocks:
                edits.append((item.article, [str(t) for t in topics], s.path.name))
    path = config.cache_dir / EXAMPLES_FILE
    examples = examples_from_edits(edits, config.topics) if edits else []
    old = path.read_bytes() if path.exists() else None
    if old is None and not examples:
        return False
    save_examples(path, examples)
    return path.read_bytes() != old


def build(config: SiteConfig, serving: bool = False) -> BuildReport:
    """One build. Work is proportional to what changed since the last one (see state.py): unchanged
    files are not re-read, cached articles not re-digested, unchanged summaries not rewritten,
    unchanged pages not rendered, and the search index not rebuilt when no page changed.

    `serving` (digest serve): per-article results are also kept in memory, changed files are
    written in place, and the search index and the build state are left to `report.epilogue`, to
    run after open pages were told to reload."""
    started = time.perf_counter()
    since = time.time_ns()
    report = BuildReport()
    config, problems = with_examples(config)
    report.warnings.extend(problems)
    old = load_state(config, reuse=serving)
    # The dev server records no no-op signature (it would cost two walks of every input per save):
    # the next `digest build` checks every file, still incrementally.
    before = None if serving else signatures(config, INPUTS)[0]
    sources, skipped = discover_sources(config.articles_dir, old.sources)
    report.skipped.extend(skipped)
    items = process_sources(sources, config, report, remember=serving)
    count = len(items)
    items, merged = collapse_duplicates(items)
    report.warnings.extend(merged)
    report.merged = count - len(items)
    report.articles = len(items)
    entries, warnings, kept = sync_summary_files(config.summaries_dir, items, old.summaries)
    entries = attribute_entries(entries, config.outlets, config.zones, config.language)
    learned = learn_from_edits(config, kept)
    if serving:
        report.summary_of = {src: s.path for s in kept for src in summary_sources(s)}
    del items  # the articles' text is not needed past here: free it before rendering
    report.warnings.extend(warnings)
    summaries_signature = None if serving else signatures(config, ("summaries",))[0]["summaries"]
    labels = load_labels(config.templates_dir, config.language)
    plan = plan_site(config, entries, old.pages, cache=None if serving else PageCache(config.cache_dir / "pages"))
    keys = plan.keys
    files = plan.files + render_feeds(config, entries, labels)
    language = search_language([e.language for e in entries], config.language)
    shards = plan_shards(keys, language)

    def index(site) -> None:
        if config.search:
            index_search_cached(site, language, shards, old.search, config.cache_dir, background=serving)

    def remember(pause: Callable[[], None] = _go_on) -> None:
        pause()
        save_state(config, pause=pause, state=BuildState(
            signature="" if serving or learned else final_signature(config, before, summaries_signature),
            articles=report.articles,
            skipped=[list(s) for s in report.skipped],
            warnings=[list(w) for w in report.warnings],
            sources={s.rel: stat_key(s) for s in sources if s.stat and s.stat[1] < since - RACY_NS},
            summaries=remember_summaries(kept, since),
            pages=keys,
            outputs=sorted(f.path for f in files),
            search=shard_keys(shards) if config.search else {},
        ))

    if serving and old.outputs:  # without the last build's list of files, swap in a whole folder
        written = update_in_place(files, config.output_dir, old.outputs, keep=INDEX_DIR + "/",
                                  render=plan.render_into)

        def epilogue(pause: Callable[[], None] = _go_on) -> None:
            pause()
            index(config.output_dir)
            remember(pause)

        report.epilogue = epilogue
    elif not serving and output_unchanged(config, plan, files, old.outputs,
                                          not config.search or index_unchanged(config.output_dir, shards, old.search)):
        recover_output(config.output_dir)  # what a killed build left beside it
        written = WriteReport(0, len(files), 0, ())
        remember()
    else:
        removals = Removals()  # the previous site, removed while the state is saved
        try:
            written = write_site(files, config.output_dir, finalize=index if config.search else None,
                                 finalize_dir=INDEX_DIR + "/", render=plan.render_into, remove=removals)
            if serving:
                report.epilogue = remember
            else:
                remember()
        finally:
            removals.wait()
    report.written, report.unchanged, report.removed = written.written, written.unchanged, written.removed
    report.changed = written.changed
    report.seconds = time.perf_counter() - started
    return report


def output_unchanged(config: SiteConfig, plan, files: list, outputs: list[str], search_same: bool) -> bool:
    """Whether the output folder already holds exactly what this build would write: no page to
    render (every page's key is the last build's and its file is there), the same files as the
    last build (`outputs`), each file with data already holding it, and (`search_same`) a search
    index that would be left as it is (search.index_unchanged).
    Then the folder is left as it is: staging a copy of a site of 11,000 pages and removing the
    old one cost 2-3 s of an edit that changed no page (a sentence added below the summary)."""
    if plan.todo or not search_same or not outputs or sorted(f.path for f in files) != outputs:
        return False
    for f in files:
        if f.data is not None:
            try:
                if (config.output_dir / f.path).read_bytes() != f.data:
                    return False
            except OSError:
                return False
    return True


def render_edited_first(config: SiteConfig, paths: list[Path], summary_of: dict) -> list[str]:
    """digest serve's first answer to a save of articles it already shows: each one's summary and
    page made again at once, and the output paths written returned, so an open page of the article
    reloads before the listings, feeds and search index it is also in are rebuilt by the full
    build that follows. `summary_of`: saved file -> summary file, from the last build.

    Anything this cannot settle alone is left to that build: a new or deleted file, a duplicate
    (a summary covering several saves), a hand-edited summary, an article that fails to extract."""
    root = config.articles_dir.resolve()
    cache = Cache(config.cache_dir, records_fingerprint(), remember=True)
    rules = rules_key(config.topics)
    entries = []
    for path in paths:
        try:
            rel = path.relative_to(root).as_posix()
            stored = read_summary(summary_of[rel])
        except (KeyError, ValueError, OSError, UnicodeDecodeError, DigestError):
            continue
        if stored.edited or summary_sources(stored) != [rel]:
            continue
        source = read_source(path, root)
        if not isinstance(source, Source):
            continue
        item = cache.get(source.digest)
        try:
            if item is None:
                item = digest_source(source, config.topics)
                cache.put(source.digest, item)
            elif item.rules != rules:
                item = reclassify(item, config.topics)
                cache.put(source.digest, item)
        except Exception:  # the full build reports it
            log.debug("%s: left to the full build", rel, exc_info=True)
            continue
        item = replace(item, article=replace(item.article, source=rel), sources=(rel,))
        now = sync_one(config.summaries_dir, item, stored, set())
        entries.append(entry_from_stored(now, item.minutes or reading_minutes(item.article.text)))
    entries = attribute_entries(entries, config.outlets, config.zones, config.language)
    return [f.path for f in render_articles(config, entries) if write_bytes_atomic(config.output_dir / f.path, f.data)]

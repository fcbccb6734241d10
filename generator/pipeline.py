"""build(config) -> BuildReport: the order of the stages, nothing more."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Callable

from generator.incremental.cache import Cache, Heads, records_fingerprint
from generator.articles.classify import attach_examples, examples_from_edits, load_examples, save_examples
from generator.config import SiteConfig
from generator.articles.dedupe import collapse_duplicates
from generator.articles.process import process_source, reclassify, rules_key
from generator.articles.discover import discover_sources, stat_key
from generator.errors import failure_reason
from generator.site.feed import render_feeds
from generator.site.images import image_files
from generator.site.outlets import attribute_entries
from generator.incremental.pagecache import PageCache
from generator.incremental.progress import track
from generator.records import BuildReport, Head, Processed, Source
from generator.site.render import Templates, load_labels, plan_site
from generator.site.search import INDEX_DIR, index_search_cached, index_unchanged, plan_shards, search_language, shard_keys
from generator.incremental.state import INPUTS, RACY_NS, BuildState, final_signature, load_state, save_state, signatures
from generator.site.summaries import remember_summaries, sync_summary_files
from generator.incremental.workers import classify_items, run_sources
from generator.site.write import Removals, WriteReport, recover_output, write_site
from generator.incremental.storystore import StoryAnalysis
from generator.stories.combine import make_stories

log = logging.getLogger(__name__)

# Records held (from the heads file) from which new articles are digested in clean workers even
# one at a time: the language models would otherwise add their ~60 MiB to the records' memory.
CLEAN_FROM = 1000


def process_sources(sources: list[Source], config: SiteConfig, heads: Heads | None = None
                    ) -> tuple[list[Head], int, list[tuple[str, str]]]:
    """Per-article work for every source: from the cache when its bytes were seen, else computed
    (over a process pool for large batches); failures are skipped with their reason. Returns the
    heads, how many files came from the cache, and the (file, reason) of each failure.

    An unchanged article's head comes from the heads file (`heads`: the dev server's, kept open
    between its builds; None: read here); its full record is read only when its topics must be
    assigned again."""
    # Keyed by the code alone: a changed topic alias re-assigns topics, it does not re-extract.
    fingerprint = records_fingerprint()
    cache = Cache(config.cache_dir, fingerprint)
    serving = heads is not None
    if heads is None:
        # The heads file (incremental/cache.py Heads), measured at 10,000 articles: saves 0.4 s of a build after an
        # article is saved again (17.9 s with it, 18.3 s without); none shown on an edit (bench/mechanisms.py).
        heads = Heads(config.cache_dir, fingerprint)
    key = rules_key(config.topics)  # once a build: every record is stamped with it
    found, stale = cached_heads(sources, heads, cache, key)
    hits = sum(1 for s in sources if found[s.sha256] is not None or s.sha256 in stale)  # files, as the line counts
    # gc.freeze before forking (workers.map_in_forks), measured at 10,000 articles on a topic-alias change: no
    # saving shown (wall 122 s with it, 163 s without; CPU 156 s with, 140 s without; one trial each;
    # bench/mechanisms.py).
    for digest, item in zip(stale, classify_items(list(stale.values()), config.topics, partial(reclassify, key=key))):
        found[digest] = cache.put(digest, item)
    missing = list({s.sha256: s for s in reversed(sources) if found[s.sha256] is None}.values())[::-1]
    failed: dict[str, str] = {}
    # In input order; a process pool for large batches, and a clean one beside many records here.
    results = run_sources(missing, config.topics, partial(process_source, key=key),
                          clean=not serving and len(found) - len(missing) >= CLEAN_FROM)
    for source, result in zip(missing, track(results, len(missing), "Extracting")):
        if isinstance(result, Exception):
            failed[source.sha256] = failure_reason(result)
        else:
            found[source.sha256] = cache.put(source.sha256, result)
    heads.save({d: item for d, item in found.items() if item is not None})
    if heads.replaced:  # the first build of other code: the records older code made are dropped
        removed = cache.prune(found)
        log.info("cache: %d records of other code removed", removed)
    items: list[Head] = []
    skipped: list[tuple[str, str]] = []
    for source in sources:
        item = found[source.sha256]
        if item is None:
            skipped.append((source.rel, failed[source.sha256]))
            continue
        if item.article.source != source.rel:  # cached under another name: the file was renamed
            item = replace(item, article=replace(item.article, source=source.rel), sources=(source.rel,))
        items.append(replace(item, saved_ns=source.mtime_ns))
    return items, hits, skipped


def cached_heads(sources: list[Source], heads: Heads, cache: Cache, rules: str
                 ) -> tuple[dict[str, Head | None], dict[str, Processed]]:
    """The head of each source's bytes under these topic rules, None when none is cached; and,
    apart, the full records cached under other rules (their topics are to be assigned again)."""
    found: dict[str, Head | None] = {}
    stale: dict[str, Processed] = {}
    for s in sources:
        if s.sha256 in found:
            continue
        head = heads.get(s.sha256)
        if head is None or head.rules != rules:  # no head (or it is out of date): the full record
            record = cache.get(s.sha256)
            head = None if record is None or record.rules != rules else record.head()
            if record is not None and head is None:
                stale[s.sha256] = record
        found[s.sha256] = head
    return found, stale


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
            if item is not None:
                edits.append((item.article, [str(t) for t in topics], s.path.name))
    path = config.cache_dir / EXAMPLES_FILE
    examples = examples_from_edits(edits, config.topics) if edits else []
    old = path.read_bytes() if path.exists() else None
    if old is None and not examples:
        return False
    save_examples(path, examples)
    return path.read_bytes() != old


def build(config: SiteConfig) -> BuildReport:
    """One `digest build`. Work is proportional to what changed since the last one (state.py):
    unchanged files are not re-read, cached articles not re-digested, unchanged summaries not
    rewritten, unchanged pages not rendered, the search index not rebuilt when no page changed."""
    started, since = time.perf_counter(), time.time_ns()
    config, problems = with_examples(config)  # the person's topic corrections, as examples
    old = load_state(config)
    before = signatures(config, INPUTS)[0]
    found = read_articles(config, old)  # discover, digest (or the cache), collapse duplicates
    synced = sync_summaries(config, found.items, old)  # content/summaries/*.md -> what the site shows
    report = BuildReport(articles=len(found.items), cached=found.cached, merged=found.merged,
                         skipped=found.skipped, warnings=problems + found.warnings + synced.warnings)
    sources, found = found.sources, None  # the records are not needed past here: freed before rendering
    summaries_signature = signatures(config, ("summaries",))[0]["summaries"]
    # The page cache (incremental/pagecache.py), measured at 10,000 articles: saves 27 s of a build after _site/
    # was deleted (19.6 s with it, 47.0 s without; bench/mechanisms.py).
    output = plan_output(config, synced, old, PageCache(config.cache_dir / "pages"))

    def remember() -> None:
        signature = "" if synced.learned else final_signature(config, before, summaries_signature)
        save_state(config, state=state_after(config, report, sources, synced, output, signature, since))

    written = write_output(config, output, old, then=remember)
    report.written, report.unchanged, report.removed = written.written, written.unchanged, written.removed
    report.changed = written.changed
    report.seconds = time.perf_counter() - started
    return report


@dataclass(frozen=True)
class Found:
    """The articles a build has: every source, the records (duplicates collapsed), what was
    skipped, how many came from the cache and how many saves were folded into another."""

    sources: list
    items: list
    skipped: list
    cached: int
    merged: int
    warnings: list


def read_articles(config: SiteConfig, old, heads: Heads | None = None) -> Found:
    sources, skipped = discover_sources(config.articles_dir, old.sources)
    items, cached, failed = process_sources(sources, config, heads)
    merged, warnings = collapse_duplicates(items)
    return Found(sources, merged, skipped + failed, cached, len(items) - len(merged), warnings)


@dataclass(frozen=True)
class Synced:
    """The summary files as they now stand, the entries the site shows from them, and the stories
    those entries report."""

    entries: list
    kept: list  # StoredSummary of every summary file, for the build state
    warnings: list
    learned: bool  # the person's topic corrections changed: the next build is no no-op
    stories: list  # records.Story of every story of two articles or more (figures left out)
    analysis: StoryAnalysis  # what the story stage knows of each article (figures, for story pages)


def sync_summaries(config: SiteConfig, items: list, old, remember: bool = False) -> Synced:
    # each article's story features and figures, computed once; in a clean worker beside many
    # records, as extraction is (CLEAN_FROM)
    analysis = StoryAnalysis(config.cache_dir, config.entities, items,
                             clean=not remember and len(items) >= CLEAN_FROM)
    entries, warnings, kept = sync_summary_files(config.summaries_dir, items, old.summaries,
                                                 assign=analysis.assign)
    entries = attribute_entries(entries, config.outlets, config.zones, config.language)
    stories = make_stories(entries, config.language, [t.slug for t in config.topics], analysis.store.key)
    return Synced(entries, kept, warnings, learn_from_edits(config, kept), stories, analysis)


@dataclass(frozen=True)
class Output:
    """Every output file (pages still to render among them), with the search index's shards."""

    plan: object  # render.SitePlan
    files: list
    shards: dict
    language: str


def plan_output(config: SiteConfig, synced: Synced, old, cache: PageCache | None,
                templates: Templates | None = None) -> Output:
    labels = load_labels(config.templates_dir, config.language)
    entries, images = image_files(synced.entries, config.cache_dir, config.output_dir, old.outputs)
    plan = plan_site(config, entries, old.pages, cache=cache, templates=templates, stories=synced.stories)
    plan.todo = [synced.analysis.story_page(spec, config.language) for spec in plan.todo]
    synced.analysis.save()
    files = plan.files + images + render_feeds(config, entries, labels, synced.stories)
    language = search_language([e.language for e in entries], config.language)
    return Output(plan, files, plan_shards(plan.keys, language), language)


# The search index's content-key layer (site/search.py content_key), measured at 10,000 articles: saves 8 s
# wall, 20 s CPU, of a base.html change (46.5 s with it, 54.7 s without; bench/mechanisms.py).
def index_output(config: SiteConfig, output: Output, old, site: Path, background: bool = False) -> None:
    if config.search:
        index_search_cached(site, output.language, output.shards, old.search, config.cache_dir, background=background)


def write_output(config: SiteConfig, output: Output, old, then: Callable[[], None]) -> WriteReport:
    """The output folder made to hold `output`, then `then()` (the build state saved while the
    previous site is removed); a folder that already holds it all is left as it is."""
    search_same = not config.search or index_unchanged(config.output_dir, output.shards, old.search)
    if output_unchanged(config, output.plan, output.files, old.outputs, search_same):
        recover_output(config.output_dir)  # what a killed build left beside it
        then()
        return WriteReport(0, len(output.files), 0, ())
    # renameat2 RENAME_EXCHANGE (site/write.py _exchange), measured at 10,000 articles: saves no time over two
    # renames (an edit: CPU 27.8 s with it, 25.9 s without; bench/mechanisms.py); it leaves no instant without _site/.
    removals = Removals()  # the previous site, removed while the state is saved
    try:
        written = write_site(output.files, config.output_dir, render=output.plan.render_into, remove=removals,
                             finalize=(lambda site: index_output(config, output, old, site)) if config.search else None,
                             finalize_dir=INDEX_DIR + "/")
        then()
        return written
    finally:
        removals.wait()


def state_after(config: SiteConfig, report: BuildReport, sources: list, synced: Synced, output: Output,
                signature: str, since: int) -> BuildState:
    """What the next build needs of this one (state.py)."""
    return BuildState(
        signature=signature,
        articles=report.articles,
        skipped=[list(s) for s in report.skipped],
        warnings=[list(w) for w in report.warnings],
        sources={s.rel: stat_key(s) for s in sources if s.stat and s.stat[1] < since - RACY_NS},
        summaries=remember_summaries(synced.kept, since),
        pages=output.plan.keys,
        outputs=sorted(f.path for f in output.files),
        search=shard_keys(output.shards) if config.search else {},
    )


# Measured at 10,000 articles: saves 3.5 s of a build after an article is saved again unchanged (15.5 s with
# it, 18.9 s without; bench/mechanisms.py).
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

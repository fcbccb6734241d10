"""`digest serve`'s builds: the build of pipeline.py, answering a save as soon as it can.

A save's own page is written and reloaded first (render_edited_first); the full build that follows
keeps the articles' heads in memory between builds (Memory), writes changed files in place, and leaves
the search index and the build state to `report.epilogue`, run after open pages were told to
reload (on a thread that pauses while a later save's page is made). No no-op signature is
recorded (it would cost two walks of every input a save): the next `digest build` checks every
file, still incrementally.
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from pathlib import Path
from typing import Callable

from generator.articles.discover import read_source
from generator.articles.process import process_source, reclassify, rules_key
from generator.config import SiteConfig
from generator.errors import DigestError
from generator.incremental.cache import Cache, Heads, records_fingerprint
from generator.incremental.state import BuildState, load_state, save_state
from generator.pipeline import index_output, plan_output, read_articles, state_after, sync_summaries, with_examples
from generator.records import BuildReport, Source
from generator.site.outlets import attribute_entries
from generator.site.render import Templates, render_articles
from generator.site.search import INDEX_DIR
from generator.site.summaries import entry_from_stored, read_summary, summary_sources, sync_one
from generator.stories.stage import clean_story
from generator.incremental.files import write_bytes_atomic
from generator.site.write import Removals, update_in_place, write_site

log = logging.getLogger(__name__)


def _go_on() -> None:
    """An epilogue's `pause`: called between its steps; the dev server's blocks while it makes an
    edited article's page, so that page does not share the interpreter with the epilogue."""


class Memory:
    """What the dev server keeps of its last build for the next, for as long as it runs (its
    Rebuilder holds one; nothing of it is process-wide):

    - the heads file held open (cache.Heads), so a save reads neither that file (every article's
      line) nor a record of an unchanged article again, and leaves the file unwritten when no head
      changed; it holds exactly the last build's heads (Heads.save keeps no others);
    - the build state it saved with the file's version (state.load_state's `held`), so the next
      build does not parse the file it wrote itself (megabytes at 10,000 articles);
    - the compiled templates (render.Templates: 0.13 s of each save's page);
    - the stories of the last build, for the story links of a page made before the next one."""

    def __init__(self) -> None:
        self._heads: Heads | None = None
        self.state: tuple[list[int], BuildState] | None = None
        self.templates = Templates()
        self.stories: list = []

    def heads(self, config: SiteConfig) -> Heads:
        """The heads held, or a fresh Heads when the code (the records' fingerprint) or the cache
        folder changed since."""
        fingerprint = records_fingerprint()
        held = self._heads
        if held is None or held.fingerprint != fingerprint or held.folder != Path(config.cache_dir):
            self._heads = Heads(config.cache_dir, fingerprint)
        return self._heads

    def save_state(self, config: SiteConfig, state: BuildState, pause: Callable[[], None]) -> None:
        version = save_state(config, state, pause=pause)
        self.state = (version, state) if version is not None else None


def build_serving(config: SiteConfig, memory: Memory) -> BuildReport:
    """pipeline.build as the dev server runs it (see the module's docstring)."""
    started, since = time.perf_counter(), time.time_ns()
    config, problems = with_examples(config)
    old = load_state(config, memory.state)
    found = read_articles(config, old, memory.heads(config))
    synced = sync_summaries(config, found.items, old, remember=True)
    memory.stories = synced.stories
    report = BuildReport(articles=len(found.items), cached=found.cached, merged=found.merged,
                         skipped=found.skipped, warnings=problems + found.warnings + synced.warnings,
                         summary_of={src: s.path for s in synced.kept for src in summary_sources(s)})
    sources, found = found.sources, None
    output = plan_output(config, synced, old, cache=None, templates=memory.templates)

    def remember(pause: Callable[[], None] = _go_on) -> None:
        pause()
        memory.save_state(config, state_after(config, report, sources, synced, output, "", since), pause)

    if old.outputs:  # without the last build's list of files, swap in a whole folder
        written = update_in_place(output.files, config.output_dir, old.outputs, keep=INDEX_DIR + "/",
                                  render=output.plan.render_into)

        def epilogue(pause: Callable[[], None] = _go_on) -> None:
            pause()
            index_output(config, output, old, config.output_dir, background=True)
            remember(pause)

        report.epilogue = epilogue
    else:
        removals = Removals()
        try:
            written = write_site(output.files, config.output_dir, render=output.plan.render_into, remove=removals,
                                 finalize=(lambda site: index_output(config, output, old, site, background=True))
                                 if config.search else None, finalize_dir=INDEX_DIR + "/")
            report.epilogue = remember
        finally:
            removals.wait()
    report.written, report.unchanged, report.removed = written.written, written.unchanged, written.removed
    report.changed = written.changed
    report.seconds = time.perf_counter() - started
    return report


def render_edited_first(config: SiteConfig, paths: list[Path], summary_of: dict, memory: Memory) -> list[str]:
    """digest serve's first answer to a save of articles it already shows: each one's summary and
    page made again at once, and the output paths written returned, so an open page of the article
    reloads before the listings, feeds and search index it is also in are rebuilt by the full
    build that follows. `summary_of`: saved file -> summary file, from the last build.

    Anything this cannot settle alone is left to that build: a new or deleted file, a duplicate
    (a summary covering several saves), a hand-edited summary, an article that fails to extract."""
    root = config.articles_dir.resolve()
    cache = Cache(config.cache_dir, records_fingerprint())
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
        record = cache.get(source.sha256)
        try:
            if record is None:
                item = cache.put(source.sha256, process_source(source, config.topics, rules))
            elif record.rules != rules:
                item = cache.put(source.sha256, reclassify(record, config.topics, rules))
            else:
                item = record.head()
        except Exception:  # the full build reports it
            log.debug("%s: left to the full build", rel, exc_info=True)
            continue
        item = replace(item, article=replace(item.article, source=rel), sources=(rel,))
        now = sync_one(config.summaries_dir, item, stored, set(), clean_story(stored.meta.get("story")))
        entries.append(entry_from_stored(now, item.minutes))
    entries = attribute_entries(entries, config.outlets, config.zones, config.language)
    return [f.path for f in render_articles(config, entries, memory.templates, memory.stories) if write_bytes_atomic(config.output_dir / f.path, f.data)]

"""The build state (generator/state.py): a build with nothing changed does no work, any changed
input is noticed, and an incremental build renders only the pages whose inputs changed."""

from __future__ import annotations

import os
import shutil

import pytest

import generator.pipeline as pipeline
import generator.site.render as render
import generator.site.search as search
from generator.cli import main
from generator.articles.discover import discover_sources
from generator.serve.rebuild import Memory, build_serving
from generator.incremental.state import load_state, nothing_changed


def fill(site) -> None:
    site.add_fixture("aukus-submarines.md")
    site.add_fixture("pension-reform.md")
    site.add("world/short.md", "---\ntitle: US-China trade talks resume\npublished: 2025-10-01\n---\n\n"
             "Negotiators from the United States and China met again on Monday to discuss tariffs, "
             "export controls on rare earth magnets and chips.\n")


def cli_build(site, *extra: str) -> int:
    return main(["build", "--config", str(site.config_path), *extra])


@pytest.fixture
def own_templates(site):
    return site.own_templates()


@pytest.fixture
def rendered(monkeypatch) -> list:
    """The PageSpec of every page rendered from now on."""
    specs: list = []
    real = render.render_page

    def counting(env, config, spec, shared, views=None):
        specs.append(spec)
        return real(env, config, spec, shared, views)

    monkeypatch.setattr(render, "render_page", counting)
    return specs


def test_a_build_with_nothing_changed_does_no_work(site, monkeypatch, capsys):
    fill(site)
    assert cli_build(site) == 0
    before = site.files()

    ran: list[bool] = []
    real = pipeline.build
    monkeypatch.setattr(pipeline, "build", lambda config: ran.append(True) or real(config))
    assert cli_build(site) == 0
    assert ran == [] and "Nothing changed since the last build: 3 articles" in capsys.readouterr().out
    assert site.files() == before
    assert cli_build(site, "--force") == 0 and ran == [True]


def test_a_no_op_build_repeats_what_was_skipped_and_strict_still_fails(site, capsys):
    fill(site)
    site.add("broken.md", bytes(range(256)) * 20)
    assert cli_build(site, "--strict") == 1
    first = capsys.readouterr().err
    assert "broken.md: skipped:" in first
    assert cli_build(site, "--strict") == 1
    second = capsys.readouterr()
    assert "Nothing changed" in second.out and second.err == first


@pytest.mark.parametrize("change", ["article", "new article", "summary", "template", "config", "output"])
def test_every_kind_of_input_change_is_noticed(site, own_templates, change):
    fill(site)
    site.build()
    assert nothing_changed(site.config()) is not None
    if change == "article":
        path = site.articles / "world" / "short.md"
        path.write_text(path.read_text(encoding="utf-8").replace("Monday", "Friday"), encoding="utf-8")
    elif change == "new article":
        site.add_fixture("pension-reform.md", "copy/pension.md")
    elif change == "summary":
        path = next(site.summaries.glob("*.md"))
        path.write_text(path.read_text(encoding="utf-8") + "\nA hand edit.\n", encoding="utf-8")
    elif change == "template":
        base = own_templates / "base.html"
        base.write_text(base.read_text(encoding="utf-8") + "<!-- -->", encoding="utf-8")
    elif change == "config":
        site.config_path.write_text(site.config_path.read_text(encoding="utf-8").replace(
            'title = ', 'title = "Changed" #', 1), encoding="utf-8")
    elif change == "output":
        shutil.rmtree(site.config().output_dir)
    assert nothing_changed(site.config()) is None


def test_unchanged_files_are_not_read_again(site, monkeypatch):
    import generator.articles.discover as discover

    fill(site)
    for path in site.articles.rglob("*.md"):  # saved a while ago: not within a timestamp tick
        os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns - 10**10))
    site.build()
    known = load_state(site.config()).sources
    assert set(known) == {"aukus-submarines.md", "pension-reform.md", "world/short.md"}
    path = site.articles / "pension-reform.md"
    path.write_bytes(path.read_bytes() + b"\nOne more line.\n")
    hashed: list[str] = []
    real = discover._hash
    monkeypatch.setattr(discover, "_hash", lambda p: hashed.append(p.name) or real(p))
    sources, _ = discover_sources(site.articles, known)
    assert hashed == ["pension-reform.md"] and len(sources) == 3
    assert all(s.read() for s in sources)
    path.write_bytes(b"changed after discovery")
    with pytest.raises(ValueError, match="changed during the build"):
        next(s for s in sources if s.rel == "pension-reform.md").read()


def test_only_pages_whose_inputs_changed_are_rendered(site, rendered):
    fill(site)
    site.build()
    rendered.clear()
    site.build()  # the full path (pipeline.build, not the no-op check): still nothing to render
    assert rendered == []
    before = site.files()
    path = site.articles / "world" / "short.md"
    path.write_text(path.read_text(encoding="utf-8").replace("met again on Monday", "met again on Friday"),
                    encoding="utf-8")
    site.build()
    after = site.files()
    changed = {p for p in after if p.endswith(".html") and before.get(p) != after[p]}
    assert changed and changed <= {spec.path for spec in rendered}
    showing = {p for p, data in after.items() if "US-China trade talks resume".encode() in data}
    assert {spec.path for spec in rendered} <= showing  # nothing rendered that does not show the edited article


def test_search_index_comes_back_from_the_cache_and_a_damaged_copy_is_rebuilt(site, monkeypatch):
    fill(site)
    site.build()
    first = {p: d for p, d in site.files().items() if p.startswith("pagefind/")}
    assert first
    calls: list[str] = []
    real = search.index_shard

    def counting(folder, shard, language, **kw):
        calls.append(language)
        return real(folder, shard, language, **kw)

    monkeypatch.setattr(search, "index_shard", counting)
    shutil.rmtree(site.config().output_dir)
    site.build()
    assert calls == [] and {p: d for p, d in site.files().items() if p.startswith("pagefind/")} == first
    damaged = next(p for p in (site.config().cache_dir / "search").rglob("*.pf_fragment"))
    damaged.write_bytes(b"garbage")
    shutil.rmtree(site.config().output_dir)
    site.build()
    assert len(calls) == 1 and {p: d for p, d in site.files().items() if p.startswith("pagefind/")} == first


def test_a_template_change_outside_the_article_bodies_reindexes_nothing(site, own_templates, monkeypatch):
    """Every page is rendered again, but what Pagefind reads of them is the same: every shard comes
    back from the cache. A change inside the bodies re-indexes every shard."""
    monkeypatch.setattr(search, "SHARD_PAGES", 1)
    fill(site)
    site.build()
    index = {p: d for p, d in site.files().items() if p.startswith("pagefind/")}
    calls: list[tuple[str, ...]] = []
    real = search.index_shard
    monkeypatch.setattr(search, "index_shard",
                        lambda folder, shard, language, **kw: calls.append(shard.pages) or real(folder, shard, language, **kw))
    base = own_templates / "base.html"
    base.write_text(base.read_text(encoding="utf-8").replace("</body>", "<!-- footer changed --></body>", 1),
                    encoding="utf-8")
    site.build()
    files = site.files()
    articles = [p for p in files if p.startswith("articles/") and p.endswith("/index.html")]
    assert len(articles) == 3 and all(b"footer changed" in files[p] for p in articles)
    assert calls == [] and {p: d for p, d in files.items() if p.startswith("pagefind/")} == index
    names = site.config().cache_dir / "search" / search.NAMES
    bundles = len(list((site.config().output_dir / "pagefind").iterdir()))
    assert len(list(names.iterdir())) == bundles  # the keys of the last build alone: names do not pile up
    page = own_templates / "article.html"
    page.write_text(page.read_text(encoding="utf-8").replace("<h1 ", "<p>Filed under digest</p><h1 ", 1),
                    encoding="utf-8")
    site.build()
    assert sorted(p for pages in calls for p in pages) == sorted(articles)


def test_an_edit_reads_only_its_own_page_to_find_its_shard_in_the_cache(site, monkeypatch):
    """The shard of an edited article is looked up by what Pagefind reads of its pages: the other
    pages of the shard, whose render keys are the last build's, are not read again."""
    fill(site)
    site.build()
    read: list[bytes] = []
    real = search.indexed_part
    monkeypatch.setattr(search, "indexed_part", lambda data: read.append(data) or real(data))
    path = site.articles / "world" / "short.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Monday", "Thursday"), encoding="utf-8")
    site.build()
    assert len(read) == 1 and b"Thursday" in read[0]
    (site.config().cache_dir / "search" / search.PARTS).write_text("{not json", encoding="utf-8")
    read.clear()
    path.write_text(path.read_text(encoding="utf-8").replace("Thursday", "Friday"), encoding="utf-8")
    site.build()  # a damaged list of parts: every page of the shard is read again
    assert len(read) == 3 and sum(b"Friday" in data for data in read) == 1


def test_another_pagefind_or_search_code_rebuilds_every_shard(site, monkeypatch):
    """A shard is kept, or restored from the cache, only if the same code and the same Pagefind
    made it."""
    monkeypatch.setattr(search, "SHARD_PAGES", 1)
    fill(site)
    site.build()
    calls: list[tuple[str, ...]] = []
    real = search.index_shard
    monkeypatch.setattr(search, "index_shard",
                        lambda folder, shard, language, **kw: calls.append(shard.pages) or real(folder, shard, language, **kw))
    path = site.articles / "world" / "short.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n\n", encoding="utf-8")  # a build, no page changed
    site.build()
    assert calls == []
    monkeypatch.setattr(search, "made_by", lambda: "pagefind 9.9")
    path.write_text(path.read_text(encoding="utf-8") + "\n\n", encoding="utf-8")
    site.build()
    articles = sorted(p for p in site.files() if p.startswith("articles/") and p.endswith("/index.html"))
    assert sorted(p for pages in calls for p in pages) == articles


def test_the_indexed_part_of_a_page_is_what_pagefind_reads():
    page = ('<html lang="en"><head><title>{title}</title></head><body><nav>{nav}</nav>'
            '<article data-pagefind-body><h1>Rare earths</h1><p>{body}</p></article>{outside}</body></html>')

    def part(title="T", nav="Home", body="Export controls.", outside=""):
        return search.indexed_part(page.format(title=title, nav=nav, body=body, outside=outside).encode())

    assert part() == part(title="Other", nav="Topics", outside="<footer>2026</footer>")
    assert part() != part(body="Export quotas.")
    assert part() != part(outside='<span data-pagefind-meta="author">Lee</span>')
    assert part() != part(outside='<span data-pagefind-filter="topic">AUKUS</span>')
    whole = b"<html><body><p>No body marked.</p></body></html>"
    assert search.indexed_part(whole) == whole


def test_a_deleted_search_shard_comes_back_when_nothing_else_changed(site):
    """A build that changes no page still puts back a search shard deleted from _site/."""
    fill(site)
    site.build()
    first = {p: d for p, d in site.files().items() if p.startswith("pagefind/")}
    shard = next(p for p in (site.config().output_dir / "pagefind").iterdir() if p.is_dir())
    shutil.rmtree(shard)
    path = site.articles / "world" / "short.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n\n", encoding="utf-8")  # digested again, same pages
    site.build()
    assert {p: d for p, d in site.files().items() if p.startswith("pagefind/")} == first


def test_a_restored_search_index_damaged_in_the_site_is_not_served_again(site, monkeypatch):
    """The restored index shares its files with the cache (hard links): a file of it changed in
    place under _site/ is caught by the recorded hashes at the next restore, and rebuilt."""
    fill(site)
    site.build()
    first = {p: d for p, d in site.files().items() if p.startswith("pagefind/")}
    shutil.rmtree(site.config().output_dir)
    site.build()  # restored from the cache
    calls: list[str] = []
    real = search.index_shard
    monkeypatch.setattr(search, "index_shard", lambda folder, shard, language, **kw: calls.append(language) or real(folder, shard, language, **kw))
    damaged = next((site.config().output_dir / "pagefind").rglob("*.pf_fragment"))
    with open(damaged, "r+b") as fh:  # in place, as a stray tool would
        fh.write(b"garbage")
    shutil.rmtree(site.config().output_dir)
    site.build()
    assert len(calls) == 1 and {p: d for p, d in site.files().items() if p.startswith("pagefind/")} == first


def test_the_template_environment_is_reused_until_a_template_changes(tmp_path):
    """digest serve keeps one Jinja environment across builds; an edit is seen even when it keeps
    the file's size and timestamp (the key is the templates' bytes)."""
    templates = tmp_path / "templates"
    templates.mkdir()
    page = templates / "page.html"
    page.write_text("one {{ x }}", encoding="utf-8")
    kept = render.Templates()
    env = kept.env(templates)
    assert kept.env(templates) is env and render.make_env(templates) is not env  # a build compiles its own
    assert env.get_template("page.html").render(x=1) == "one 1"
    st = page.stat()
    page.write_text("two {{ x }}", encoding="utf-8")
    os.utime(page, ns=(st.st_atime_ns, st.st_mtime_ns))
    fresh = kept.env(templates)
    assert fresh is not env and fresh.get_template("page.html").render(x=1) == "two 1"


def test_serving_builds_write_only_changed_files_in_place(site):
    fill(site)
    memory = Memory()
    first = build_serving(site.config(), memory)
    first.epilogue()
    out = site.config().output_dir

    def snapshot():
        return {p.relative_to(out).as_posix(): (p.stat().st_mtime_ns, p.read_bytes())
                for p in out.rglob("*") if p.is_file() and not p.relative_to(out).as_posix().startswith("pagefind/")}

    folder, before = out.stat().st_ino, snapshot()
    path = site.articles / "world" / "short.md"
    path.write_text(path.read_text(encoding="utf-8").replace("met again on Monday", "met again on Friday"),
                    encoding="utf-8")
    build_serving(site.config(), memory).epilogue()
    after = snapshot()
    assert out.stat().st_ino == folder  # the live folder, not a swapped-in copy
    touched = {p for p in after if after[p][0] != before.get(p, (None,))[0]}
    changed = {p for p in after if after[p][1] != before.get(p, (None, None))[1]}
    assert changed and touched == changed
    page = next(p for p in after if p.startswith("articles/") and b"US-China trade talks resume" in after[p][1])
    path.unlink()
    build_serving(site.config(), memory).epilogue()
    assert not (out / page).exists() and (out / "index.html").is_file()
    assert b"US-China trade talks resume" not in (out / "index.html").read_bytes()


def test_a_changed_template_re_renders_exactly_the_pages_made_with_it(site, own_templates, rendered):
    fill(site)
    site.build()
    made = {spec.template for spec in rendered}  # the templates this site has pages of
    rendered.clear()
    article = own_templates / "article.html"
    article.write_text(article.read_text(encoding="utf-8").replace("{% endblock %}", "<!-- A -->{% endblock %}", 1),
                       encoding="utf-8")
    site.build()
    assert rendered and {spec.template for spec in rendered} == {"article.html"} and len(rendered) == 3
    rendered.clear()
    macros = own_templates / "_macros.html"  # imported by the listing templates, not by article.html
    macros.write_text(macros.read_text(encoding="utf-8") + "\n{# changed #}\n", encoding="utf-8")
    site.build()
    users = {t.name for t in own_templates.glob("*.html") if '"_macros.html"' in t.read_text(encoding="utf-8")}
    assert users and {spec.template for spec in rendered} == users & made


def test_pages_rendered_over_processes_equal_a_serial_render(site, monkeypatch):
    fill(site)
    trees, pools = [], []
    real_context = render._worker_context
    monkeypatch.setattr(render, "_worker_context", lambda: pools.append(1) or real_context())
    for threshold in (10**9, 0):
        pools.clear()
        monkeypatch.setattr(render, "MIN_PARALLEL_PAGES", threshold)
        monkeypatch.setattr("generator.incremental.workers.worker_count", lambda: 2)
        monkeypatch.setattr("threading.active_count", lambda: 1)  # threads other tests left behind
        shutil.rmtree(site.root / "_site", ignore_errors=True)
        shutil.rmtree(site.config().cache_dir, ignore_errors=True)
        site.build()
        trees.append(site.files())
        assert len(pools) == (0 if threshold else 1)  # a pool of render workers only when asked
    assert trees[0] == trees[1] and len(trees[0]) > 20


@pytest.mark.parametrize("parallel", [False, True])
def test_a_topic_alias_change_reassigns_topics_without_extracting_again(site, monkeypatch, parallel):
    import generator.incremental.workers as workers

    fill(site)
    site.build()
    extracted: list[str] = []
    real = pipeline.process_source
    monkeypatch.setattr(pipeline, "process_source", lambda s, r, **kw: extracted.append(s.rel) or real(s, r, **kw))
    if parallel:
        monkeypatch.setattr(workers, "MIN_PARALLEL", 0)
        monkeypatch.setattr(workers, "worker_count", lambda: 2)
        monkeypatch.setattr("threading.active_count", lambda: 1)
    text = site.config_path.read_text(encoding="utf-8")
    anchor = '  { text = "Submarine Rotational Force-West", weight = 3 },\n'
    site.config_path.write_text(text.replace(anchor, anchor + '  { text = "年金改革", weight = 10 },\n'),
                                encoding="utf-8")
    site.build()
    assert extracted == []
    assert any(p.startswith("topics/aukus/") for p, d in site.files().items() if "完美中產退休計畫".encode() in d)


def test_the_dev_server_reuses_the_state_it_saved_but_not_one_written_by_another_build(site):
    from generator.incremental.state import BuildState, save_state, state_path

    config = site.config()
    mine = BuildState(articles=7, pages={"index.html": "k"})
    held = (save_state(config, mine), mine)
    assert load_state(config, held) is mine
    assert load_state(config) == mine and load_state(config) is not mine
    text = state_path(config).read_text(encoding="utf-8").replace('"articles":7', '"articles":8')
    state_path(config).write_text(text, encoding="utf-8")  # another build (make site) saved its own
    assert load_state(config, held).articles == 8


def test_search_shards_cover_every_article_page_once_and_stay_put():
    paths = [f"articles/a{i}/index.html" for i in range(2500)] + ["index.html", "topics/aukus/index.html"]
    shards = search.shard_pages(paths)
    assert search.shard_count(2500) == 4 and search.shard_count(1000) == 1 and search.shard_count(1001) == 2
    assert sorted(p for pages in shards.values() for p in pages) == sorted(paths[:2500])
    assert all(len(pages) < 1000 for pages in shards.values())
    # one more article moves no other page to another shard (the count is unchanged)
    grown = search.shard_pages(paths + ["articles/new/index.html"])
    moved = {p for folder, pages in shards.items() for p in pages if p not in grown[folder]}
    assert moved == set()


def test_an_edit_reindexes_only_its_search_shard(site, monkeypatch):
    """Small shards (one article page each at most, about): the search page merges every bundle,
    an edited article re-indexes its own shard alone, the other bundles keep their files."""
    monkeypatch.setattr(search, "SHARD_PAGES", 1)
    fill(site)
    site.build()
    out = site.config().output_dir
    page = site.read("search/index.html")
    bundles = sorted(p.name for p in (out / "pagefind").iterdir())
    assert len(bundles) >= 2 and all((out / "pagefind" / b / "pagefind-entry.json").is_file() for b in bundles)
    assert all(f"/pagefind/{b}/" in page for b in bundles)
    calls: list[tuple[str, ...]] = []
    real = search.index_shard
    monkeypatch.setattr(search, "index_shard",
                        lambda folder, shard, language, **kw: calls.append(shard.pages) or real(folder, shard, language, **kw))
    before = {b: (out / "pagefind" / b / "pagefind-entry.json").stat().st_ino for b in bundles}
    path = site.articles / "world" / "short.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Monday", "Tuesday"), encoding="utf-8")
    site.build()
    edited = next(p for p, data in site.files().items() if p.startswith("articles/") and b"Tuesday" in data)
    assert len(calls) == 1 and edited in calls[0]
    after = {b: (out / "pagefind" / b / "pagefind-entry.json").stat().st_ino for b in bundles}
    assert sum(before[b] != after[b] for b in bundles) == 1


def test_a_no_op_build_reads_only_the_small_last_build_file(site, capsys):
    """The no-op check reads last-build.json, not the state (megabytes at 10,000 articles); a build
    that changes something removes it before writing the state, so it never vouches for another."""
    from generator.incremental.state import state_path

    fill(site)
    assert cli_build(site) == 0
    state = state_path(site.config())
    state.write_text("not json", encoding="utf-8")  # unread by a no-op build
    capsys.readouterr()
    assert cli_build(site) == 0 and "Nothing changed since the last build: 3 articles" in capsys.readouterr().out
    site.add("late.md", "---\ntitle: Late\n---\n\nA late article about rare earth magnets and export controls.\n")
    assert cli_build(site) == 0
    assert "Nothing changed" not in capsys.readouterr().out and load_state(site.config()).articles == 4
    assert cli_build(site) == 0 and "Nothing changed since the last build: 4 articles" in capsys.readouterr().out


def test_a_no_op_check_does_not_compile_the_topic_rules_but_sees_them_change(site, monkeypatch, capsys):
    import generator.articles.classify as classify

    fill(site)
    assert cli_build(site) == 0
    real = classify.parse_topics
    monkeypatch.setattr(classify, "parse_topics", lambda *a: (_ for _ in ()).throw(AssertionError("parsed")))
    capsys.readouterr()
    assert cli_build(site) == 0 and "Nothing changed" in capsys.readouterr().out
    monkeypatch.setattr(classify, "parse_topics", real)
    text = site.config_path.read_text(encoding="utf-8")
    site.config_path.write_text(text + "\n# a comment changes nothing but the bytes\n", encoding="utf-8")
    assert cli_build(site) == 0 and "Nothing changed" not in capsys.readouterr().out


def test_a_serving_build_leaves_its_epilogue_paused_until_told(site):
    """digest serve: the epilogue (search index, build state) calls `pause` before each step, so a
    save's own page can be made first; nothing of it is written while the pause holds."""
    import threading

    from generator.incremental.state import state_path

    fill(site)
    memory = Memory()
    build_serving(site.config(), memory).epilogue()
    saved = state_path(site.config()).read_bytes()
    path = site.articles / "world" / "short.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Monday", "Tuesday"), encoding="utf-8")
    report = build_serving(site.config(), memory)
    paused, go_on = threading.Event(), threading.Event()

    def pause():
        paused.set()
        go_on.wait(30)

    worker = threading.Thread(target=report.epilogue, args=(pause,))
    worker.start()
    try:
        assert paused.wait(30)
        assert state_path(site.config()).read_bytes() == saved  # held before its first step
    finally:
        go_on.set()
        worker.join(60)
    assert state_path(site.config()).read_bytes() != saved


def test_state_is_written_as_one_sorted_json_document(tmp_path):
    """Written entry by entry, the state file is what json.dumps(sort_keys=True) would write."""
    import io
    import json

    from generator.incremental.state import _write_sorted_json

    data = {"version": 1, "summaries": {"b.md": [1, 2, 3, {"title": "稀土 «»", "z": None, "a": True}, "正文", False],
                                        "a.md": [4, 5, 6, {}, "", True]},
            "outputs": ["index.html", "feed.xml"], "signature": "", "search": {}, "pages": {"x/": "k" * 64}}
    for pause_every in (None, 1):
        out, paused = io.StringIO(), []
        _write_sorted_json(out, data, (lambda: paused.append(1)) if pause_every else None)
        assert out.getvalue() == json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        assert len(paused) == (1 if pause_every else 0)


def test_a_deleted_output_folder_comes_back_from_the_page_cache(site, own_templates, rendered):
    """Pages are kept by their key: with _site deleted, nothing is rendered again and the site is the
    same byte for byte; a page edited in place meanwhile (the cache shares its file) is rendered
    again; a changed template renders its pages and the cache keeps only the current ones."""
    fill(site)
    site.build()
    first = site.files()
    pages = len(rendered)
    cache = site.config().cache_dir / "pages"
    assert pages > 10 and len([p for p in cache.rglob("*") if p.is_file()]) == pages + 1  # + manifest

    rendered.clear()
    shutil.rmtree(site.output)
    report = site.build()
    assert rendered == [] and site.files() == first and report.written == len(first) - len(
        [p for p in first if p.startswith("pagefind/")])

    article = next(p for p in first if p.startswith("articles/"))
    with open(site.output / article, "r+b") as fh:  # in place: the cached file changes with it
        fh.write(b"<!-- edited by hand -->")
    shutil.rmtree(site.output)
    site.build()
    assert [s.path for s in rendered] == [article] and site.files() == first

    rendered.clear()
    base = own_templates / "base.html"
    base.write_text(base.read_text(encoding="utf-8").replace("</body>", "<!-- v2 --></body>"), encoding="utf-8")
    site.build()
    assert len(rendered) == pages
    assert len([p for p in cache.rglob("*") if p.is_file()]) == pages + 1


@pytest.mark.parametrize("background", [False, True])
def test_a_background_search_index_runs_at_a_lower_priority(tmp_path, monkeypatch, background):
    """digest serve's epilogue indexes while the next save may come: its Pagefind is niced."""
    import sys

    if background and shutil.which("nice") is None:
        pytest.skip("no nice(1) here")
    site = tmp_path / "site"
    (site / "articles" / "a").mkdir(parents=True)
    (site / "articles" / "a" / "index.html").write_text("<html><body>x</body></html>", encoding="utf-8")
    # A stand-in for Pagefind: writes its own niceness into the bundle it is asked for.
    script = ("import os, sys; out = sys.argv[sys.argv.index('--output-path') + 1]; os.makedirs(out); "
              "open(os.path.join(out, 'niceness'), 'w').write(str(os.nice(0)))")
    monkeypatch.setattr(search, "pagefind_command", lambda: [sys.executable, "-c", script])
    search.index_shard(site, search.Shard("pagefind/0/", "k", ("articles/a/index.html",)), "en",
                       background=background)
    ours = os.nice(0)
    got = int((site / "pagefind" / "0" / "niceness").read_text())
    assert got == (min(19, ours + search.BACKGROUND_NICENESS) if background else ours)


@pytest.mark.parametrize("with_cp", [True, False])
def test_a_shards_pages_are_linked_in_their_folders_with_or_without_gnu_cp(tmp_path, monkeypatch, with_cp):
    site, target = tmp_path / "site", tmp_path / "links"
    pages = ("articles/稀土-協議/index.html", "articles/-dash/index.html", "articles/b c/index.html")
    for n, page in enumerate(pages):
        (site / page).parent.mkdir(parents=True)
        (site / page).write_text(f"<p>{n}</p>", encoding="utf-8")
    (site / "index.html").write_text("not in the shard", encoding="utf-8")
    if not with_cp:
        real = shutil.which
        monkeypatch.setattr(search.shutil, "which", lambda name: None if name == "cp" else real(name))
    search._link_pages(site, target, pages, [])
    got = sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file())
    assert got == sorted(pages)
    assert all((target / p).stat().st_ino == (site / p).stat().st_ino for p in pages)


def test_the_dev_servers_memory_holds_only_the_current_articles_records(site):
    """digest serve keeps the articles' heads in memory between builds: an article saved again (new
    bytes) or deleted must not leave its old head there for as long as the server runs."""
    fill(site)
    memory = Memory()
    build_serving(site.config(), memory)
    held = len(memory.heads(site.config()))
    assert held >= 2
    for round_ in range(3):  # the same article saved with new text, three times
        path = site.articles / "aukus-submarines.md"
        path.write_text(path.read_text(encoding="utf-8") + f"\n\nA new paragraph, round {round_}.\n", encoding="utf-8")
        build_serving(site.config(), memory)
    assert len(memory.heads(site.config())) == held
    (site.articles / "pension-reform.md").unlink()
    build_serving(site.config(), memory)
    assert len(memory.heads(site.config())) == held - 1

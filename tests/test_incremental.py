"""Incremental builds: the cache is checked by counting extractions, changes reach every page that
shows them, and a parallel build writes the same bytes as a serial one."""

from __future__ import annotations

import os
import shutil

import pytest

import generator.pipeline as pipeline
import generator.incremental.workers as workers
from generator.articles.process import process_source
from generator.errors import failure_reason


@pytest.fixture
def counted(monkeypatch):
    """Count calls to the per-article work (it runs in this process for small batches)."""
    calls: list[str] = []
    real = pipeline.process_source

    def counting(source, rules, **kwargs):
        calls.append(source.rel)
        return real(source, rules, **kwargs)

    monkeypatch.setattr(pipeline, "process_source", counting)
    return calls


def fill(site) -> None:
    site.add_fixture("aukus-submarines.md")
    site.add_fixture("pension-reform.md")
    site.add_fixture("aukus-submarines.md", "world/aukus-copy-b.md")
    site.add("world/short.md", "---\ntitle: US-China trade talks resume\npublished: 2025-10-01\n---\n\n"
             "Negotiators from the United States and China met again on Monday to discuss tariffs, "
             "export controls on rare earth magnets and chips.\n")


def pages_with(site, text: str) -> set[str]:
    return {p for p, data in site.files().items() if text.encode() in data}


def test_second_build_extracts_nothing_and_one_edit_extracts_one(site, counted):
    fill(site)
    site.build()
    # the copy has the same bytes as aukus-submarines.md: digested once, found in the cache
    assert sorted(counted) == ["aukus-submarines.md", "pension-reform.md", "world/short.md"]
    counted.clear()
    report = site.build()
    # four files, all from the cache; the byte-identical copy is one article with two sources
    assert counted == [] and report.cached == 4 and report.articles == 3
    assert report.written == 0
    path = site.articles / "world" / "short.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Monday", "Tuesday"), encoding="utf-8")
    site.build()
    assert counted == ["world/short.md"]


def test_a_build_that_changes_no_output_file_leaves_the_folder_as_it_is(site, counted):
    """An article saved again with no change to what the site shows (here, trailing blank lines) is
    digested again, and the output folder is not staged and swapped: same folder, same files. An
    edit that changes a page, a deleted output file, or a stray stage of a killed build, is not
    mistaken for that."""
    fill(site)
    site.build()
    before = site.files()
    inode = os.stat(site.output).st_ino
    path = site.articles / "world" / "short.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n\n\n", encoding="utf-8")
    stray = site.root / f".{site.output.name}.build-killed"
    stray.mkdir()
    report = site.build()
    assert counted[-1] == "world/short.md" and report.written == 0 and report.removed == 0
    assert os.stat(site.output).st_ino == inode and site.files() == before and not stray.exists()

    (site.output / "sitemap.xml").unlink()
    report = site.build(), os.stat(site.output).st_ino
    assert report[0].written == 1 and report[1] != inode and site.files() == before

    inode = os.stat(site.output).st_ino
    path.write_text(path.read_text(encoding="utf-8").replace("Monday", "Tuesday"), encoding="utf-8")
    report = site.build()
    assert report.written > 0 and os.stat(site.output).st_ino != inode
    assert pages_with(site, "Tuesday") and not pages_with(site, "on Monday to discuss")


def test_unchanged_articles_come_from_the_heads_file_not_their_records(site, counted, monkeypatch, caplog):
    """A build reads one heads file for the articles it has seen, no record per article; a damaged
    heads file is a warning, the full records are read, and the site is the same."""
    from generator.incremental.cache import Cache

    fill(site)
    site.build()
    first = site.files()
    counted.clear()
    reads: list[str] = []
    real_get = Cache.get
    monkeypatch.setattr(Cache, "get", lambda self, digest: reads.append(digest) or real_get(self, digest))
    shutil.rmtree(site.output)
    site.build()
    assert reads == [] and counted == []
    assert site.files() == first
    heads = next(site.config().cache_dir.glob("heads-*.json"))
    heads.write_text("{not json", encoding="utf-8")
    shutil.rmtree(site.output)
    report = site.build()
    assert len(reads) == 3 and counted == [] and report.cached == 4
    assert site.files() == first and any("heads-" in r.getMessage() for r in caplog.records)
    assert heads.read_text(encoding="utf-8").startswith('{"heads"')  # written again, whole


def test_hand_edited_summary_reaches_its_page_and_lists(site):
    fill(site)
    site.build()
    summary = next(p for p in site.summaries.glob("*.md") if "US-China trade talks" in p.read_text(encoding="utf-8"))
    text = summary.read_text(encoding="utf-8")
    summary.write_text(text.replace("Negotiators", "HAND-EDITED negotiators", 1), encoding="utf-8")
    site.build()
    changed = pages_with(site, "HAND-EDITED")
    assert f"articles/{summary.stem}/index.html" in changed
    # the listings that show summaries: its topic's page (the home page lists a topic's headlines)
    assert any(p.startswith("topics/") and p.endswith("/index.html") for p in changed), changed
    assert "Summary edited by hand" in site.read("index.html")


def test_template_change_reaches_every_page(site, counted):
    templates = site.own_templates()
    fill(site)
    site.build()
    html_pages = {p for p in site.files() if p.endswith(".html")}
    base = templates / "base.html"
    base.write_text(base.read_text(encoding="utf-8").replace("</body>", "<!-- TEMPLATE-MARK --></body>", 1),
                    encoding="utf-8")
    counted.clear()
    site.build()
    assert counted == []  # templates do not touch per-article work
    assert pages_with(site, "TEMPLATE-MARK") == html_pages


def test_topic_alias_change_moves_the_affected_article(site):
    fill(site)
    site.build()
    assert not any(p.startswith("topics/aukus/") for p in pages_with(site, "完美中產退休計畫"))
    text = site.config_path.read_text(encoding="utf-8")
    anchor = '  { text = "Submarine Rotational Force-West", weight = 3 },\n'
    assert anchor in text
    site.config_path.write_text(text.replace(anchor, anchor + '  { text = "年金改革", weight = 10 },\n'), encoding="utf-8")
    site.build()
    assert any(p.startswith("topics/aukus/") for p in pages_with(site, "完美中產退休計畫"))
    pension = next(p for p in site.files() if p.startswith("articles/") and "完美中產退休計畫" in site.read(p))
    assert "aukus/" in site.read(pension)


def test_deleted_article_loses_its_page(site):
    fill(site)
    site.build()
    page = next(p for p in site.files() if p.startswith("articles/") and "US-China trade talks resume" in site.read(p))
    (site.articles / "world" / "short.md").unlink()
    report = site.build()
    assert page not in site.files() and report.removed >= 1
    assert "US-China trade talks resume" not in site.read("index.html")


def test_parallel_results_equal_serial(site, monkeypatch):
    fill(site)
    from generator.articles.discover import discover_sources

    sources, _ = discover_sources(site.articles)
    broken = [replace_data(sources[0], "binary.md", bytes(range(256)) * 20),
              replace_data(sources[0], "bad-front-matter.md", b"---\ntitle: [unclosed\n---\n\nText.\n")]
    sources = sources + broken
    rules = site.config().topics
    monkeypatch.setattr(workers, "MIN_PARALLEL", 10**9)
    serial = list(workers.run_sources(sources, rules, process_source))
    monkeypatch.setattr(workers, "MIN_PARALLEL", 0)
    parallel = list(workers.run_sources(sources, rules, process_source))
    assert parallel[:-2] == serial[:-2]  # same records, in input order
    for p, s in zip(parallel[-2:], serial[-2:]):  # failures come back as the same one-line reason
        assert isinstance(p, Exception) and isinstance(s, Exception)
        assert failure_reason(p) == failure_reason(s)


def test_a_dying_worker_falls_back_to_serial(site, monkeypatch):
    import os

    fill(site)
    from generator.articles.discover import discover_sources

    sources, _ = discover_sources(site.articles)
    parent = os.getpid()

    def dies_in_a_worker(source, rules):
        if os.getpid() != parent and source.rel == "pension-reform.md":
            os._exit(1)  # as if killed by the kernel
        return process_source(source, rules)

    monkeypatch.setattr(workers, "MIN_PARALLEL", 0)
    results = list(workers.run_sources(sources, site.config().topics, dies_in_a_worker))
    assert [r.article.source for r in results] == [s.rel for s in sources]


def replace_data(source, rel: str, data: bytes):
    import hashlib
    from dataclasses import replace

    return replace(source, rel=rel, data=data, sha256=hashlib.sha256(data).hexdigest())


def test_parallel_build_writes_the_same_bytes(tmp_path, monkeypatch):
    from conftest import SiteDir

    trees = []
    monkeypatch.setattr(workers, "worker_count", lambda: 2)  # two workers even on a one-core machine
    for name, threshold in (("serial", 10**9), ("parallel", 0)):
        monkeypatch.setattr(workers, "MIN_PARALLEL", threshold)
        site = SiteDir(tmp_path / name, "https://example.github.io/digest/")
        fill(site)
        site.build()
        summaries = {p.name: p.read_bytes() for p in sorted(site.summaries.glob("*.md"))}
        trees.append((site.files(), summaries))
    assert trees[0] == trees[1]


KILLED_BUILD = """
import os, sys, time
from pathlib import Path
import generator.incremental.workers as workers
from generator.records import Source

def slow(source, rules):
    os.write(1, f"{os.getpid()}\\n".encode())  # one write: print() from two workers interleaved
    time.sleep(120)

workers.MIN_PARALLEL = 0
sources = [Source(Path(f"{i}.md"), f"{i}.md", "markdown", str(i), b"x") for i in range(4)]
list(workers.run_sources(sources, (), slow))
"""


def test_workers_die_with_a_killed_build():
    import os
    import signal
    import subprocess
    import sys
    import time

    proc = subprocess.Popen([sys.executable, "-c", KILLED_BUILD], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    lines = [proc.stdout.readline().strip(), proc.stdout.readline().strip()]  # both workers are busy
    if not all(lines):
        proc.kill()
        pytest.fail(f"the build printed {lines!r} before ending: {proc.communicate()[1][-2000:]}")
    pids = {int(line) for line in lines}
    proc.send_signal(signal.SIGKILL)
    proc.wait()

    def alive(pid: int) -> bool:
        try:
            with open(f"/proc/{pid}/stat") as fh:
                return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
        except FileNotFoundError:
            return False

    deadline = time.monotonic() + 20
    while any(alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = [p for p in pids if alive(p)]
    for p in left:  # do not leave them behind if the test fails
        os.kill(p, signal.SIGKILL)
    assert not left


@pytest.mark.parametrize("signature", [(), (40, 1, 2**32 - 1), (40, 2**40)])
def test_heads_keep_a_record_without_its_text(tmp_path, signature):
    from dataclasses import replace

    from generator.incremental.cache import Heads
    from generator.records import Article, Block, Head, Processed, Summary

    article = Article(source="a.md", sha256="d1", title="稀土", published="2025-10-21", author=None, site_name="S",
                      url=None, language="zh-Hant", tags=("t",), captions=("圖",), blocks=(Block("paragraph", "正文。"),))
    item = Processed(article=article, summary=Summary("摘要。", ("要點",), "zh-Hant"), topics=("rare-earths",),
                     sources=("a.md",), signature=signature, rules="r", minutes=2)
    Heads(tmp_path, "fp").save({"d1": replace(item.head(), saved_ns=7)})
    heads = Heads(tmp_path, "fp")
    head = heads.get("d1")
    assert type(head) is Head and not hasattr(head.article, "blocks") and not hasattr(head.article, "captions")
    assert tuple(head.signature) == signature  # packed: an array of 32- or 64-bit values
    assert head == item.head()  # saved_ns is the build's, not kept
    assert (head.article.title, head.article.tags, head.minutes, head.rules) == ("稀土", ("t",), 2, "r")
    assert heads.get("d2") is None and Heads(tmp_path, "other").get("d1") is None


def test_heads_file_is_written_as_one_sorted_json_document(tmp_path):
    import json
    from dataclasses import replace

    from generator.incremental.cache import HEADS_VERSION, Heads, encode_head
    from generator.records import ArticleMeta, Head, Summary

    article = ArticleMeta(source="a.md", sha256="d", title="AUKUS", published=None, author=None, site_name=None,
                          url=None, language="en", tags=())
    items = {f"d{n}": Head(article=replace(article, title=f"AUKUS {n} «»"), summary=Summary("S.", (), "en"),
                           topics=("aukus",), sources=(f"{n}.md",), signature=(n, 2**31), rules="r", minutes=1)
             for n in (3, 1, 2)}
    Heads(tmp_path, "fp").save(items)
    written = next(tmp_path.glob("heads-*.json")).read_text(encoding="utf-8")
    expected = {"version": HEADS_VERSION, "heads": {d: encode_head(item) for d, item in items.items()}}
    assert json.loads(written) == expected
    lines = written.splitlines()  # one head a line, sorted: read back a line at a time
    assert len(lines) == 2 + len(items) and [line[:4] for line in lines[1:-1]] == ['"d1"', '"d2"', '"d3"']
    Heads(tmp_path, "fp").save({})
    assert json.loads(next(tmp_path.glob("heads-*.json")).read_text(encoding="utf-8"))["heads"] == {}
    assert Heads(tmp_path, "fp").get("d1") is None



def test_heads_read_and_kept_are_copied_not_encoded_again(tmp_path, monkeypatch):
    """Saving after one head changed, one was added and one dropped encodes only the two new ones;
    the file is byte for byte what encoding every head gives."""
    from dataclasses import replace

    from generator.incremental import cache
    from generator.incremental.cache import Heads
    from generator.records import ArticleMeta, Head, Summary

    article = ArticleMeta(source="a.md", sha256="d", title="美中", published=None, author=None, site_name=None,
                          url=None, language="zh-Hant", tags=())
    items = {f"d{n}": Head(article=replace(article, title=f"美中 {n} \u2028«»"), summary=Summary("S.", (), "en"),
                           topics=("us-china",), sources=(f"{n}.md",), signature=(n, 2**31), rules="r", minutes=1)
             for n in range(6)}
    Heads(tmp_path, "fp").save(items)
    heads = Heads(tmp_path, "fp")
    now = {d: heads.get(d) for d in ("d0", "d1", "d3", "d4", "d5")}  # d2 deleted
    now["d3"] = replace(now["d3"], topics=())  # changed
    now["d6"] = replace(items["d0"], sources=("6.md",))  # added
    encoded = []
    real = cache.encode_head
    monkeypatch.setattr(cache, "encode_head", lambda item: encoded.append(item.sources) or real(item))
    heads.save(now)
    assert sorted(encoded) == [("3.md",), ("6.md",)]
    written = next(tmp_path.glob("heads-*.json")).read_bytes()
    monkeypatch.undo()
    Heads(tmp_path / "fresh", "fp").save(now)
    assert written == next((tmp_path / "fresh").glob("heads-*.json")).read_bytes()
    again = Heads(tmp_path, "fp")
    assert {d: again.get(d).topics for d in sorted(now)} == {d: now[d].topics for d in sorted(now)}


def test_a_record_is_encoded_as_asdict_would_and_decodes_back(tmp_path):
    import json
    from dataclasses import asdict

    from generator.incremental.cache import Cache, decode, encode
    from generator.records import Article, Block, Processed, Summary

    article = Article(source="a.html", sha256="d", title="稀土 «AUKUS»", published="2025-10-21T08:00:00+08:00",
                      author="記者", site_name="S", url="https://example.com/a", language="zh-Hant", section="國際",
                      tags=("稀土", "美中"), captions=("圖／路透",),
                      blocks=(Block("heading", "標題"), Block("paragraph", "正文。")))
    item = Processed(article=article, summary=Summary("摘要。", ("要點一", "要點二"), "zh-Hant"),
                     topics=("rare-earths", "us-china"), sources=("a.html", "a.txt"), signature=(90, 1, 2**32 - 1),
                     rules="r", minutes=3)
    assert json.dumps(encode(item), sort_keys=True) == json.dumps(asdict(item), sort_keys=True)
    assert decode(json.loads(json.dumps(encode(item)))) == item
    assert Cache(tmp_path, "fp").put("d", item) == item.head()
    assert Cache(tmp_path, "fp").get("d") == item

BUILD_IN_A_FRESH_PROCESS = """
import sys
from generator import pipeline
from generator.config import load_config
if __name__ == "__main__":
    pipeline.CLEAN_FROM = int(sys.argv[2])
    report = pipeline.build(load_config(sys.argv[1]))
    print(report.articles, report.cached, "segmenter loaded" if "rjieba" in sys.modules else "no segmenter")
"""


def test_beside_many_held_records_a_new_article_is_digested_in_a_clean_worker(site, tmp_path, seed_text):
    """The build process holding a large site's records does not also load the language models:
    past CLEAN_FROM records even one new article is digested by a worker, and the site is the same."""
    import subprocess
    import sys

    from conftest import REPO, SiteDir

    script = tmp_path / "build.py"
    script.write_text(BUILD_IN_A_FRESH_PROCESS, encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(REPO))
    twin = SiteDir(tmp_path / "twin", "https://example.github.io/digest/")
    for s in (site, twin):
        s.add_fixture("aukus-submarines.md")
        s.add_fixture("pension-reform.md")
        s.build()
        s.add("seed.txt", seed_text)

    def run(s, clean_from: int) -> str:
        return subprocess.run([sys.executable, str(script), str(s.config_path), str(clean_from)], env=env,
                              capture_output=True, text=True, check=True).stdout.strip()

    assert run(site, 2) == "3 2 no segmenter"  # two held records, one new Chinese article: digested elsewhere
    assert run(twin, 1000) == "3 2 segmenter loaded"  # a small site: here
    assert site.files().keys() == twin.files().keys()
    differ = [p for p, data in site.files().items() if data != twin.files()[p].replace(b"/twin/", b"/site/")]
    assert differ == []


def test_heads_file_read_head_by_head_survives_damage(tmp_path, caplog):
    """A damaged head costs only its own record; a cut, foreign or other-version file gives no
    heads (each a warning, or silence for an old version), never an error."""
    from dataclasses import replace

    from generator.incremental.cache import HEADS_VERSION, Heads
    from generator.records import ArticleMeta, Head, Summary

    article = ArticleMeta(source="a.md", sha256="d", title="AUKUS", published=None, author=None, site_name=None,
                          url=None, language="en", tags=())
    items = {f"d{n}": Head(article=replace(article, title=f"T{n}"), summary=Summary("S.", (), "en"),
                           topics=(), sources=(f"{n}.md",), signature=(n,), rules="r", minutes=1) for n in range(3)}
    Heads(tmp_path, "fp").save(items)
    path = next(tmp_path.glob("heads-*.json"))
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace('"title":"T1"', '"title":"T1","bogus":1'), encoding="utf-8")
    heads = Heads(tmp_path, "fp")
    assert heads.get("d1") is None and "damaged head of d1" in caplog.text
    assert heads.get("d0").article.title == "T0" and heads.get("d2").article.title == "T2"
    for text, warned in ((good[: len(good) // 2], True), ('{"other":1}', True), (good.replace(f'"version":{HEADS_VERSION}', '"version":2'), False)):
        caplog.clear()
        path.write_text(text, encoding="utf-8")
        assert Heads(tmp_path, "fp").get("d0") is None
        assert ("unreadable" in caplog.text) == warned

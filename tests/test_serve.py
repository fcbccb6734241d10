"""`digest serve`: pages under the base path with the reload script (never written to disk),
rebuilds on saves announced over the event stream, errors shown and recovered from."""

from __future__ import annotations

import http.client
import json
import time

import pytest

from generator.serve.livereload import EVENTS_PATH, SCRIPT_PATH
from generator.serve.server import start_server

# Generous bounds for a loaded machine: the test waits for events, it never times them.
EVENT_WAIT_SECONDS = 20


class EventStream:
    """A client of the server-sent event stream, read line by line with a deadline."""

    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=EVENT_WAIT_SECONDS)
        self.conn.request("GET", EVENTS_PATH)
        self.response = self.conn.getresponse()
        assert self.response.status == 200
        assert self.response.getheader("Content-Type") == "text/event-stream"
        assert self.response.readline() == b": connected\n"

    def next_event(self) -> tuple[str, dict]:
        deadline = time.monotonic() + EVENT_WAIT_SECONDS
        name = None
        while time.monotonic() < deadline:
            line = self.response.readline().decode("utf-8")
            if line.startswith("event: "):
                name = line[len("event: "):].strip()
            elif line.startswith("data: ") and name:
                return name, json.loads(line[len("data: "):])
        raise AssertionError("no event arrived")

    def close(self) -> None:
        self.conn.close()


def get(port: int, path: str) -> tuple[int, dict, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path)
        r = conn.getresponse()
        return r.status, dict(r.getheaders()), r.read()
    finally:
        conn.close()


@pytest.fixture
def served(site):
    """The fixture site with its own copy of the templates (tests break them), served on a free port."""
    site.own_templates()
    site.add_fixture("aukus-submarines.md")
    site.add_fixture("pension-reform.md")
    running = start_server(site.config_path, port=0)
    streams: list[EventStream] = []
    yield site, running, streams
    for s in streams:
        s.close()
    running.stop()
    assert not running.thread.is_alive()


def test_pages_under_base_path_with_script_not_on_disk(served):
    site, running, _ = served
    status, headers, _ = get(running.port, "/")
    assert status == 302 and headers["Location"] == "/digest/"
    status, _, body = get(running.port, "/digest/")
    assert status == 200 and SCRIPT_PATH.encode() in body
    assert b"</html>" in body and body.index(SCRIPT_PATH.encode()) < body.rindex(b"</body>")
    assert SCRIPT_PATH not in site.read("index.html")
    assert all(SCRIPT_PATH.encode() not in data for data in site.files().values())
    status, headers, body = get(running.port, SCRIPT_PATH)
    assert status == 200 and headers["Content-Type"].startswith("text/javascript") and EVENTS_PATH.encode() in body
    status, _, body = get(running.port, "/digest/assets/style.css")
    assert status == 200 and SCRIPT_PATH.encode() not in body
    status, _, body = get(running.port, "/digest/no-such-page/")
    assert status == 404 and SCRIPT_PATH.encode() in body


def article_url(site, saved: str) -> str:
    summary = next(p for p in site.summaries.glob("*.md") if f"source: {saved}\n" in p.read_text(encoding="utf-8"))
    return f"/digest/articles/{summary.stem}/"


def test_saved_article_reloads_its_page_first_then_the_listings(served):
    site, running, streams = served
    streams.append(stream := EventStream(running.port))
    page = article_url(site, "aukus-submarines.md")
    path = site.articles / "aukus-submarines.md"
    path.write_text(path.read_text(encoding="utf-8").replace("AUKUS", "AUKUS (edited)", 1), encoding="utf-8")
    # First the edited article's own page, named in the event: other open pages stay as they are.
    name, data = stream.next_event()
    assert name == "reload" and data["paths"] == [page]
    status, _, body = get(running.port, page)
    assert status == 200 and "AUKUS (edited)".encode() in body
    # Then the full build: the listings that show the article, and not the page already reloaded.
    name, data = stream.next_event()
    assert name == "reload" and "/digest/" in data["paths"] and page not in data["paths"]
    status, _, body = get(running.port, "/digest/")
    assert status == 200 and "AUKUS (edited)".encode() in body


def test_new_article_is_left_to_the_full_build(served):
    site, running, streams = served
    streams.append(stream := EventStream(running.port))
    text = (site.articles / "aukus-submarines.md").read_text(encoding="utf-8")
    (site.articles / "aukus-second.md").write_text(
        text.replace("AUKUS partners agree", "AUKUS partners disagree").replace("Sunday", "Monday"), encoding="utf-8")
    name, data = stream.next_event()
    assert name == "reload" and "/digest/" in data["paths"]
    assert any(p.startswith("/digest/articles/") for p in data["paths"])


def test_hand_edited_summary_rebuilds_without_looping(served):
    site, running, streams = served
    streams.append(stream := EventStream(running.port))
    summary = next(p for p in site.summaries.glob("*.md") if "aukus" in p.read_text(encoding="utf-8").lower())
    summary.write_text(summary.read_text(encoding="utf-8") + "\nA sentence added by hand.\n", encoding="utf-8")
    name, first = stream.next_event()
    assert name == "reload"
    assert any(b"A sentence added by hand." in data for data in site.files().values())
    # The build wrote summaries too; those writes must not start another build. The next event
    # must be the one for the next real change.
    path = site.articles / "pension-reform.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nOne more paragraph.\n", encoding="utf-8")
    name, second = stream.next_event()
    assert name == "reload" and second["seq"] == first["seq"] + 1


def test_broken_template_error_then_recovery(served):
    site, running, streams = served
    streams.append(stream := EventStream(running.port))
    base = site.root / "templates" / "base.html"
    good = base.read_text(encoding="utf-8")
    base.write_text(good.replace("</body>", "{% if %}</body>", 1), encoding="utf-8")
    name, data = stream.next_event()
    assert name == "build-error" and "TemplateSyntaxError" in data["message"]
    status, _, body = get(running.port, "/digest/")
    assert status == 200 and SCRIPT_PATH.encode() in body  # the previous site is still served
    late = EventStream(running.port)  # a page opened while the build is broken sees the error too
    streams.append(late)
    assert late.next_event()[0] == "build-error"
    base.write_text(good, encoding="utf-8")
    assert stream.next_event()[0] == "reload"


def test_bad_site_toml_is_reported_and_survived(served):
    site, running, streams = served
    streams.append(stream := EventStream(running.port))
    good = site.config_path.read_text(encoding="utf-8")
    site.config_path.write_text(good.replace("[pages]\nsize = 2", "[pages]\nsize = -3"), encoding="utf-8")
    name, data = stream.next_event()
    assert name == "build-error" and "pages.size" in data["message"]
    site.config_path.write_text(good, encoding="utf-8")
    assert stream.next_event()[0] == "reload"


def test_broadcaster_hands_a_slow_stream_every_event_it_missed():
    from generator.serve.livereload import HISTORY, Broadcaster

    events = Broadcaster()
    seen = events.last.seq
    events.publish("reload", paths=("/digest/articles/a/",))
    events.publish("reload", paths=("/digest/",))
    got = events.wait_after(seen, 0)
    assert [e.paths for e in got] == [("/digest/articles/a/",), ("/digest/",)]
    # Further behind than the history: the newest event, reloading every page.
    for n in range(HISTORY + 1):
        events.publish("reload", paths=(f"/digest/{n}/",))
    got = events.wait_after(got[-1].seq, 0)
    assert len(got) == 1 and got[0].paths is None and got[0].seq == events.last.seq
    assert b'"paths": null' in got[0].encode()


def test_a_burst_settles_sooner_once_its_last_event_completed_a_save(tmp_path):
    from watchdog.events import FileClosedEvent, FileModifiedEvent, FileMovedEvent

    from generator.serve.watch import QUIET_SECONDS, SETTLED_SECONDS, Watcher, _Handler

    articles = tmp_path / "content" / "articles"
    watcher = Watcher([articles], [tmp_path / "site.toml"], tmp_path / "content" / "summaries", lambda paths: None)
    handler = _Handler(watcher)
    saved = str(articles / "a.html")
    handler.dispatch(FileModifiedEvent(saved))  # written, maybe not all of it yet
    assert watcher.quiet_seconds() == QUIET_SECONDS
    handler.dispatch(FileClosedEvent(saved))  # closed after writing: that save is complete
    assert watcher.quiet_seconds() == SETTLED_SECONDS < QUIET_SECONDS
    handler.dispatch(FileModifiedEvent(saved))  # e.g. a chmod after the write: wait the full time
    assert watcher.quiet_seconds() == QUIET_SECONDS
    handler.dispatch(FileMovedEvent(str(articles / ".a.html.swp"), saved))  # renamed into place
    assert watcher.quiet_seconds() == SETTLED_SECONDS
    assert watcher._take_changes() == frozenset({articles / "a.html"})


def test_a_save_completed_mid_wait_ends_the_wait_at_its_own_settling_time(tmp_path, monkeypatch):
    """The wait is measured from the last event with that event's length: a write, then its close
    4 ms later, settles SETTLED_SECONDS after the close, not QUIET_SECONDS after the write."""
    from watchdog.events import FileClosedEvent, FileModifiedEvent

    import generator.serve.watch as watch

    clock = [100.0]
    monkeypatch.setattr(watch.time, "monotonic", lambda: clock[0])
    articles = tmp_path / "content" / "articles"
    watcher = watch.Watcher([articles], [tmp_path / "site.toml"], tmp_path / "content" / "summaries",
                            lambda paths: None)
    handler = watch._Handler(watcher)
    saved = str(articles / "a.html")
    real_wait = watcher._wake.wait
    waits: list[float] = []

    def wait(timeout=None):  # a fake clock: time passes only while waiting
        waits.append(timeout)
        if len(waits) == 1:
            clock[0] += 0.004
            handler.dispatch(FileClosedEvent(saved))  # arrives during the first wait
            return real_wait(0)
        clock[0] += timeout
        return real_wait(0)

    monkeypatch.setattr(watcher._wake, "wait", wait)
    handler.dispatch(FileModifiedEvent(saved))
    watcher._settle()
    assert waits[0] == pytest.approx(watch.QUIET_SECONDS)
    assert clock[0] == pytest.approx(100.004 + watch.SETTLED_SECONDS)


_FIRST_SAVE = r"""
import sys
from pathlib import Path
from generator.config import load_config
from generator.articles.discover import read_source
from generator.serve.livereload import Broadcaster
from generator.serve.server import Rebuilder
from generator import pipeline

def loaded_once():
    # What was loaded on first use: the modules imported, and the values each of the package's small
    # caches (models, dictionaries) has computed.
    caches = {f"{m.__name__}.{name}": f.cache_info().misses
              for m in list(sys.modules.values()) if m and m.__name__.startswith("generator")
              for name, f in vars(m).items() if hasattr(f, "cache_info") and (f.cache_info().maxsize or 0) <= 4}
    return set(sys.modules), caches


repo = Path(sys.argv[1])
config = load_config(repo / "site.toml")
Rebuilder(repo / "site.toml", None, Broadcaster()).warm_up(config)
modules, caches = loaded_once()
assert "generator.articles.lang.common_words" in caches
for path in sys.argv[2:]:
    item = pipeline.process_source(read_source(Path(path), Path(path).parent), config.topics)
    assert item.signature, path  # long enough for a near-duplicate signature: datasketch is used
now, after = loaded_once()
print(sorted(now - modules), {k: v for k, v in after.items() if v != caches.get(k)})
"""


def test_after_the_warm_up_a_first_save_of_each_kind_loads_nothing():
    """What the server's warm-up must have loaded before the first save: a save of an HTML page, a
    text dump or a markdown file then imports no module and loads no model or dictionary (each
    took 0.3-1 s on first use)."""
    import subprocess
    import sys

    from conftest import REPO

    pages = [REPO / "tests" / "fixtures" / "dedupe" / "port-strike.html",
             REPO / "tests" / "fixtures" / "dedupe" / "port-strike.txt",
             REPO / "content" / "articles" / "ettoday-critical-minerals.txt",
             REPO / "tests" / "fixtures" / "articles" / "aukus-submarines.md"]
    done = subprocess.run([sys.executable, "-c", _FIRST_SAVE, str(REPO), *map(str, pages)],
                          capture_output=True, text=True, cwd=REPO, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[] {}"


def test_a_builds_survivors_are_frozen_and_every_few_builds_collected_whole(monkeypatch, tmp_path):
    """After each build the dev server freezes what survived (no full collection walks it at a
    save); a reference cycle that dies frozen is still freed after FULL_COLLECTION_EVERY builds."""
    import gc
    import weakref

    import generator.serve.server as serve
    from generator.serve.livereload import Broadcaster

    class Node:
        pass

    monkeypatch.setattr(serve, "FULL_COLLECTION_EVERY", 2)
    rebuilder = serve.Rebuilder(tmp_path / "site.toml", None, Broadcaster())
    try:
        node = Node()
        node.me = node  # a cycle: only the collector frees it
        gone = weakref.ref(node)
        rebuilder._settle_memory()  # build 1: collected, then frozen with the node alive
        assert gc.get_freeze_count() > 0
        del node
        gc.collect()
        assert gone() is not None  # frozen: out of the collector's reach
        rebuilder._settle_memory()  # build 2: everything unfrozen and collected
        assert gone() is None
    finally:
        gc.unfreeze()


def test_the_warm_up_survives_a_missing_word_list(monkeypatch):
    """Only a head start: without jieba's dictionary the server still starts (the builds that need
    the word list report it)."""
    import generator.articles.lang as lang
    import generator.serve.server as serve
    from conftest import REPO
    from generator.config import load_config
    from generator.serve.livereload import Broadcaster

    def missing():
        raise ImportError("jieba's dictionary (the jieba package) is not installed")

    lang.common_words.cache_clear()
    monkeypatch.setattr(lang, "_dictionary_path", missing)
    try:
        config = load_config(REPO / "site.toml")
        serve.Rebuilder(REPO / "site.toml", None, Broadcaster()).warm_up(config)  # does not raise
    finally:
        lang.common_words.cache_clear()
        import gc
        gc.unfreeze()  # warm_up froze this process's objects


def test_a_busy_port_is_one_line_before_any_build(site):
    """`digest serve` on a port another server holds says so, with the option to use, and builds
    nothing first (a first build can take minutes)."""
    import socket
    import subprocess
    import sys

    from conftest import REPO

    site.add_fixture("aukus-submarines.md")
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    port = holder.getsockname()[1]
    try:
        done = subprocess.run([sys.executable, "-m", "generator.cli", "serve", "--config", str(site.config_path),
                               "--port", str(port)], capture_output=True, text=True, cwd=REPO, timeout=120)
    finally:
        holder.close()
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert f"port {port} on 127.0.0.1 is already in use" in lines[0] and f"--port {port + 1}" in lines[0]
    assert not site.output.exists() and not site.summaries.exists()  # nothing was built


def test_a_port_that_cannot_exist_is_one_line(site, capsys):
    from generator.cli import main

    assert main(["serve", "--config", str(site.config_path), "--port", "70000"]) == 1
    assert capsys.readouterr().err == "digest: port 70000 does not exist: pick one from 1 to 65535 with --port\n"
    assert not site.output.exists()

"""`digest serve`: build, serve the output folder on 127.0.0.1 under the site's base path, watch
the inputs, rebuild when a burst of saves settles, and reload open pages.

One build runs at a time (on the watcher's thread); pages are served during builds, which is safe
because the output folder is swapped in whole. A failed build is printed and shown over open
pages; the server keeps running and the next good build clears it.
"""

from __future__ import annotations

import errno
import functools
import gc
import hashlib
import io
import http.server
import logging
import signal
import sys
import threading
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

from generator.articles.process import process_source
from generator.serve import rebuild
from generator.articles.classify.text import COMPOUND_MIN_FREQ
from generator.config import SiteConfig, load_config
from generator.errors import ConfigError, DigestError
from generator.articles.lang import common_words
from generator.serve.livereload import EVENTS_PATH, KEEPALIVE_SECONDS, RELOAD_JS, SCRIPT_PATH, Broadcaster, inject_script
from generator.records import Source
from generator.site.views import url_of
from generator.serve.watch import Watcher

log = logging.getLogger(__name__)


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Static files of the output folder mounted at the base path; `/` redirects there.

    HTML responses get a tag loading the reload script (served at SCRIPT_PATH); the event stream is
    served at EVENTS_PATH.
    """

    base_path = "/"
    events: Broadcaster | None = None

    def translate_path(self, path: str) -> str:
        clean = path.split("?", 1)[0].split("#", 1)[0]
        if not clean.startswith(self.base_path):
            return str(Path(self.directory) / "__not_under_base__")
        return super().translate_path("/" + clean[len(self.base_path):])

    def do_GET(self):
        clean = self.path.split("?", 1)[0]
        if self.events is not None and clean == EVENTS_PATH:
            self._stream_events()
        elif self.events is not None and clean == SCRIPT_PATH:
            body = RELOAD_JS.encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", "text/javascript; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)
        else:
            super().do_GET()

    def send_head(self):
        if self.path in ("/", "") and self.base_path != "/":
            self.send_response(302)
            self.send_header("Location", self.base_path)
            self.end_headers()
            return None
        if self.events is not None:
            path = Path(self.translate_path(self.path))
            page = path / "index.html" if path.is_dir() and self.path.split("?", 1)[0].endswith("/") else path
            if page.suffix in (".html", ".htm") and page.is_file():
                return self._send_html(200, page.read_bytes())
        return super().send_head()

    def _send_html(self, code: int, body: bytes):
        """Send headers for an HTML page; return the body as a file for copyfile."""
        if self.events is not None:
            body = inject_script(body)
        self.send_response(code)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        return io.BytesIO(body)

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / "404.html"
        if code == 404 and page.is_file():
            body = self._send_html(404, page.read_bytes())
            if self.command != "HEAD":
                self.wfile.write(body.getvalue())
            return
        super().send_error(code, message, explain)

    def _stream_events(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        last = self.events.last
        seen = last.seq
        try:
            self.wfile.write(b": connected\n\n" + (last.encode() if last.name == "build-error" else b""))
            self.wfile.flush()
            while not self.events.closed:
                events = self.events.wait_after(seen, KEEPALIVE_SECONDS)
                self.wfile.write(b"".join(e.encode() for e in events) or b": keep-alive\n\n")
                self.wfile.flush()
                seen = events[-1].seq if events else seen
        except (BrokenPipeError, ConnectionResetError):
            pass  # the page was closed or reloaded
        self.close_connection = True

    def log_message(self, fmt, *args):
        log.debug("%s - %s", self.address_string(), fmt % args)


class PortUnavailable(DigestError):
    pass


def make_server(config: SiteConfig, port: int, events: Broadcaster | None = None) -> http.server.ThreadingHTTPServer:
    """The server, bound to 127.0.0.1:port (not yet serving); PortUnavailable, saying what to do,
    when the port cannot be had."""
    handler = type("Handler", (SiteHandler,), {"base_path": config.base_path, "events": events})
    factory = functools.partial(handler, directory=str(config.output_dir))
    try:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), factory)
    except OverflowError:
        raise PortUnavailable(f"port {port} does not exist: pick one from 1 to 65535 with --port") from None
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise PortUnavailable(f"port {port} on 127.0.0.1 is already in use (another digest serve?): "
                                  f"pick another with --port, e.g. --port {port + 1 if port < 65535 else 8000}") from None
        raise PortUnavailable(f"cannot listen on 127.0.0.1:{port} ({exc.strerror or exc}): "
                              f"pick another port with --port") from None
    server.daemon_threads = True  # open event streams must not keep the process alive
    return server


# Small articles of each kind run through the per-article work once at startup, so the first save
# does not pay for what is loaded on first use: the segmenter's dictionary and OpenCC, the HTML and
# text-dump extractors with htmldate and dateparser, datasketch's MinHash for the near-duplicate
# signature, which a body must be long enough to get (together ~2-3 s; a first saved page cost
# 0.7 s more than the next while the warm-up was markdown briefs too short for a signature).
_WARM_UP_BODY_EN = ("US-China talks on rare earth exports resumed in Geneva on Monday after a pause of "
                    "three months. Officials from both sides said the meeting covered magnets, licences "
                    "and the export controls announced in April, and that a second round would follow. ")
_WARM_UP_BODY_ZH = "美中雙方週一在日內瓦恢復稀土出口談判，官員表示會談涵蓋稀土磁鐵、出口許可與四月宣布的出口管制措施，第二輪會談將於下月舉行。"
WARM_UP = (
    ("markdown", f"---\ntitle: Rare earth talks\n---\n\n{_WARM_UP_BODY_EN}\n".encode("utf-8")),
    ("markdown", f"---\ntitle: 稀土談判\n---\n\n{_WARM_UP_BODY_ZH}\n".encode("utf-8")),
    ("html", (f"<!doctype html><html lang=\"zh-Hant\"><head><meta charset=\"utf-8\"><title>稀土談判 | 範例新聞</title>"
              f"</head><body><nav><a href=\"/\">首頁</a> <a href=\"/world\">國際</a></nav><article><h1>稀土談判</h1>"
              f"<p>{_WARM_UP_BODY_ZH}</p><p>{_WARM_UP_BODY_ZH}</p></article><footer>版權所有</footer></body></html>"
              ).encode("utf-8")),
    ("text", (f"Home | World | Business\n\nRare earth talks resume\n\nBy A Reporter\nOctober 21, 2025\n\n"
              f"{_WARM_UP_BODY_EN}\n\n{_WARM_UP_BODY_EN}\n\nRelated\nCopyright 2025 Example News\n").encode("utf-8")),
)


# The longest an epilogue (search index, build state) waits for a save's pages before going on.
PAUSE_SECONDS = 5
# Builds between two collections of everything (frozen objects included): see Rebuilder._settle_memory.
FULL_COLLECTION_EVERY = 20


class Rebuilder:
    """Loads site.toml and builds, one build at a time; publishes the outcome to open pages."""

    def __init__(self, config_path: Path, base_url: str | None, events: Broadcaster):
        self.config_path, self.base_url, self.events = config_path, base_url, events
        self.lock = threading.Lock()
        self.after_build = lambda: None
        self.summary_of: dict[str, Path] = {}  # saved file -> its summary file, as of the last build
        self.memory = rebuild.Memory()  # what the last build leaves the next (heads, state, templates)
        self.ok = False  # the last build succeeded
        self._index: threading.Thread | None = None  # the last build's epilogue
        self._quiet = threading.Event()  # clear while a save's own pages are being made
        self._quiet.set()
        self._builds = 0  # full builds whose objects were frozen (_settle_memory)

    def rebuild(self, changed: frozenset[Path] = frozenset()) -> bool:
        """Build; `changed` (from the watcher): when only saved articles the site already shows
        changed, their pages are written and reloaded first (rebuild.render_edited_first), even
        while the last build's search index is still being made. The full build waits for that,
        and leaves its own search index to a thread, so the next save is not kept waiting."""
        called = time.perf_counter()
        self._quiet.clear()  # the last build's epilogue pauses until the edited pages are written
        gc.disable()  # nor does a full collection run in the middle of them (0.3-0.9 s at 10,000)
        try:
            return self._rebuild(changed, called)
        finally:
            self._quiet.set()
            gc.enable()

    def _rebuild(self, changed: frozenset[Path], called: float) -> bool:
        with self.lock:
            started = time.perf_counter()
            try:
                config = load_config(self.config_path, base_url=self.base_url)
            except ConfigError as exc:
                return self._failed(str(exc))
            self._edited_first(config, changed)
            log.debug("rebuild: waited %.3f s for the last build, edited pages in %.3f s",
                      started - called, time.perf_counter() - started)
            self._quiet.set()
            gc.enable()
            self.wait_for_index()
            log.debug("rebuild: waited for the last search index until %.3f s", time.perf_counter() - started)
            try:
                report = rebuild.build_serving(config, self.memory)
            except Exception as exc:  # a broken template, an output collision, a full disk...
                log.debug("build traceback", exc_info=True)
                return self._failed("".join(traceback.format_exception_only(type(exc), exc)).strip())
            self.summary_of, self.ok = report.summary_of, True
            self.after_build()  # before the reload: the build's work is done once the watcher knows its writes
            self.events.publish("reload", paths=self._urls(config, report.changed))
            for name, reason in report.skipped:
                print(f"{name}: skipped: {reason}", file=sys.stderr)
            print(f"Rebuilt {report.articles} articles ({report.cached} cached), {len(report.skipped)} skipped, "
                  f"{report.written} written, {report.removed} removed in {time.perf_counter() - started:.2f} s",
                  file=sys.stderr)
            self._index = threading.Thread(target=self._finish, args=(report.epilogue,), name="digest-index",
                                           daemon=True)
            self._index.start()
            return True

    def _finish(self, epilogue) -> None:
        """The search index and the build state, after open pages were told to reload; then what
        the build left alive is frozen out of the garbage collector (see _settle_memory)."""
        try:
            epilogue(lambda: self._quiet.wait(PAUSE_SECONDS))
        except Exception as exc:  # the search index failed: the pages are fine, say so
            log.debug("epilogue traceback", exc_info=True)
            self._failed("".join(traceback.format_exception_only(type(exc), exc)).strip(), build=False)
        self._quiet.wait(PAUSE_SECONDS)  # a save's pages being made go first
        self._settle_memory()

    def _settle_memory(self) -> None:
        """Collect the build's garbage now and freeze what survives (the new records, the build
        state): a full collection would otherwise walk them, 0.1-0.4 s at 10,000 articles, at any
        allocation, in any thread, the watcher's included, and a save waited for it (measured
        in digest serve: the save's first event 0.05-0.2 s late, a page 0.4-0.6 s). Frozen objects
        that later die in a reference cycle would never be collected, so every FULL_COLLECTION_EVERY
        builds everything is unfrozen and collected whole."""
        self._builds += 1
        if self._builds % FULL_COLLECTION_EVERY == 0:
            gc.unfreeze()
        started = time.perf_counter()
        _freeze_survivors()
        log.debug("serve: collected and froze the build's objects in %.3f s", time.perf_counter() - started)

    def wait_for_index(self, timeout: float | None = None) -> None:
        if self._index is not None:
            self._index.join(timeout)

    def _edited_first(self, config: SiteConfig, changed: frozenset[Path]) -> None:
        articles = config.articles_dir.resolve()
        if not (changed and self.ok and all(articles in p.parents for p in changed)):
            return  # a template, site.toml or a summary changed, or the last build failed
        try:
            written = rebuild.render_edited_first(config, sorted(changed), self.summary_of, self.memory)
        except Exception:  # only a head start: the full build that follows reports real problems
            log.debug("edited pages first: failed", exc_info=True)
            return
        if written:
            self.events.publish("reload", paths=self._urls(config, tuple(written)))

    @staticmethod
    def _urls(config: SiteConfig, changed: tuple[str, ...] | None) -> tuple[str, ...] | None:
        """The URL paths of changed pages for the reload event; None (every page) when a stylesheet
        or script changed or the whole site was swapped in."""
        if changed is None or any(p.startswith("assets/") for p in changed):
            return None
        return tuple(config.base_path + url_of(p) for p in changed if p.endswith(".html"))

    def warm_up(self, config: SiteConfig) -> None:
        """Load the extractors' models and compile the templates now (holding the build lock: a
        save waits, as it would anyway), so the first save's page is as quick as the next ones."""
        rules = config.topics
        with self.lock:
            try:
                env = self.memory.templates.env(config.templates_dir)
                for name in env.list_templates(filter_func=lambda n: n.endswith(".html") and "/" not in n):
                    env.get_template(name)
            except Exception:  # a broken template: the builds report it
                log.debug("warm-up of the templates failed", exc_info=True)
            for n, (kind, data) in enumerate(WARM_UP):
                source = Source(path=Path(f"warm-up-{n}"), rel=f"warm-up-{n}", kind=kind,
                                sha256=hashlib.sha256(data).hexdigest(), data=data)
                try:
                    process_source(source, rules)
                except Exception:  # only a head start; a real build reports real problems
                    log.debug("warm-up failed", exc_info=True)
            # Read only when a long Chinese token meets a short alias, which no warm-up text is
            # made to do (0.3-1 s of jieba's dictionary, paid by a first save that did).
            try:
                common_words(COMPOUND_MIN_FREQ)
            except (ImportError, OSError):  # the build that needs it reports it
                log.debug("warm-up of jieba's word list failed", exc_info=True)
            # What is alive now lives as long as the server: the articles' heads kept for the
            # next save (rebuild.Memory), models, templates. The collector need not walk them again:
            # at 10,000 articles a full collection took 0.3-0.9 s, a few times a build.
            _freeze_survivors()

    def _failed(self, message: str, build: bool = True) -> bool:
        if build:  # else only the search index failed: the pages and summaries are fine
            self.ok = False
            self.after_build()
        print(f"Build failed: {message}", file=sys.stderr)
        self.events.publish("build-error", message)
        return False


# Measured at 10,000 articles in digest serve: saves 0.02 s of a save's page reload (0.126 s with it, 0.146 s
# without) and 0.15 s of the full rebuild after it (20.3 s, 20.4 s); one server each, 3 saves; bench/mechanisms.py.
def _freeze_survivors() -> None:
    """Collect garbage, then move what survives out of the collector's reach (gc.freeze)."""
    gc.collect()
    gc.freeze()


@dataclass
class Running:
    """A dev server that is serving and watching; `stop()` ends both and closes event streams."""

    url: str
    port: int
    server: http.server.ThreadingHTTPServer
    watcher: Watcher
    events: Broadcaster
    rebuilder: Rebuilder
    thread: threading.Thread

    def stop(self) -> None:
        self.watcher.stop()
        self.rebuilder.wait_for_index(timeout=60)
        self.events.close()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def start_server(config_path: Path, port: int = 8000, base_url: str | None = None) -> Running:
    """Build once, then serve (on its own thread) and watch; raises ConfigError if site.toml is bad,
    PortUnavailable (before building: a build can take minutes) if the port is taken."""
    config = load_config(config_path, base_url=base_url)
    events = Broadcaster()
    server = make_server(config, port, events)  # bound now; requests wait until it serves
    try:
        rebuilder = Rebuilder(Path(config_path), base_url, events)
        rebuilder.rebuild()
        watcher = Watcher([config.articles_dir, config.templates_dir], [Path(config_path)], config.summaries_dir,
                          rebuilder.rebuild)
        rebuilder.after_build = watcher.record_summaries
        watcher.record_summaries()
    except BaseException:  # Ctrl-C during the first build: the port is let go
        server.server_close()
        raise
    watcher.start()  # a save during the warm-up is rebuilt after it
    # Before serving, not beside it: a save right after the server answered met the warm-up holding
    # the interpreter (imports) and waited 1.2 s for it at 10,000 articles; it adds 1-2 s to the start.
    rebuilder.warm_up(config)
    thread = threading.Thread(target=server.serve_forever, name="digest-serve", daemon=True)
    thread.start()
    port = server.server_address[1]
    url = f"http://127.0.0.1:{port}{config.base_path}"
    return Running(url, port, server, watcher, events, rebuilder, thread)


def _stop_on_sigterm(signum, frame):
    raise KeyboardInterrupt  # stop as Ctrl-C does: watcher, event streams and server closed


def serve(config_path: Path, port: int = 8000, base_url: str | None = None) -> int:
    running = start_server(config_path, port, base_url)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    print(f"Serving at {running.url}, watching for changes (Ctrl-C stops)", file=sys.stderr)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        running.stop()
    return 0

"""A local HTTP server on 127.0.0.1 for the ingest tests (imported by the other test_ingest_*
modules), and the failure kinds of fetching: each gives its one line, and nothing else is lost.

The server serves real pages (tests/fixtures/ingest/pages, from the extraction benchmark and the
example site) and routes written for a test; it logs every response's status, so a test can count
full downloads. It listens on 127.0.0.1 only and stops with the test.
"""

from __future__ import annotations

import gzip
import http.server
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from generator.ingest.add import add_urls
from generator.ingest.fetch import FetchError, HostGate, Limits, fetch, make_client
from generator.ingest.library import Library

PAGES = Path(__file__).resolve().parent / "fixtures" / "ingest" / "pages"


def page_bytes(name: str) -> bytes:
    return gzip.decompress((PAGES / f"{name}.gz").read_bytes())


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: dict = field(default_factory=dict)
    etag: str | None = None  # answer If-None-Match with 304
    hold: threading.Event | None = None  # wait for this before sending anything (a stalled server)
    chunked: bool = False  # no Content-Length: the body in chunks


class LocalServer:
    def __init__(self):
        self.routes: dict[str, Route] = {}
        self.log: list[tuple[str, int]] = []  # (path, status) of every response
        self.release = threading.Event()
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                route = server.routes.get(self.path)
                if route is None:
                    self._send(404, b"not here", {"Content-Type": "text/plain"})
                    return
                if route.hold is not None:
                    route.hold.wait(30)
                if route.etag and self.headers.get("If-None-Match") == route.etag:
                    self._send(304, b"", {"ETag": route.etag})
                    return
                headers = dict(route.headers)
                if route.etag:
                    headers["ETag"] = route.etag
                self._send(route.status, route.body, headers, route.chunked)

            def _send(self, status, body, headers, chunked=False):
                server.log.append((self.path, status))
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                if chunked:
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    try:
                        for i in range(0, len(body), 8192):
                            part = body[i:i + 8192]
                            self.wfile.write(f"{len(part):x}\r\n".encode() + part + b"\r\n")
                        self.wfile.write(b"0\r\n\r\n")
                    except OSError:
                        pass
                    return
                if status != 304:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if status != 304:
                    try:
                        self.wfile.write(body)
                    except OSError:
                        pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_port}{path}"

    def page(self, path: str, name: str, content_type: str = "text/html; charset=utf-8", **kw) -> str:
        self.routes[path] = Route(body=page_bytes(name), headers={"Content-Type": content_type}, **kw)
        return self.url(path)

    def full_downloads(self) -> int:
        return sum(1 for _, status in self.log if status == 200)


@pytest.fixture
def server():
    s = LocalServer()
    s.thread.start()
    yield s
    s.release.set()
    for route in s.routes.values():
        if route.hold is not None:
            route.hold.set()
    s.httpd.shutdown()
    s.httpd.server_close()


def _library(tmp_path: Path) -> Library:
    return Library(tmp_path / "articles", tmp_path / "cache").load()


# A small cap and short timeouts, so that the failures need no large bodies and no waiting.
SMALL = Limits(connect_timeout=5, read_timeout=0.5, total_timeout=30, max_redirects=5, max_bytes=256 * 1024,
               trusted=frozenset({"127.0.0.1"}))  # the test server: an address the person named


def failure_routes(server: LocalServer) -> dict[str, str]:
    """path -> the one line's reason each failure kind must give."""
    hold = threading.Event()
    server.routes.update({
        "/gone": Route(404, b"no", {"Content-Type": "text/html"}),
        "/broken": Route(500, b"oops", {"Content-Type": "text/html"}),
        "/stalled": Route(200, b"<html>late</html>", {"Content-Type": "text/html"}, hold=hold),
        "/loop-a": Route(302, b"", {"Location": "/loop-b"}),
        "/loop-b": Route(302, b"", {"Location": "/loop-a"}),
        "/huge": Route(200, b"<html>" + b"x" * (1024 * 1024), {"Content-Type": "text/html"}, chunked=True),
        "/huge-declared": Route(200, b"<html>" + b"x" * (1024 * 1024), {"Content-Type": "text/html"}),
        "/report.pdf": Route(200, b"%PDF-1.7 ...", {"Content-Type": "application/pdf"}),
        "/to-ftp": Route(301, b"", {"Location": "ftp://127.0.0.1/file"}),
    })
    return {
        "/gone": "404 Not Found",
        "/broken": "500 Internal Server Error",
        "/stalled": "timed out after 0.5 s",
        "/loop-a": "redirect loop (2 hops, back to " + server.url("/loop-a") + ")",
        "/huge": "too large (more than 0.25 MiB)",
        "/huge-declared": "too large (1 MiB; the limit is 0.25 MiB)",
        "/report.pdf": "not HTML (application/pdf)",
        "/to-ftp": "redirected to ftp://127.0.0.1/file: not an http(s) address (ftp:)",
    }


def test_each_failure_kind_gives_its_reason(server):
    expected = failure_routes(server)
    with make_client(limits=SMALL) as client:
        for path, reason in expected.items():
            with pytest.raises(FetchError) as caught:
                fetch(client, server.url(path), "html", SMALL)
            assert caught.value.reason == reason, path


def test_failures_are_one_line_each_and_the_rest_is_saved(server, tmp_path):
    expected = failure_routes(server)
    good = [server.page("/en", "dn-143b51c3684f.html"), server.page("/zh", "dn-2089bd1b0ee4.html")]
    urls = [good[0], *(server.url(p) for p in expected), good[1]]
    library = _library(tmp_path)
    with make_client(limits=SMALL) as client:
        outcomes = list(add_urls(urls, library, client, HostGate(0), SMALL, workers=3))
    assert [o.url for o in outcomes] == urls  # in the order given
    assert [o.status for o in outcomes] == ["saved"] + ["failed"] * len(expected) + ["saved"]
    assert [o.detail for o in outcomes[1:-1]] == list(expected.values())
    assert all("\n" not in o.detail for o in outcomes)
    assert sorted(p.name for p in (tmp_path / "articles").iterdir()) == sorted(o.detail for o in (outcomes[0], outcomes[-1]))


def test_only_http_addresses_are_fetched(server, tmp_path):
    library = _library(tmp_path)
    with make_client(limits=SMALL) as client:
        outcomes = list(add_urls(["file:///etc/passwd", "javascript:alert(1)", "http:///nohost", "mailto:a@b.c"],
                                 library, client, HostGate(0), SMALL))
    assert [o.status for o in outcomes] == ["failed"] * 4
    assert [o.detail for o in outcomes] == ["not an http(s) address (file:)", "not an http(s) address (javascript:)",
                                            "no host in the address", "not an http(s) address (mailto:)"]
    assert server.log == []  # nothing was asked of any server


def test_a_private_address_the_person_did_not_name_is_refused(server):
    """A feed entry or a redirect must not make a build machine fetch its own network's services;
    only hosts the person named (the addresses given to add, a source's feed) may be private."""
    from generator.ingest.fetch import FetchError, fetch, make_client, private_reason

    assert private_reason("http://127.0.0.1:9/x") and private_reason("http://10.0.0.1/") and private_reason("http://[::1]/")
    assert private_reason("http://169.254.169.254/latest/meta-data/")  # a cloud's metadata service
    assert private_reason("http://127.0.0.1:9/x", frozenset({"127.0.0.1"})) is None
    assert private_reason("http://93.184.216.34/") is None
    with make_client(limits=Limits()) as client:
        try:
            fetch(client, server.url("/article.html"), "html", Limits())
        except FetchError as exc:
            assert exc.reason.startswith("refused: 127.0.0.1 is a private address")
        else:
            raise AssertionError("a private address nobody named was fetched")

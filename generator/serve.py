"""`digest serve`: build, then serve the output folder on 127.0.0.1 under the site's base path."""

from __future__ import annotations

import functools
import http.server
import logging
import sys
from pathlib import Path

from .config import SiteConfig, load_config
from .pipeline import build

log = logging.getLogger(__name__)


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Static files of the output folder mounted at the base path; `/` redirects there."""

    base_path = "/"

    def translate_path(self, path: str) -> str:
        clean = path.split("?", 1)[0].split("#", 1)[0]
        if not clean.startswith(self.base_path):
            return str(Path(self.directory) / "__not_under_base__")
        return super().translate_path("/" + clean[len(self.base_path):])

    def send_head(self):
        if self.path in ("/", "") and self.base_path != "/":
            self.send_response(302)
            self.send_header("Location", self.base_path)
            self.end_headers()
            return None
        return super().send_head()

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / "404.html"
        if code == 404 and page.is_file():
            body = page.read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            return
        super().send_error(code, message, explain)

    def log_message(self, fmt, *args):
        log.debug("%s - %s", self.address_string(), fmt % args)


def make_server(config: SiteConfig, port: int) -> http.server.ThreadingHTTPServer:
    handler = type("Handler", (SiteHandler,), {"base_path": config.base_path})
    factory = functools.partial(handler, directory=str(config.output_dir))
    return http.server.ThreadingHTTPServer(("127.0.0.1", port), factory)


def serve(config_path: Path, port: int = 8000, base_url: str | None = None) -> int:
    config = load_config(config_path, base_url=base_url)
    report = build(config)
    print(f"Built {report.articles} articles, {len(report.skipped)} skipped", file=sys.stderr)
    server = make_server(config, port)
    print(f"Serving {config.output_dir} at http://127.0.0.1:{port}{config.base_path} (Ctrl-C stops)", file=sys.stderr)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0

"""How long `digest add` takes for N real pages from local servers, at a given concurrency.

Serves N pages of the extraction benchmark (../shared/benchmarks/extraction/dev/html) from
SERVERS local HTTP servers on 127.0.0.1 (one port each: add runs one connection per server), runs
`digest add --workers W --delay 0` on a fresh site in a temporary folder, and prints the wall time,
pages a second, and what was saved. Run by hand; nothing here is a test.

    .venv/bin/python bench/ingest_add.py --pages 100 --servers 1 --workers 1
    .venv/bin/python bench/ingest_add.py --pages 100 --servers 4 --workers 4
"""

from __future__ import annotations

import argparse
import gzip
import http.server
import json
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEV = REPO.parent / "shared" / "benchmarks" / "extraction" / "dev"


def serve(pages: dict[str, bytes]) -> http.server.ThreadingHTTPServer:
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_GET(self):
            body = pages.get(self.path)
            status = 200 if body is not None else 404
            body = body if body is not None else b"not here"
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=100)
    ap.add_argument("--servers", type=int, default=1)
    ap.add_argument("--workers", type=int, default=1)
    args = ap.parse_args()
    manifest = json.loads((DEV / "manifest.json").read_text(encoding="utf-8"))
    chosen = manifest["pages"][: args.pages]
    shards: list[dict[str, bytes]] = [{} for _ in range(args.servers)]
    for n, page in enumerate(chosen):
        shards[n % args.servers][f"/{page['id']}.html"] = gzip.decompress((DEV / page["files"]["html"]).read_bytes())
    servers = [serve(shard) for shard in shards]
    urls = [f"http://127.0.0.1:{servers[n % args.servers].server_port}/{page['id']}.html" for n, page in enumerate(chosen)]
    size = sum(len(b) for shard in shards for b in shard.values())
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp)
        (site / "content" / "articles").mkdir(parents=True)
        (site / "site.toml").write_text('[site]\ntitle = "bench"\nbase_url = "https://example.com/"\n', encoding="utf-8")
        started = time.monotonic()
        done = subprocess.run([str(Path(sys.executable).parent / "digest"), "add", "--config", str(site / "site.toml"),
                               "--workers", str(args.workers), "--delay", "0", *urls], capture_output=True, text=True)
        seconds = time.monotonic() - started
        saved = len(list((site / "content" / "articles").iterdir()))
        started = time.monotonic()
        again = subprocess.run([str(Path(sys.executable).parent / "digest"), "add", "--config", str(site / "site.toml"),
                                "--workers", str(args.workers), "--delay", "0", *urls], capture_output=True, text=True)
        again_seconds = time.monotonic() - started
    last = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    failures = [l for l in done.stderr.splitlines() if l.strip()]
    print(f"{len(urls)} pages ({size / 1e6:.1f} MB) from {args.servers} local server(s), {args.workers} at once: "
          f"{seconds:.1f} s wall, {len(urls) / seconds:.1f} pages/s, {saved} files saved, exit {done.returncode}")
    print(f"  digest: {last}")
    again_last = again.stdout.strip().splitlines()[-1] if again.stdout.strip() else ""
    print(f"  the same URLs again: {again_seconds:.1f} s wall; digest: {again_last}")
    for line in failures[:10]:
        print(f"  {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

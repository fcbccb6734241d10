"""Reload open pages after a rebuild: a server-sent event stream and the script that listens to it.

The script is added to HTML responses by the dev server only; files in the output folder never
contain it. Events: `reload` (a build succeeded) and `build-error` (a build failed; the page shows
the message as an overlay until the next good build reloads it).
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass

EVENTS_PATH = "/__digest/events"
# Browsers and proxies drop idle connections; a comment line now and then keeps the stream open.
KEEPALIVE_SECONDS = 15.0

RELOAD_SCRIPT = """<script>/* digest serve: live reload */(() => {
  const es = new EventSource("%s");
  es.addEventListener("reload", () => location.reload());
  es.addEventListener("build-error", (e) => {
    let box = document.getElementById("__digest_error");
    if (!box) {
      box = document.createElement("pre");
      box.id = "__digest_error";
      box.style.cssText = "position:fixed;inset:1em;z-index:2147483647;margin:0;padding:1em;" +
        "overflow:auto;background:#fff5f5;color:#900;border:2px solid #c00;white-space:pre-wrap;font:14px monospace";
      document.body.appendChild(box);
    }
    box.textContent = "Build failed\\n\\n" + JSON.parse(e.data).message;
  });
})();</script>
""" % EVENTS_PATH


@dataclass(frozen=True)
class Event:
    seq: int
    name: str  # "reload" | "build-error"
    message: str = ""

    def encode(self) -> bytes:
        data = json.dumps({"seq": self.seq, "message": self.message}, ensure_ascii=False)
        return f"event: {self.name}\nid: {self.seq}\ndata: {data}\n\n".encode("utf-8")


class Broadcaster:
    """The latest build event, handed to every open event stream; thread-safe."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._last = Event(0, "reload")
        self._closed = False

    @property
    def last(self) -> Event:
        with self._cond:
            return self._last

    def publish(self, name: str, message: str = "") -> Event:
        with self._cond:
            self._last = Event(self._last.seq + 1, name, message)
            self._cond.notify_all()
            return self._last

    def wait_after(self, seq: int, timeout: float) -> Event | None:
        """The first event newer than `seq`, or None after `timeout` or once closed."""
        with self._cond:
            self._cond.wait_for(lambda: self._closed or self._last.seq > seq, timeout)
            return None if self._closed or self._last.seq <= seq else self._last

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()


def inject_script(html: bytes) -> bytes:
    """The page with the reload script before </body> (or at the end when there is none)."""
    script = RELOAD_SCRIPT.encode("utf-8")
    at = html.lower().rfind(b"</body>")
    return html + script if at < 0 else html[:at] + script + html[at:]

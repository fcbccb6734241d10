"""Reload open pages after a rebuild: a server-sent event stream and the script that listens to it.

A tag loading the script is added to HTML responses by the dev server only; files in the output folder never
contain it. Events: `reload` (pages were rebuilt) and `build-error` (a build failed; the page shows
the message as an overlay until the next good build reloads it).

A `reload` names the URL paths of the pages that changed (`paths`), and a page reloads only when it
is one of them, so after a save the edited article's page reloads as soon as it is written and a
listing page when the rest of the build has rewritten it (as `hugo server`'s fast render does
for the pages being viewed). `paths` is null when every page should reload (a stylesheet changed,
the whole site was swapped in). A page showing the error overlay reloads on any `reload`.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from dataclasses import dataclass

EVENTS_PATH = "/__digest/events"
# Browsers and proxies drop idle connections; a comment line now and then keeps the stream open.
KEEPALIVE_SECONDS = 15.0
# Events kept for streams that were busy writing when newer ones came (a save yields two reloads).
HISTORY = 32

# A script file, not an inline script: the site's Content-Security-Policy (script-src 'self')
# blocks inline scripts, and it must stay as strict while serving as it is when published.
SCRIPT_PATH = "/__digest/reload.js"
RELOAD_TAG = f'<script src="{SCRIPT_PATH}"></script>'
RELOAD_JS = """/* digest serve: live reload */(() => {
  const es = new EventSource("%s");
  es.onopen = () => { document.documentElement.dataset.digestReload = "open"; };
  const here = () => location.pathname.replace(/index\\.html$/, "");
  es.addEventListener("reload", (e) => {
    const paths = JSON.parse(e.data).paths;
    if (!paths || paths.includes(here()) || document.getElementById("__digest_error")) location.reload();
  });
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
})();
""" % EVENTS_PATH


@dataclass(frozen=True)
class Event:
    seq: int
    name: str  # "reload" | "build-error"
    message: str = ""
    paths: tuple[str, ...] | None = None  # reload: the URL paths that changed (None: every page)

    def encode(self) -> bytes:
        body = {"seq": self.seq, "message": self.message}
        if self.name == "reload":
            body["paths"] = None if self.paths is None else list(self.paths)
        data = json.dumps(body, ensure_ascii=False)
        return f"event: {self.name}\nid: {self.seq}\ndata: {data}\n\n".encode("utf-8")


class Broadcaster:
    """The recent build events, handed to every open event stream; thread-safe."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._events: deque[Event] = deque([Event(0, "reload")], maxlen=HISTORY)
        self._closed = False

    @property
    def last(self) -> Event:
        with self._cond:
            return self._events[-1]

    def publish(self, name: str, message: str = "", paths: tuple[str, ...] | None = None) -> Event:
        with self._cond:
            event = Event(self._events[-1].seq + 1, name, message, paths)
            self._events.append(event)
            self._cond.notify_all()
            return event

    def wait_after(self, seq: int, timeout: float) -> list[Event]:
        """The events newer than `seq` (oldest first; a stream that fell further behind than the
        history gets the newest with every page reloading), or [] after `timeout` or once closed."""
        with self._cond:
            self._cond.wait_for(lambda: self._closed or self._events[-1].seq > seq, timeout)
            if self._closed:
                return []
            newer = [e for e in self._events if e.seq > seq]
            if newer and newer[0].seq > seq + 1 and newer[-1].name == "reload":
                return [Event(newer[-1].seq, "reload")]
            return newer

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()


def inject_script(html: bytes) -> bytes:
    """The page with the reload script before </body> (or at the end when there is none)."""
    script = RELOAD_TAG.encode("utf-8")
    at = html.lower().rfind(b"</body>")
    return html + script if at < 0 else html[:at] + script + html[at:]

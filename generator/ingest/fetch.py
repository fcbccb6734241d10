"""One page over HTTP(S) with every limit, and one line for each way it can fail.

httpx, with redirects followed here rather than by the client, so that every hop is checked (only
http(s), a loop named as a loop, at most MAX_REDIRECTS); the body is streamed and cut off at the
size cap, counted after decompression (a small gzip body can unpack to gigabytes).

Failures are FetchError(reason), the reason written for a person: "404 Not Found",
"not HTML (application/pdf)", "timed out after 20 s". `permanent` says whether trying again later
can help (a 404 will not; a timeout or a 503 may).
"""

from __future__ import annotations

import datetime as dt
import threading
import ipaddress
import socket
import time
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import Message
from http import HTTPStatus
from importlib.metadata import PackageNotFoundError, version
from urllib.parse import urljoin, urlsplit

import httpx

from generator.articles.discover import MAX_PAGE_BYTES

_MIB = 1024 * 1024
# Connecting takes well under a second to any live server; ten is generous for a slow network.
CONNECT_TIMEOUT = 10.0
# Between two reads of one response: a server silent for twenty seconds mid-page has stalled.
READ_TIMEOUT = 20.0
# A whole response, however steadily it trickles: a server sending a byte a second would pass the
# read timeout for ever. Two minutes is a 100 MiB page on a slow line.
TOTAL_TIMEOUT = 120.0
# Browsers follow 20 redirects; news sites use two or three (http -> https -> www -> the slug).
MAX_REDIRECTS = 10
HTML_TYPES = ("text/html", "application/xhtml+xml")
# What a feed is served as in practice (many servers say text/xml or text/plain): feedparser
# decides, so any type is accepted for a feed except the ones that are surely not one.
NOT_FEED_TYPES = ("image/", "audio/", "video/", "application/pdf", "application/zip", "font/")


def user_agent(contact: str | None = None) -> str:
    """An honest User-Agent: this program, its version, and where its owner publishes."""
    try:
        ours = version("digest")
    except PackageNotFoundError:
        ours = "0"
    where = f"; +{contact}" if contact else ""
    return f"digest/{ours} (personal news digest; fetches pages its owner asked for{where})"


@dataclass(frozen=True)
class Limits:
    connect_timeout: float = CONNECT_TIMEOUT
    read_timeout: float = READ_TIMEOUT
    total_timeout: float = TOTAL_TIMEOUT
    max_redirects: int = MAX_REDIRECTS
    max_bytes: int = MAX_PAGE_BYTES  # the build's own cap for a saved page
    # Hosts the person named (the addresses given to `digest add`, a source's feed): the only ones
    # that may be private (127.0.0.1, 10.x, a .local name). Any other host, a redirect's or a feed
    # entry's, that resolves to a private, loopback or link-local address is refused: a feed or a
    # page must not make a build machine (a CI runner) fetch its own network's services.
    trusted: frozenset = frozenset()


@dataclass(frozen=True)
class Fetched:
    """A response that arrived whole: 200 with its body, or 304 (not modified) without one."""

    url: str  # the address asked for
    final_url: str  # after redirects
    status: int
    content_type: str | None = None  # "text/html", without parameters
    charset: str | None = None  # the Content-Type header's charset parameter
    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None
    fetched_at: str = ""  # ISO 8601 UTC: when the response was read


class FetchError(Exception):
    def __init__(self, reason: str, permanent: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


def seconds(value: float) -> str:
    return f"{value:g} s"


def check_address(url: str) -> str | None:
    """Why this address is not fetched, or None: only absolute http(s) URLs with a host."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return "not a valid address"
    if parts.scheme.lower() not in ("http", "https"):
        return f"not an http(s) address ({parts.scheme or 'no scheme'}:)" if parts.scheme else "not an http(s) address"
    if not parts.hostname:
        return "no host in the address"
    return None


def private_reason(url: str, trusted: frozenset = frozenset()) -> str | None:
    """Why `url` is refused as a private address, or None (a trusted host, or only public addresses).
    A name is resolved here; the connection resolves it again (a name that changes its answer in
    between is not caught: no fetch follows this check with more trust than a browser would)."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    if not host or host in trusted:
        return None
    try:
        addresses = {ipaddress.ip_address(host)}
    except ValueError:
        try:
            addresses = {ipaddress.ip_address(info[4][0].split("%")[0]) for info in socket.getaddrinfo(host, None)}
        except (OSError, UnicodeError, ValueError):
            return None  # unresolvable: the connection fails with its own one line
    for address in sorted(addresses, key=str):
        if (address.is_private or address.is_loopback or address.is_link_local or address.is_reserved
                or address.is_multicast or address.is_unspecified):
            return f"refused: {host} is a private address ({address}); only addresses you name may be"
    return None


def make_client(contact: str | None = None, limits: Limits = Limits(), connections: int = 4) -> httpx.Client:
    timeout = httpx.Timeout(connect=limits.connect_timeout, read=limits.read_timeout,
                            write=limits.read_timeout, pool=None)
    return httpx.Client(timeout=timeout, follow_redirects=False,
                        limits=httpx.Limits(max_connections=connections, max_keepalive_connections=connections),
                        headers={"User-Agent": user_agent(contact),
                                 "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"})


def _content_type(header: str | None) -> tuple[str | None, str | None]:
    if not header:
        return None, None
    msg = Message()
    msg["content-type"] = header
    charset = msg.get_param("charset")
    return msg.get_content_type(), (charset if isinstance(charset, str) else None)


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "HTTP error"


def _looks_like_html(head: bytes) -> bool:
    start = head.lstrip()[:64].lower()
    return start.startswith((b"<!doctype html", b"<html", b"<head", b"<!--"))


def _check_type(kind: str, ctype: str | None, head: bytes) -> None:
    if kind == "html":
        if ctype in HTML_TYPES or (ctype is None and _looks_like_html(head)):
            return
        raise FetchError(f"not HTML ({ctype or 'no content type'})", permanent=True)
    if ctype and ctype.startswith(NOT_FEED_TYPES):
        raise FetchError(f"not a feed ({ctype})", permanent=True)


def _read_body(response: httpx.Response, limits: Limits, started: float) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limits.max_bytes:
        raise FetchError(f"too large ({int(declared) / _MIB:.0f} MiB; the limit is "
                         f"{limits.max_bytes / _MIB:g} MiB)", permanent=True)
    chunks, size = [], 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > limits.max_bytes:
            raise FetchError(f"too large (more than {limits.max_bytes / _MIB:g} MiB)", permanent=True)
        if time.monotonic() - started > limits.total_timeout:
            raise FetchError(f"timed out after {seconds(limits.total_timeout)} (too slow)")
        chunks.append(chunk)
    return b"".join(chunks)


def _redirect_target(url: str, response: httpx.Response, seen: list[str], limits: Limits) -> str:
    target = urljoin(url, response.headers.get("location", "").strip())
    problem = check_address(target) or private_reason(target, limits.trusted)
    if problem:
        raise FetchError(f"redirected to {target[:200]}: {problem}", permanent=True)
    if target in seen:
        raise FetchError(f"redirect loop ({len(seen)} hops, back to {target[:200]})", permanent=True)
    if len(seen) > limits.max_redirects:
        raise FetchError(f"too many redirects (more than {limits.max_redirects})", permanent=True)
    return target


def fetch(client: httpx.Client, url: str, kind: str = "html", limits: Limits = Limits(),
          etag: str | None = None, last_modified: str | None = None) -> Fetched:
    """GET `url` (kind "html" or "feed"), following redirects; Fetched or FetchError.
    With etag / last_modified the request is conditional and may come back as a 304."""
    problem = check_address(url) or private_reason(url, limits.trusted)
    if problem:
        raise FetchError(problem, permanent=True)
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    if kind == "feed":
        headers["Accept"] = ("application/rss+xml,application/atom+xml,application/feed+json,"
                             "application/xml;q=0.9,text/xml;q=0.9,*/*;q=0.5")
    try:
        return _fetch(client, url.strip(), kind, limits, headers)
    except FetchError:
        raise
    except httpx.ConnectTimeout:
        raise FetchError(f"timed out after {seconds(limits.connect_timeout)} (connecting)") from None
    except httpx.TimeoutException:
        raise FetchError(f"timed out after {seconds(limits.read_timeout)}") from None
    except httpx.ConnectError as exc:
        raise FetchError(f"cannot connect ({_short(exc)})") from None
    except httpx.InvalidURL as exc:
        raise FetchError(f"not a valid address ({_short(exc)})", permanent=True) from None
    except (httpx.TransportError, httpx.DecodingError) as exc:
        raise FetchError(f"broken response ({_short(exc) or type(exc).__name__})") from None


def _short(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:160]


def _fetch(client: httpx.Client, url: str, kind: str, limits: Limits, headers: dict) -> Fetched:
    started = time.monotonic()
    seen = [url]
    current = url
    while True:
        request = client.build_request("GET", current, headers=headers)
        response = client.send(request, stream=True)
        try:
            if response.has_redirect_location:  # 301-308 with a Location (not 304)
                current = _redirect_target(current, response, seen, limits)
                seen.append(current)
                continue
            return _complete(url, current, response, kind, limits, started)
        finally:
            response.close()


def _complete(url: str, final: str, response: httpx.Response, kind: str, limits: Limits,
              started: float) -> Fetched:
    status = response.status_code
    ctype, charset = _content_type(response.headers.get("content-type"))
    meta = dict(url=url, final_url=final, status=status, content_type=ctype, charset=charset,
                etag=response.headers.get("etag"), last_modified=response.headers.get("last-modified"),
                fetched_at=dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat())
    if status == 304:
        return Fetched(**meta)
    if status >= 400 or status < 200 or status in (204, 205):
        # 408 (timeout) and 429 (too many requests) are worth a later try; other 4xx are not.
        raise FetchError(f"{status} {_phrase(status)}", permanent=400 <= status < 500 and status not in (408, 429))
    if status >= 300:
        raise FetchError(f"{status} {_phrase(status)} without a usable Location", permanent=True)
    body = _read_body(response, limits, started)
    _check_type(kind, ctype, body[:512])
    if not body.strip():
        raise FetchError("empty response", permanent=True)
    return Fetched(**meta, body=body)


def server_key(url: str) -> str:
    """The server a URL is asked of: host and port (two ports are two servers, as for browsers'
    per-origin connection limits); "" for an address without a host."""
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").rstrip(".").lower()
        port = parts.port or {"http": 80, "https": 443}.get(parts.scheme.lower(), 0)
    except ValueError:
        return ""
    return f"{host}:{port}" if host else ""


class HostGate:
    """One request at a time per server (host and port), `delay` seconds apart: what `collect`
    and `add` owe a server. Thread-safe; servers are independent."""

    def __init__(self, delay: float = 0.0, clock=time.monotonic, sleep=time.sleep):
        self.delay = delay
        self._clock, self._sleep = clock, sleep
        self._locks: dict[str, threading.Lock] = {}
        self._last: dict[str, float] = {}
        self._guard = threading.Lock()

    @contextmanager
    def turn(self, url: str, delay: float | None = None):
        host = server_key(url)
        with self._guard:
            lock = self._locks.setdefault(host, threading.Lock())
        with lock:
            wait = (self._last.get(host, -1e9) + (self.delay if delay is None else delay)) - self._clock()
            if wait > 0:
                self._sleep(wait)
            try:
                yield
            finally:
                self._last[host] = self._clock()

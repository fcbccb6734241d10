"""[[sources]] -> their new entries' pages, saved when they belong to a topic (or all, per source).

Per source: the feed is asked for conditionally (the ETag and Last-Modified of the last complete
run, kept in .digest-cache/ingest/collect.json), so a run with nothing new costs one 304 per
feed and downloads nothing else. Entries seen before (saved, off-topic, gone for good) and
addresses already saved are not fetched. At most `limit` new pages a run, `delay` seconds apart
on one host. The validators are kept only when every new entry was dealt with: a feed with
entries left for the next run (the cap, a passing failure) is downloaded whole next time, or those
entries would hide behind a 304.

RSS and Atom are read by feedparser; JSON Feed (which feedparser 6 does not read) by json here.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

from generator.ingest.add import Outcome, add_one
from generator.incremental.files import read_json_state, write_json_state
from generator.ingest.fetch import FetchError, HostGate, Limits, fetch
from generator.ingest.library import Library
from generator.ingest.sources import FeedSource

log = logging.getLogger(__name__)

STATE_VERSION = 1
# Entry keys remembered per feed: far more than any feed lists at once (10-100), so an entry that
# drops out of the feed and comes back is still known, and the state stays small.
MAX_SEEN = 5000


@dataclass(frozen=True)
class FeedEntry:
    key: str  # the entry's id, else its link
    link: str | None  # the article's address (http(s)), None when the entry has none
    title: str = ""


class FeedError(ValueError):
    pass


@dataclass
class SourceReport:
    source: FeedSource
    status: str = "ok"  # "ok", "unchanged" (304), "failed"
    reason: str = ""
    entries: int = 0
    new: int = 0
    left: int = 0  # new entries beyond the per-run cap
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)


def _json_feed(data: dict) -> list[FeedEntry]:
    items = data.get("items")
    if not isinstance(items, list):
        raise FeedError("not a feed (a JSON Feed without items)")
    entries = []
    for item in items:
        if not isinstance(item, dict):
            continue
        link = item.get("url") or item.get("external_url")
        link = link.strip() if isinstance(link, str) and link.strip().lower().startswith(("http://", "https://")) else None
        key = str(item.get("id") or link or "")
        if key:
            entries.append(FeedEntry(key, link, str(item.get("title") or "")))
    return entries


def parse_feed(body: bytes, content_type: str | None, url: str) -> list[FeedEntry]:
    """The entries of an RSS, Atom or JSON Feed document; FeedError when it is none of them."""
    head = body.lstrip()[:1]
    if head == b"{":
        try:
            data = json.loads(body.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise FeedError(f"not a feed (broken JSON: {exc})") from None
        if not (isinstance(data, dict) and str(data.get("version", "")).startswith("https://jsonfeed.org/version/")):
            raise FeedError("not a feed (JSON, but not a JSON Feed)")
        return _json_feed(data)
    import feedparser

    parsed = feedparser.parse(body, response_headers={"content-type": content_type or "application/xml",
                                                      "content-location": url})
    if not parsed.get("version"):
        problem = parsed.get("bozo_exception")
        raise FeedError(f"not a feed ({str(problem).splitlines()[0][:120] if problem else 'no RSS, Atom or JSON Feed found'})")
    entries = []
    for e in parsed.entries:
        link = e.get("link")
        link = link.strip() if isinstance(link, str) and link.strip().lower().startswith(("http://", "https://")) else None
        key = str(e.get("id") or link or "")
        if key:
            entries.append(FeedEntry(key, link, str(e.get("title") or "")))
    return entries


class CollectState:
    """What collect remembers per feed: its validators and the entries already dealt with."""

    def __init__(self, cache_dir: Path):
        self.path = Path(cache_dir) / "ingest" / "collect.json"
        self.feeds: dict[str, dict] = {}

    def load(self) -> "CollectState":
        self.feeds = read_json_state(self.path, STATE_VERSION, "feeds", "every feed is read whole this time")
        return self

    def save(self) -> None:
        write_json_state(self.path, STATE_VERSION, "feeds", self.feeds, indent=1)


def on_topic(rules):
    """The accept hook of a source that saves only what belongs to a topic."""
    from generator.articles.classify import classify_article

    def accept(article) -> str | None:
        return None if any(s.assigned for s in classify_article(article, rules)) else "not on a topic"

    return accept


def collect_source(source: FeedSource, topics, library: Library, client, state: CollectState,
                   limits: Limits = Limits()) -> SourceReport:
    report = SourceReport(source)
    remembered = state.feeds.get(source.feed, {})
    gate = HostGate(source.delay)
    try:
        with gate.turn(source.feed):
            got = fetch(client, source.feed, "feed", limits, remembered.get("etag"), remembered.get("last_modified"))
        if got.status == 304:
            report.status = "unchanged"
            return report
        entries = parse_feed(got.body, got.content_type, got.final_url)
    except (FetchError, FeedError) as exc:
        report.status, report.reason = "failed", getattr(exc, "reason", None) or str(exc)
        return report
    seen = list(remembered.get("seen", []))
    seen_set = set(seen)
    report.entries = len(entries)
    new = []
    for e in entries:
        if e.key in seen_set or e.link is None:
            continue
        if library.known_url(e.link):
            seen.append(e.key)
            seen_set.add(e.key)
            continue
        new.append(e)
    report.new = len(new)
    report.left = max(0, len(new) - source.limit)
    accept = on_topic(topics) if source.save == "topics" else None
    complete = report.left == 0
    for e in new[: source.limit]:
        outcome = add_one(e.link, library, client, gate, limits, accept)
        report.outcomes.append(outcome)
        if outcome.status != "failed" or outcome.permanent:
            seen.append(e.key)
        else:
            complete = False
    state.feeds[source.feed] = {
        "etag": got.etag if complete else None,
        "last_modified": got.last_modified if complete else None,
        "seen": seen[-MAX_SEEN:],
    }
    return report


def report_line(report: SourceReport) -> str:
    """One line per source: `Reuters China: 42 entries, 3 new, 2 on a topic, saved`."""
    name = report.source.name
    if report.status == "unchanged":
        return f"{name}: not modified since the last run"
    if report.status == "failed":
        return f"{name}: {report.reason}"
    parts = [f"{report.entries} {'entry' if report.entries == 1 else 'entries'}", f"{report.new} new"]
    saved, known, failed = report.count("saved"), report.count("known"), report.count("failed")
    if report.source.save == "topics" and report.outcomes:
        parts.append(f"{saved} on a topic")  # what was classified and kept; off-topic pages are not saved
        if saved:
            parts.append("saved")
    elif saved:
        parts.append("saved" if saved == len(report.outcomes) else f"{saved} saved")
    if known:
        parts.append(f"{known} already saved")
    if failed:
        parts.append(f"{failed} failed")
    if report.left:
        parts.append(f"{report.left} left for the next run (limit {report.source.limit})")
    return f"{name}: " + ", ".join(parts)

"""Entries -> RSS 2.0 and Atom feeds (feedgen), site-wide and one pair per topic.

Every URL in a feed is absolute; item ids come from the summary files (minted once); the build
date is the newest entry's date, never the clock, so two builds give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import json
from html import escape

from feedgen.feed import FeedGenerator

from .config import SiteConfig
from .markup import render_markdown
from .records import Entry, OutputFile
from .render import sort_entries, topic_views

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


def entry_datetime(entry: Entry) -> dt.datetime | None:
    """The entry's published time as an aware datetime (dates at 00:00 UTC)."""
    if not entry.published:
        return None
    try:
        value = dt.datetime.fromisoformat(entry.published)
    except ValueError:
        try:
            value = dt.datetime.combine(dt.date.fromisoformat(entry.published[:10]), dt.time())
        except ValueError:
            return None
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def item_html(entry: Entry, page_url: str, labels: dict[str, str]) -> str:
    parts = [render_markdown(entry.summary, base=page_url)]
    if entry.key_points:
        points = "".join(f"<li>{escape(p)}</li>" for p in entry.key_points)
        parts.append(f"<h3>{escape(labels['key_points'])}</h3><ul>{points}</ul>")
    link = entry.url if entry.url and entry.url.startswith(("http://", "https://")) else page_url
    parts.append(f'<p><a href="{escape(link)}">{escape(labels["read_original"])}</a></p>')
    return "\n".join(parts)


def _generator(config: SiteConfig, title: str, base: str, updated: dt.datetime, kind: str) -> FeedGenerator:
    fg = FeedGenerator()
    page_url = config.base_url + base
    self_url = page_url + ("feed.xml" if kind == "rss" else "atom.xml")
    fg.id(page_url)
    fg.title(title)
    # site.toml's description is plain text. Atom says so (type="text"); an RSS channel description
    # is read as HTML by readers (feedparser too), so there it is escaped once more and shows as typed.
    description = config.description or title
    fg.subtitle(escape(description, quote=False) if kind == "rss" else description)
    # feedgen's RSS <link> is the last link added: the self link first, the page last.
    fg.link(href=self_url, rel="self", type="application/rss+xml" if kind == "rss" else "application/atom+xml")
    fg.link(href=page_url, rel="alternate")
    fg.language(config.language)
    fg.updated(updated)
    fg.lastBuildDate(updated)
    fg.generator("digest")
    if config.author:
        fg.author({"name": config.author})
    return fg


def build_feed(config: SiteConfig, entries: list[Entry], title: str, base: str, kind: str,
               labels: dict[str, str], topic_names: dict[str, str]) -> bytes:
    chosen = sort_entries(entries)[: config.feed_items]
    dates = [d for d in (entry_datetime(e) for e in chosen) if d]
    updated = max(dates) if dates else EPOCH
    fg = _generator(config, title, base, updated, kind)
    for e in reversed(chosen):  # feedgen prepends by default; reversed keeps newest first
        page_url = f"{config.base_url}articles/{e.slug}/"
        fe = fg.add_entry()
        fe.id(e.id)
        fe.guid(e.id, permalink=False)
        fe.title(e.title)
        fe.link(href=page_url, rel="alternate")
        when = entry_datetime(e) or updated
        fe.published(when)
        fe.updated(when)
        html = item_html(e, page_url, labels)
        if kind == "rss":
            fe.description(html)
        else:
            fe.content(html, type="html")
        if e.author:
            fe.author({"name": e.author})
        for slug in e.topics:
            if slug in topic_names:
                fe.category(term=slug, label=topic_names[slug])
    return fg.rss_str(pretty=True) if kind == "rss" else fg.atom_str(pretty=True)


def build_json_feed(config: SiteConfig, entries: list[Entry], title: str, base: str,
                    labels: dict[str, str], topic_names: dict[str, str]) -> bytes:
    """JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/)."""
    items = []
    for e in sort_entries(entries)[: config.feed_items]:
        page_url = f"{config.base_url}articles/{e.slug}/"
        item = {"id": e.id, "url": page_url, "title": e.title,
                "content_html": item_html(e, page_url, labels), "summary": e.summary,
                "language": e.language, "tags": [topic_names[t] for t in e.topics if t in topic_names]}
        if e.url and e.url.startswith(("http://", "https://")):
            item["external_url"] = e.url
        when = entry_datetime(e)
        if when:
            item["date_published"] = when.isoformat()
        if e.author:
            item["authors"] = [{"name": e.author}]
        items.append(item)
    feed = {"version": "https://jsonfeed.org/version/1.1", "title": title,
            "home_page_url": config.base_url + base, "feed_url": f"{config.base_url}{base}feed.json",
            "description": config.description, "language": config.language, "items": items}
    return (json.dumps(feed, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def render_feeds(config: SiteConfig, entries: list[Entry], labels: dict[str, str]) -> list[OutputFile]:
    topics = topic_views(config, entries)
    names = {t["slug"]: t["name"] for t in topics}
    targets = [("", config.title, entries)]
    targets += [(f"topics/{t['slug']}/", f"{t['name']} · {config.title}",
                 [e for e in entries if t["slug"] in e.topics]) for t in topics]
    files = []
    for base, title, chosen in targets:
        for kind, name in (("rss", "feed.xml"), ("atom", "atom.xml")):
            files.append(OutputFile(base + name, build_feed(config, chosen, title, base, kind, labels, names)))
        files.append(OutputFile(base + "feed.json", build_json_feed(config, chosen, title, base, labels, names)))
    return files

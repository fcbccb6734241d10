"""Entries -> RSS 2.0 and Atom feeds (feedgen), site-wide and one pair per topic.

Every URL in a feed is absolute and an ASCII URI (a Chinese slug percent-encoded: the W3C
validator rejects a raw IRI in RSS <link> and Atom href); item ids come from the summary files
(minted once); the build date is the newest entry's date, never the clock, so two builds give the
same bytes.

Dates are never invented. An article whose publication date is unknown has no RSS pubDate, no Atom
<published> and no JSON Feed date_published; Atom requires an entry's <updated>, which is when the
person saved it when the saving tool recorded that, else the Unix epoch: a value no reader takes for
a real date, that never changes (a changing <updated> shows an item as edited), and that sorts the
article last, as the site does. Articles sharing a date keep it (no made-up seconds to make them
distinct: the validator's warning about equal <updated> values is accepted).
"""

from __future__ import annotations

import datetime as dt
import json
from html import escape

from feedgen.feed import FeedGenerator

from generator.config import SiteConfig
from generator.dates import instant, zone_named
from generator.markup import render_markdown
from generator.records import Entry, OutputFile, Story
from generator.ingest.opml import site_opml
from generator.site.views import article_url, sort_entries, topic_views
from generator.urls import ascii_uri, http_url

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


def entry_datetime(entry: Entry, zone: dt.tzinfo | None = None) -> dt.datetime | None:
    """The entry's publication time as an aware datetime: a bare day is its first moment, and a
    zone-less time is read, in `zone` (the site's [dates] zone); None when unknown."""
    return instant(entry.published, zone)


def original_link(entry: Entry) -> str | None:
    """The original article's address as an ASCII URI, when it is known and http(s)."""
    return ascii_uri(entry.url) if http_url(entry.url) else None


def item_html(entry: Entry, page_url: str, labels: dict[str, str]) -> str:
    parts = [render_markdown(entry.summary, base=page_url)]
    if entry.key_points:
        points = "".join(f"<li>{escape(p)}</li>" for p in entry.key_points)
        parts.append(f"<h3>{escape(labels['key_points'])}</h3><ul>{points}</ul>")
    outlet = f" ({escape(entry.outlet)})" if entry.outlet else ""
    link = original_link(entry)
    if link:
        parts.append(f'<p><a href="{escape(link)}">{escape(labels["read_original"])}</a>{outlet}</p>')
    elif entry.outlet:
        parts.append(f"<p>{escape(labels['source'])}: {escape(entry.outlet)}</p>")
    return "\n".join(parts)


def _generator(config: SiteConfig, title: str, base: str, updated: dt.datetime, kind: str) -> FeedGenerator:
    fg = FeedGenerator()
    page_url = ascii_uri(config.base_url + base)
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
    if kind == "rss":
        fg.load_extension("dc", atom=False, rss=True)  # dc:creator, declared once on <rss>
    if config.author:
        fg.author({"name": config.author})
    return fg


def story_url(base_url: str, story_id: str) -> str:
    return ascii_uri(f"{base_url}stories/{story_id}/")


def build_feed(config: SiteConfig, entries: list[Entry], title: str, base: str, kind: str,
               labels: dict[str, str], topic_names: dict[str, str], stories: dict[str, Story] | None = None) -> bytes:
    chosen = sort_entries(entries)[: config.feed_items]
    zone = zone_named(config.zone)
    dates = [d for e in chosen for d in (entry_datetime(e, zone), instant(e.saved, zone)) if d]
    updated = max(dates) if dates else EPOCH
    fg = _generator(config, title, base, updated, kind)
    for e in reversed(chosen):  # feedgen prepends by default; reversed keeps newest first
        page_url = article_url(config.base_url, e.slug)
        fe = fg.add_entry()
        fe.id(e.id)
        fe.guid(e.id, permalink=False)
        fe.title(e.title)
        fe.link(href=page_url, rel="alternate")
        published = entry_datetime(e, zone)
        if published:
            fe.published(published)
        fe.updated(published or instant(e.saved, zone) or EPOCH)
        html = item_html(e, page_url, labels)
        if kind == "rss":
            fe.description(html)
        else:
            fe.content(html, type="html")
        if e.author:
            if kind == "rss":  # RSS <author> must be an e-mail address: the name goes in dc:creator
                fe.dc.dc_creator(e.author)
            else:
                fe.author({"name": e.author})
        for slug in e.topics:
            if slug in topic_names:
                fe.category(term=slug, label=topic_names[slug])
        story = (stories or {}).get(e.story or "")
        if story is not None:  # the story it is part of: its headline, in the taxonomy of the site's stories
            url = story_url(config.base_url, story.id)
            if kind == "rss":  # <category domain="…/stories/ID/">headline</category>
                fe.category(term=story.headline, scheme=url)
            else:
                fe.category(term=f"story:{story.id}", scheme=ascii_uri(config.base_url + "stories/"),
                            label=story.headline)
    return fg.rss_str(pretty=True) if kind == "rss" else fg.atom_str(pretty=True)


def build_json_feed(config: SiteConfig, entries: list[Entry], title: str, base: str,
                    labels: dict[str, str], topic_names: dict[str, str], stories: dict[str, Story] | None = None
                    ) -> bytes:
    """JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/)."""
    items = []
    zone = zone_named(config.zone)
    for e in sort_entries(entries)[: config.feed_items]:
        page_url = article_url(config.base_url, e.slug)
        item = {"id": e.id, "url": page_url, "title": e.title,
                "content_html": item_html(e, page_url, labels), "summary": e.summary,
                "language": e.language, "tags": [topic_names[t] for t in e.topics if t in topic_names]}
        original = original_link(e)
        if original:
            item["external_url"] = original
        when = entry_datetime(e, zone)
        if when:
            item["date_published"] = when.isoformat()
        if e.author:
            item["authors"] = [{"name": e.author}]
        story = (stories or {}).get(e.story or "")
        if story is not None:  # an extension (JSON Feed 1.1: keys starting with "_")
            item["_story"] = {"id": story.id, "url": story_url(config.base_url, story.id), "title": story.headline}
        items.append(item)
    feed = {"version": "https://jsonfeed.org/version/1.1", "title": title,
            "home_page_url": ascii_uri(config.base_url + base), "feed_url": ascii_uri(f"{config.base_url}{base}feed.json"),
            "description": config.description, "language": config.language, "items": items}
    return (json.dumps(feed, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def render_feeds(config: SiteConfig, entries: list[Entry], labels: dict[str, str],
                 stories: list[Story] = ()) -> list[OutputFile]:
    topics = topic_views(config, entries)
    by_id = {s.id: s for s in stories}
    names = {t["slug"]: t["name"] for t in topics}
    targets = [("", config.title, entries)]
    targets += [(f"topics/{t['slug']}/", f"{t['name']} · {config.title}",
                 [e for e in entries if t["slug"] in e.topics]) for t in topics]
    files = []
    for base, title, chosen in targets:
        for kind, name in (("rss", "feed.xml"), ("atom", "atom.xml")):
            files.append(OutputFile(base + name, build_feed(config, chosen, title, base, kind, labels, names, by_id)))
        files.append(OutputFile(base + "feed.json", build_json_feed(config, chosen, title, base, labels, names, by_id)))
    # every feed above in one OPML list, so a reader subscribes to all topics at once
    files.append(OutputFile("feeds.opml", site_opml(config, topics)))
    return files

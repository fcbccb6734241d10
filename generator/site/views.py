"""Entries -> what each page shows: the page specs (path, template, context) of the home page,
topic pages, article pages, archive, about, search and 404, with their pagination and feed links,
and the dicts templates see of an entry. Pure: nothing here renders or writes (render.py does).
"""

from __future__ import annotations

import bisect
import functools
import posixpath
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from generator.dates import instant
from generator.markup import render_markdown, safe_url
from generator.records import Entry, Story, StoryLink
from generator.site.search import search_bundles
from generator.urls import ascii_uri, http_url

# SiteConfig (generator/config.py) is named in annotations only, never imported (see render.py).

@dataclass(frozen=True)
class PageSpec:
    path: str  # output path, e.g. "topics/aukus/index.html"
    template: str
    title: str
    context: dict



def article_url(base_url: str, slug: str) -> str:
    """An article page's public address, as feeds, sitemaps and structured data write it (ASCII)."""
    return ascii_uri(f"{base_url}articles/{slug}/")


def url_of(path: str) -> str:
    """The public URL path (relative to the base) of an output file: directories for index.html."""
    return path[: -len("index.html")] if path.endswith("index.html") else path


@functools.lru_cache(maxsize=65536)
def relative_link(target: str, from_path: str) -> str:
    """Link from the page at `from_path` to the base-relative `target` ("" is the home page).
    Both are clean relative POSIX paths, so this is list arithmetic (posixpath.relpath would call
    abspath twice: a third of rendering time); pages share links, hence the cache."""
    start = [p for p in posixpath.dirname(from_path).split("/") if p]
    parts = [p for p in target.split("/") if p]
    common = 0
    while common < min(len(start), len(parts)) and start[common] == parts[common]:
        common += 1
    link = "/".join([".."] * (len(start) - common) + parts[common:]) or "."
    if target.endswith("/") or target == "":
        link = link.rstrip("/") + "/"
    return "./" if link in ("./", "/") else link


def topic_views(config: SiteConfig, entries: list[Entry]) -> list[dict]:
    lang = config.language
    views = []
    for rule in config.topics:
        names = rule.names
        key = lang if lang in names else ("en" if "en" in names else next(iter(names)))
        desc = rule.description
        if isinstance(desc, dict):
            desc = desc.get(lang) or desc.get("en") or next(iter(desc.values()), "")
        views.append({
            "slug": rule.slug,
            "name": names[key],
            "name_lang": key,
            "other_names": [{"lang": k, "name": v} for k, v in names.items() if k != key and v != names[key]],
            "description": desc or "",
            "count": sum(1 for e in entries if rule.slug in e.topics),
        })
    return views


def entry_view(entry: Entry) -> dict[str, Any]:
    view = dict(entry.__dict__)
    view["summary_html"] = Markup(render_markdown(entry.summary))
    view["safe_url"] = entry.url if http_url(entry.url) and safe_url(entry.url) else None
    return view


def _when(entry: Entry) -> float | None:
    """When the article is placed in time: published, else saved (an undated article sorts by when
    it was saved), as a timestamp; None when neither is known."""
    value = instant(entry.published) or instant(entry.saved)
    return value.timestamp() if value else None


def sort_entries(entries: list[Entry]) -> list[Entry]:
    """Newest first; articles with neither date last; ties broken by slug so the order never
    depends on input order."""
    keyed = [(_when(e), e) for e in entries]
    return [e for when, e in sorted(keyed, key=lambda p: (p[0] is not None, p[0] or 0.0, p[1].slug), reverse=True)]


def paginate(base: str, items: list, size: int) -> list[tuple[str, list, dict]]:
    """[(output path, items on the page, pagination info)] with page 1 at `base`index.html."""
    chunks = [items[i:i + size] for i in range(0, len(items), size)] or [[]]
    paths = [f"{base}index.html"] + [f"{base}page/{n}/index.html" for n in range(2, len(chunks) + 1)]
    pages = []
    for n, (path, chunk) in enumerate(zip(paths, chunks), start=1):
        info = {
            "number": n,
            "pages": len(chunks),
            "newer": url_of(paths[n - 2]) if n > 1 else None,
            "older": url_of(paths[n]) if n < len(chunks) else None,
        }
        pages.append((path, chunk, info))
    return pages


def feed_links(config: SiteConfig, base: str, title: str, topic: dict | None = None) -> list[dict]:
    """The three feeds under `base`: the whole site's, or `topic`'s (its name shown beside them, so
    a page offering both sets says which is which)."""
    scope = {"scope": "topic", "name": topic["name"], "name_lang": topic["name_lang"]} if topic else {"scope": "site"}
    return [
        {"type": "application/rss+xml", "title": f"{title} (RSS)", "label": "RSS", "target": f"{base}feed.xml", **scope},
        {"type": "application/atom+xml", "title": f"{title} (Atom)", "label": "Atom", "target": f"{base}atom.xml",
         **scope},
        {"type": "application/feed+json", "title": f"{title} (JSON Feed)", "label": "JSON Feed",
         "target": f"{base}feed.json", **scope},
    ]


def feed_groups(feeds: list[dict]) -> list[dict]:
    """Feeds in runs of one scope, in order: [{"scope", "name", "name_lang", "feeds"}]."""
    groups: list[dict] = []
    for feed in feeds:
        if not groups or (groups[-1]["scope"], groups[-1]["name"]) != (feed["scope"], feed.get("name")):
            groups.append({"scope": feed["scope"], "name": feed.get("name"), "name_lang": feed.get("name_lang"),
                           "feeds": []})
        groups[-1]["feeds"].append(feed)
    return groups


def month_groups(views: list[Entry]) -> list[tuple[str, list[Entry]]]:
    """[("2025-10", entries), ...] newest month first; undated entries under "undated"."""
    groups: dict[str, list[Entry]] = {}
    for v in views:
        key = v.published[:7] if v.published and len(v.published) >= 7 else "undated"
        groups.setdefault(key, []).append(v)
    return sorted(groups.items(), key=lambda kv: (kv[0] != "undated", kv[0]), reverse=True)


def archive_specs(views: list[Entry], site_feeds: list[dict], labels: dict) -> list[PageSpec]:
    months = month_groups(views)
    index = [{"key": k, "count": len(v), "target": f"archive/{k}/"} for k, v in months]
    specs = [PageSpec("archive/index.html", "archive.html", labels["archive"],
                      {"months": index, "feeds": site_feeds, "entries": []})]
    for key, chosen in months:
        specs.append(PageSpec(f"archive/{key}/index.html", "archive.html", f"{labels['archive']} {key}",
                              {"months": [], "month": key, "entries": chosen, "feeds": site_feeds}))
    return specs


def page_specs(config: SiteConfig, entries: list[Entry], topics: list[dict], labels: dict,
               stories: list[Story] = ()) -> list[PageSpec]:
    """Every page as a PageSpec whose context holds Entry records (turned into template views only
    when the page is rendered), so a page's key can be computed without rendering anything."""
    views = sort_entries(entries)
    site_feeds = feed_links(config, "", config.title)
    specs = home_specs(config, views, topics, site_feeds, labels)
    by_id = {s.id: s for s in stories}
    related = Related(stories)
    for t in topics:
        rows = timeline([v for v in views if t["slug"] in v.topics], by_id)
        feeds = feed_links(config, f"topics/{t['slug']}/", t["name"], t) + site_feeds
        for path, chunk, info in paginate(f"topics/{t['slug']}/", rows, config.page_size):
            specs.append(PageSpec(path, "topic.html", t["name"],
                                  {"rows": chunk, "pagination": info, "topic": t, "feeds": feeds,
                                   "description": t["description"]}))
    by_slug = {v.slug: v for v in views}
    for s in stories:
        specs.append(story_spec(s, [by_slug[slug] for slug in s.slugs if slug in by_slug], related.of_story(s),
                                site_feeds))
    specs.extend(article_specs(views, site_feeds, stories, related))
    about = {"feeds": site_feeds, "heading": config.about_title, "about": config.about_text,
             "counts": {t["slug"]: t["count"] for t in topics}}
    specs.append(PageSpec("about/index.html", "about.html", config.about_title, about))
    specs.extend(archive_specs(views, site_feeds, labels))
    bundles = search_bundles(f"articles/{v.slug}/index.html" for v in views)
    specs.append(PageSpec("search/index.html", "search.html", labels["search"], {"feeds": site_feeds,
                                                                               "bundles": bundles}))
    specs.append(PageSpec("404.html", "404.html", "404", {"feeds": site_feeds}))
    return specs


# Newest articles of each topic on the home page: a few headlines per topic keep the page to a
# screen or two with the handful of topics a site follows; the topic's own page has the rest.
HOME_TOPIC_ARTICLES = 3


def home_specs(config: SiteConfig, views: list[Entry], topics: list[dict], site_feeds: list[dict],
               labels: dict) -> list[PageSpec]:
    """The home page: each topic's newest articles (HOME_TOPIC_ARTICLES) with its count and a link
    to its page, then, apart, the articles no topic took, newest first, paginated under it
    (page/2/, ...). With no topic stories, the list is every article ("latest")."""
    slugs = {t["slug"] for t in topics}
    sections = [{"topic": t, "entries": [v for v in views if t["slug"] in v.topics][:HOME_TOPIC_ARTICLES]}
                for t in topics if t["count"]]
    others = [v for v in views if not slugs.intersection(v.topics)]
    heading = labels["other_articles"] if sections else labels["latest"]
    specs = []
    for path, chunk, info in paginate("", others, config.page_size):
        first = info["number"] == 1
        specs.append(PageSpec(path, "index.html", "" if first else f"{heading} {info['number']}",
                              {"entries": chunk, "pagination": info, "feeds": site_feeds, "heading": config.title,
                               "intro": config.description if first else "", "sections": sections if first else [],
                               "list_heading": heading}))
    return specs


def _link(story: Story | None) -> StoryLink | None:
    return story.link if story is not None else None


def article_spec(entry: Entry, site_feeds: list[dict], story: Story | None = None,
                 related: tuple[Story | None, Story | None] = (None, None)) -> PageSpec:
    """An article's page: made from its entry, the story it is part of (a story of two articles or
    more) and the related stories before and after it, each only as a link (its id and headline),
    and what every page shares."""
    return PageSpec(f"articles/{entry.slug}/index.html", "article.html", entry.title,
                    {"e": entry, "feeds": site_feeds, "og_type": "article", "lang": entry.language,
                     "description": _plain_summary(entry.summary), "story": _link(story),
                     "before": _link(related[0]), "after": _link(related[1])})


def article_specs(entries: list[Entry], site_feeds: list[dict], stories: list[Story],
                  related: Related | None = None) -> list[PageSpec]:
    """The pages of these articles, each with its story and the stories before and after it
    (`related`: Related(stories), when the caller has it)."""
    by_id, related = {s.id: s for s in stories}, related or Related(stories)
    return [article_spec(e, site_feeds, by_id.get(e.story), related.of_entry(e, by_id.get(e.story)))
            for e in entries]


def story_spec(story: Story, members: list[Entry], related: tuple[Story | None, Story | None],
               site_feeds: list[dict]) -> PageSpec:
    """A story's page: its headline, summary, key points and figures, and every article, newest
    last (`members` are in that order already: Story.slugs)."""
    return PageSpec(f"stories/{story.id}/index.html", "story.html", story.headline,
                    {"story": story, "entries": members, "feeds": site_feeds, "lang": story.language,
                     "outlet_of": {e.slug: e.outlet or e.site_name or e.title for e in members},
                     "description": _plain_summary(story.summary), "before": _link(related[0]),
                     "after": _link(related[1])})


def timeline(views: list[Entry], stories: dict[str, Story]) -> list[dict]:
    """A topic's page as a timeline: one row per story (its articles, newest first), where the
    story's newest article places it, and one per article that is a story of its own."""
    rows: list[dict] = []
    seen: dict[str, dict] = {}
    for v in views:
        story = stories.get(v.story) if v.story else None
        if story is None:
            rows.append({"story": None, "entries": [v]})
        elif v.story in seen:
            seen[v.story]["entries"].append(v)
        else:
            seen[v.story] = {"story": story, "entries": [v]}
            rows.append(seen[v.story])
    return rows


class Related:
    """The stories told before and after a story, or an article alone, in its first topic: the
    stories of that topic in order of their first article."""

    def __init__(self, stories: list[Story]):
        self.by_topic: dict[str, list[Story]] = {}
        for s in stories:
            if s.topics and s.first:
                self.by_topic.setdefault(s.topics[0], []).append(s)
        self.keys: dict[str, list[tuple[str, str]]] = {}
        for topic, rows in self.by_topic.items():
            rows.sort(key=lambda s: (s.first, s.id))
            self.keys[topic] = [(s.first, s.id) for s in rows]

    def _around(self, topic: str, when: tuple[str, str]) -> tuple[Story | None, Story | None]:
        rows, keys = self.by_topic.get(topic, []), self.keys.get(topic, [])
        lo = bisect.bisect_left(keys, when)
        hi = lo + 1 if lo < len(keys) and keys[lo] == when else lo  # the story itself is not its neighbour
        return (rows[lo - 1] if lo > 0 else None, rows[hi] if hi < len(rows) else None)

    def of_story(self, story: Story) -> tuple[Story | None, Story | None]:
        if not story.topics or not story.first:
            return None, None
        return self._around(story.topics[0], (story.first, story.id))

    def of_entry(self, entry: Entry, story: Story | None) -> tuple[Story | None, Story | None]:
        if story is not None:
            return self.of_story(story)
        day = (entry.published or "")[:10]
        if not entry.topics or not day:
            return None, None
        return self._around(entry.topics[0], (day, ""))


def _plain_summary(markdown: str, limit: int = 160) -> str:
    text = " ".join(markdown.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"



class Views:
    """Entry -> the dict templates see (summary rendered to HTML once per entry per build)."""

    def __init__(self):
        self._done: dict[str, dict] = {}  # by slug: unique within a build, and kept across pickling

    def __call__(self, value):
        if isinstance(value, Entry):
            view = self._done.get(value.slug)
            if view is None:
                view = self._done[value.slug] = entry_view(value)
            return view
        if isinstance(value, list) and value and isinstance(value[0], (Entry, dict)):
            return [self(v) for v in value]
        if isinstance(value, dict) and any(isinstance(v, (Entry, list)) for v in value.values()):
            return {k: self(v) for k, v in value.items()}  # a home page section: {"topic", "entries"}
        return value



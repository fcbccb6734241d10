"""Page specs -> HTML pages (Jinja, autoescaped) and static assets, as OutputFile records; which pages
there are and what each shows is views.py's.

Links between pages are relative, so the site works under any base path (a GitHub project site's
/REPO/) and from any local server; canonical and OpenGraph URLs are absolute.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import jinja2
from markupsafe import Markup, escape

from generator.errors import ConfigError
from generator.incremental.fingerprint import code_fingerprint
from generator.markup import render_markdown
from generator.incremental.pagecache import PageCache
from generator.records import Entry, OutputFile, Story
from generator.site.views import (PageSpec, Views, article_specs, article_url, feed_groups, feed_links, page_specs,
                                  relative_link, topic_views, url_of)
from generator.site.jsonld import article_data, collection_data
from generator.site.search import simplified_form
from generator.urls import ascii_uri


# SiteConfig (generator/config.py) is named in annotations only, never imported: the pages' key
# holds the code of this module and what it imports, and the configuration's code (which parses the
# topic rules) makes no page byte; the configuration's values are in the key (`setup`).


class Templates:
    """Jinja environments by templates folder, each kept while no template changed: the dev server
    holds one for its session (compiling the templates anew: 0.06 s alone, 0.13 s of a save's page); a
    build without one compiles its own. The key is the templates' own bytes, so an edit within one
    timestamp tick is not missed."""

    def __init__(self) -> None:
        self._envs: dict[str, tuple[str, jinja2.Environment]] = {}

    def env(self, templates_dir: Path) -> jinja2.Environment:
        key = (str(Path(templates_dir).resolve()), _templates_digest(Path(templates_dir)))
        env = self._envs.get(key[0])
        if env is None or env[0] != key[1]:
            env = self._envs[key[0]] = (key[1], _new_env(templates_dir))
        return env[1]


def make_env(templates_dir: Path, templates: Templates | None = None) -> jinja2.Environment:
    """A Jinja environment for the templates folder: the one `templates` keeps, else a new one."""
    return templates.env(templates_dir) if templates is not None else _new_env(templates_dir)


def _templates_digest(templates_dir: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(templates_dir.rglob("*")):
        if path.is_file() and "static" not in path.relative_to(templates_dir).parts[:1]:
            h.update(f"{path.relative_to(templates_dir).as_posix()}\0".encode("utf-8", "surrogateescape"))
            h.update(path.read_bytes())
    return h.hexdigest()


def _new_env(templates_dir: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=False,
        keep_trailing_newline=True,
    )
    env.filters.update(plural=plural, fill=fill_label, day=day, simplified=simplified_form, language_name=language_name)
    return env


def plural_category(language: str, n: int) -> str:
    """The CLDR plural category of `n` in `language` (Babel's rules): en has "one" and "other",
    Chinese only "other"; a language Babel does not know counts as English."""
    return _plural_rule(language)(n)


@functools.lru_cache(maxsize=8)
def _plural_rule(language: str):
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(language, sep="-").plural_form
    except (UnknownLocaleError, ValueError, TypeError):
        return Locale("en").plural_form


@functools.lru_cache(maxsize=64)
def language_name(tag: str, in_language: str) -> str:
    """A language tag's name in the site's language (Babel's CLDR names): zh-Hant is "Chinese
    (Traditional)" in English, 中文（繁體） in zh-Hant; the tag itself where Babel has no name, and
    nothing for an unknown language ("und": Babel would name its likeliest guess)."""
    from babel import Locale, UnknownLocaleError

    if not tag or tag.lower() == "und":
        return ""
    try:
        return Locale.parse(tag, sep="-").get_display_name(Locale.parse(in_language, sep="-")) or tag
    except (UnknownLocaleError, ValueError, TypeError):
        return tag


def plural(label: str | dict, n: int, language: str) -> str:
    """A counting label with `n` filled in: a plain string ("{n} min read"), or a table of plural
    forms ({one = "{n} article", other = "{n} articles"}) from which n's category is taken."""
    if isinstance(label, dict):
        label = label.get(plural_category(language, n)) or label["other"]
    return label.replace("{n}", str(n))


def fill_label(label: str, **values) -> Markup:
    """A label with {name} placeholders filled: the label escaped, each value escaped unless it is
    markup already (a topic name in a span with its own lang)."""
    out = escape(label)
    for key, value in values.items():
        out = Markup(out.replace("{" + key + "}", escape(value)))
    return Markup(out)


_DAY_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


def day(value: str | None) -> str:
    """The calendar day (YYYY-MM-DD) an ISO date or datetime names; "" when there is none, or the
    value is not a real date: a reader sees no date rather than a wrong or invalid one."""
    if not value or not _DAY_RE.match(value):
        return ""
    try:
        return datetime.date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        return ""


def load_labels(templates_dir: Path, language: str) -> dict[str, str]:
    """The templates' words (labels.toml) in the site's language, English where it has none."""
    path = templates_dir / "labels.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        problem = "no such file (paths.templates in site.toml names the templates folder)"
        raise ConfigError(str(path), [problem]) from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(str(path), [f"unreadable: {exc}"]) from None
    labels = dict(data.get("en", {}))
    labels.update(data.get(language, data.get(language.split("-")[0], {})))
    bad = [f"{key}: a table of plural forms needs `other`" for key, value in sorted(labels.items())
           if isinstance(value, dict) and not isinstance(value.get("other"), str)]
    if bad:
        raise ConfigError(str(path), bad)
    return labels


def _rel_for(config: SiteConfig, page_path: str) -> Callable[[str], str]:
    if page_path == "404.html":  # served at any missing URL: links must not depend on its location
        return lambda target: config.base_path + target
    return lambda target: relative_link(target, page_path)


def render_page(env: jinja2.Environment, config: SiteConfig, spec: PageSpec, shared: dict,
                views: Views | None = None) -> OutputFile:
    views = views or Views()
    rel = _rel_for(config, spec.path)
    ctx = {k: views(v) for k, v in spec.context.items()}
    if "about" in ctx:
        ctx["about_html"] = Markup(render_markdown(ctx.pop("about")))
    if spec.template == "story.html":
        ctx["summary_html"] = Markup(render_markdown(spec.context["story"].summary))
    feeds = [dict(f, href=rel(f["target"])) for f in ctx.pop("feeds", [])]
    canonical = ascii_uri(config.base_url + url_of(spec.path))
    own = spec.context["e"].image if spec.template == "article.html" else None
    image = ascii_uri(config.base_url + own) if own else None
    page = {
        # the article's own lead image for a large preview, else the site's card (templates/static)
        "image": image or ascii_uri(config.base_url + "assets/card.png"),
        "large_image": bool(image),
        "title": spec.title,
        "canonical": canonical,
        "jsonld": Markup(structured_data(config, spec, canonical, image)),
        "description": ctx.pop("description", ""),
        "feeds": feeds,
        "feed_groups": feed_groups(feeds),
        "og_type": ctx.pop("og_type", "website"),
        "lang": ctx.pop("lang", config.language),
        "heading": ctx.pop("heading", spec.title),
        "intro": ctx.pop("intro", ""),
    }
    html = env.get_template(spec.template).render(page=page, rel=rel, **shared, **ctx)
    return OutputFile(spec.path, html.encode("utf-8"))


def structured_data(config: SiteConfig, spec: PageSpec, canonical: str, image: str | None) -> str:
    """The page's schema.org JSON-LD (jsonld.py): an article's NewsArticle (with its lead image's
    address, when it has one), a topic's CollectionPage."""
    if spec.template == "article.html":
        return article_data(spec.context["e"], canonical, spec.context.get("description", ""), image)
    if spec.template == "topic.html":
        topic = spec.context["topic"]
        urls = [article_url(config.base_url, e.slug) for row in spec.context.get("rows", []) for e in row["entries"]]
        return collection_data(topic["name"], topic.get("description", ""), canonical, urls,
                               topic.get("name_lang", config.language))
    return ""


def template_fingerprints(env: jinja2.Environment, templates_dir: Path) -> dict[str, str]:
    """Template name -> hash of it and every template it extends, includes or imports (and the
    labels every page uses), so a changed template re-renders exactly the pages made with it."""
    from jinja2 import meta

    names = sorted(n for n in env.list_templates() if n.endswith(".html") and not n.startswith("static/"))
    sources = {n: env.loader.get_source(env, n)[0] for n in names}
    uses = {n: {u for u in meta.find_referenced_templates(env.parse(src)) if u} for n, src in sources.items()}
    labels = (templates_dir / "labels.toml").read_bytes()
    out = {}
    for name in names:
        seen, todo = set(), [name]
        while todo:
            n = todo.pop()
            if n not in seen and n in sources:
                seen.add(n)
                todo.extend(uses[n])
        h = hashlib.sha256(labels)
        for n in sorted(seen):
            h.update(f"\0{n}\0{sources[n]}".encode("utf-8", "surrogateescape"))
        out[name] = h.hexdigest()
    return out


def page_key(base: str, spec: PageSpec, reprs: dict[int, str] | None = None) -> str:
    """Everything a page is made from, hashed: the same key means the same bytes. `reprs` memoizes
    each Entry's and Story's repr within a build (an entry appears on its page and on several
    listings, a story on its page and its topics' timelines)."""
    reprs = {} if reprs is None else reprs

    def shown(value) -> str:
        if isinstance(value, (Entry, Story)):
            r = reprs.get(id(value))
            if r is None:
                r = reprs[id(value)] = repr(value)
            return r
        if isinstance(value, list) and value and isinstance(value[0], (Entry, dict)):
            return "[" + ", ".join(shown(v) for v in value) + "]"
        if isinstance(value, dict) and any(isinstance(v, (Entry, Story, list)) for v in value.values()):
            return "{" + ", ".join(f"{k!r}: {shown(v)}" for k, v in value.items()) + "}"  # a timeline row
        return repr(value)

    context = "\n".join(f"{k}={shown(v)}" for k, v in spec.context.items())
    return hashlib.sha256(f"{base}\n{spec.path}\n{spec.template}\n{spec.title}\n{context}".encode(
        "utf-8", "surrogateescape")).hexdigest()


def static_files(templates_dir: Path) -> list[OutputFile]:
    static = templates_dir / "static"
    files = sorted(p for p in static.rglob("*") if p.is_file()) if static.is_dir() else []
    return [OutputFile("assets/" + p.relative_to(static).as_posix(), p.read_bytes()) for p in files]


def setup(config: SiteConfig, templates: Templates | None = None) -> tuple[jinja2.Environment, dict, str]:
    """(environment, what every page's template sees, a hash of it, the configuration and the code
    that renders pages)."""
    env = make_env(config.templates_dir, templates)
    shared = {
        "site": {"title": config.title, "description": config.description, "language": config.language,
                 "base_url": config.base_url, "base_path": config.base_path},
        "labels": load_labels(config.templates_dir, config.language),
        # counts are shown only on the pages that carry them in their own context (topic, about)
        "topics": [{k: v for k, v in t.items() if k != "count"} for t in topic_views(config, [])],
    }
    shared["topics_by_slug"] = {t["slug"]: t for t in shared["topics"]}
    # The code that makes pages is part of every page's key: a changed generator renders them again.
    made_by = code_fingerprint("site.render")
    return env, shared, hashlib.sha256(f"{made_by}\n{config!r}\n{shared!r}".encode("utf-8", "surrogateescape")).hexdigest()


def render_articles(config: SiteConfig, entries: list[Entry], templates: Templates | None = None,
                    stories: list[Story] = ()) -> list[OutputFile]:
    """The pages of these articles alone, as a full build makes them (digest serve renders an
    edited article's page first, before the listings it appears on), with `stories` (the last
    build's) for their story links."""
    env, shared, _ = setup(config, templates)
    site_feeds = feed_links(config, "", config.title)
    views = Views()
    return [render_page(env, config, spec, shared, views) for spec in article_specs(entries, site_feeds, stories)]


Sink = Callable[[str, bytes], bool]  # (output path, bytes) -> True when the file changed


@dataclass
class SitePlan:
    """What a build's pages are, before any is rendered: `files` lists every output file (pages
    with data None, plus the sitemap, robots.txt and static assets), `keys` each page's key, and
    `todo` the pages to render (their key changed, or their file is missing)."""

    files: list[OutputFile]
    keys: dict[str, str]
    todo: list[PageSpec]
    env: jinja2.Environment
    shared: dict
    config: SiteConfig
    cache: PageCache | None = None  # rendered pages by key (digest build; the dev server has none)

    def render_into(self, sink: Sink, root: Path) -> dict[str, bool]:
        """Make the pages to do under `root`: from the page cache when it has them, else rendered,
        each handed to `sink` in the process that rendered it (worker processes for large batches:
        no page travels back to this process, and none is held here); returns {path: changed}."""
        todo, restored = self.todo, set()
        if self.cache is not None:
            restored = self.cache.restore({s.path: self.keys[s.path] for s in todo}, root)
            todo = [s for s in todo if s.path not in restored]
        done = dict.fromkeys(restored, True)
        done.update(zip((s.path for s in todo), render_pages(self.env, self.config, todo, self.shared, sink)))
        if self.cache is not None:
            self.cache.keep({s.path: self.keys[s.path] for s in todo}, root)
            self.cache.save(set(self.keys.values()))
        return done


def plan_site(config: SiteConfig, entries: list[Entry], previous: dict[str, str] | None = None,
              cache: PageCache | None = None, templates: Templates | None = None,
              stories: list[Story] = ()) -> SitePlan:
    """The site's pages and their keys. A page whose key is in `previous` and whose file is still in
    the output folder is not rendered again; nor is one the page cache has (`cache`). `templates`:
    the dev server's compiled templates (Templates)."""
    env, shared, common = setup(config, templates)
    topics = topic_views(config, entries)
    by_template = template_fingerprints(env, config.templates_dir)
    specs = page_specs(config, entries, topics, shared["labels"], stories)
    previous = previous or {}
    keys: dict[str, str] = {}
    reprs: dict[int, str] = {}
    todo: list[PageSpec] = []
    for spec in specs:
        key = keys[spec.path] = page_key(common + by_template.get(spec.template, ""), spec, reprs)
        if not (previous.get(spec.path) == key and (config.output_dir / spec.path).is_file()):
            todo.append(spec)
    files = ([OutputFile(spec.path, None) for spec in specs] + [sitemap(config, specs), robots(config)]
             + static_files(config.templates_dir))
    return SitePlan(files, keys, todo, env, shared, config, cache)


# Below this many pages, starting worker processes costs more than rendering here (measured: about
# 1 ms a page; a worker costs ~0.3 s to start and compile the templates).
MIN_PARALLEL_PAGES = 300
# Pages a worker is sent at once: the build holds a chunk pickled while it is sent (250 listing
# pages with their entries added 20 MiB to a 10,000-article build's peak; 50, 5 MiB).
RENDER_CHUNK = 50
_WORKER: tuple | None = None  # a render worker's (env, config, shared, sink, views)


def _start_worker(config: SiteConfig, shared: dict, sink: Sink) -> None:
    global _WORKER
    _WORKER = (make_env(config.templates_dir), config, shared, sink, Views())


def _render_specs(specs: list[PageSpec]) -> list[bool]:
    env, config, shared, sink, views = _WORKER
    return [sink(spec.path, render_page(env, config, spec, shared, views).data) for spec in specs]


def _worker_context():
    """Render workers start from a clean process with this module preloaded, never forked from the
    build (measured at 10,000 articles: forked workers spent 15 s of system time in page faults,
    copying the build's records). The records a worker needs are sent to it (pickled)."""
    from generator.incremental.workers import clean_context

    return clean_context(["generator.site.render"])


def render_pages(env: jinja2.Environment, config: SiteConfig, specs: list[PageSpec], shared: dict,
                 sink: Sink) -> list[bool]:
    """Render each page and hand its bytes to `sink` (in the process that rendered it), in order;
    returns what sink returned. Over worker processes for large batches (a page is a pure function
    of its spec, so the bytes equal a serial render), else here. Workers are sent the page specs in
    chunks and send back one flag a page; `sink` must pickle (a module-level function or partial)."""
    from generator.incremental.workers import worker_count

    jobs = min(worker_count(), len(specs))
    if len(specs) < MIN_PARALLEL_PAGES or jobs < 2:
        views = Views()
        return [sink(spec.path, render_page(env, config, spec, shared, views).data) for spec in specs]
    # Listings first in the order: spread them over the chunks, so no worker gets all the heavy pages.
    count = max(jobs, -(-len(specs) // RENDER_CHUNK))
    chunks = [specs[i::count] for i in range(count)]
    with _worker_context().Pool(jobs, initializer=_start_worker, initargs=(config, shared, sink)) as pool:
        parts = pool.map(_render_specs, chunks, chunksize=1)
    flags: dict[str, bool] = {}
    for chunk, part in zip(chunks, parts):
        flags.update(zip((spec.path for spec in chunk), part))
    return [flags[spec.path] for spec in specs]


def sitemap(config: SiteConfig, specs: list[PageSpec]) -> OutputFile:
    """sitemap.xml of every HTML page but 404, sorted by URL (ASCII URIs: percent-encoded paths);
    article pages carry their date."""
    rows = []
    for loc, spec in sorted((ascii_uri(config.base_url + url_of(s.path)), s) for s in specs if s.path != "404.html"):
        published = spec.context["e"].published if spec.template == "article.html" else None
        lastmod = f"<lastmod>{escape(published[:10])}</lastmod>" if published else ""
        rows.append(f"  <url><loc>{escape(loc)}</loc>{lastmod}</url>")
    body = "\n".join(rows)
    xml = ('<?xml version="1.0" encoding="UTF-8"?>\n'
           f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{body}\n</urlset>\n')
    return OutputFile("sitemap.xml", xml.encode("utf-8"))


def robots(config: SiteConfig) -> OutputFile:
    return OutputFile("robots.txt", f"User-agent: *\nAllow: /\nSitemap: {ascii_uri(config.base_url)}sitemap.xml\n".encode())

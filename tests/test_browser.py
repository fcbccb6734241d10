"""A real browser (Debian's Chromium, driven by Playwright) on the built site served under /digest/:
screenshots at phone and desktop widths, no console errors, axe-core with no serious or critical
violation, and Pagefind finding the seed article for a Chinese word.

The site built from the payload corpus (test_hostile) is loaded page by page: no dialog, no request
to any host but the local server, no Content-Security-Policy violation, no script, handler or
foreign URL in the live DOM, and the search page's own script still finds and lists the articles.
The site's own pages satisfy their CSP (the plain-site tests see no console error), so any
violation means markup that is not the site's reached a page: an injected script that the CSP
stopped is a failure too, not a pass. Negative controls show each detector firing.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

from conftest import serve_folder

CHROMIUM = shutil.which("chromium")
if not CHROMIUM and not os.environ.get("CI"):
    pytest.skip("chromium is not installed (make test installs it)", allow_module_level=True)

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"]
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
SEED_TITLE = "降低對中國稀土依賴　美國、澳洲簽署「關鍵礦產協議」"


def _serve_three_articles(folder: Path, shard_pages: int | None = None):
    """The seed and two fixtures, built (with that many article pages a search shard, if given) and
    served under /digest/: (site, base URL, server)."""
    import generator.site.search as search
    from conftest import REPO, SiteDir

    site = SiteDir(folder / "site", "https://example.github.io/digest/")
    site.add("seed.txt", (REPO / "content" / "articles" / "ettoday-critical-minerals.txt").read_bytes())
    site.add_fixture("aukus-submarines.md")
    site.add_fixture("pension-reform.md")
    size = search.SHARD_PAGES
    search.SHARD_PAGES = shard_pages or size
    try:
        site.build()
    finally:
        search.SHARD_PAGES = size
    server = serve_folder(site.output, "/digest/")
    return site, f"http://127.0.0.1:{server.server_address[1]}/digest/", server


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    site, base, server = _serve_three_articles(tmp_path_factory.mktemp("browser"))
    yield site, base
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


def _pages(site) -> dict[str, str]:
    article = next(p for p in site.files() if p.startswith("articles/") and "關鍵礦產" in p)
    return {"index": "", "topic": "topics/rare-earths/", "article": article[: -len("index.html")],
            "search": "search/?q=" + quote("稀土")}


def new_events() -> dict[str, list[str]]:
    return {"console": [], "dialogs": [], "foreign": [], "csp": []}


# Reported through a binding (outside the page's CSP), so a violation is seen even when the page
# navigates away afterwards.
CSP_LISTENER = """document.addEventListener("securitypolicyviolation", e =>
  window.__cspViolation(`${e.effectiveDirective} ${e.blockedURI} ${e.sample}`));"""


def _is_foreign(url: str, netloc: str) -> bool:
    """Any request that leaves the local server (data: and blob: URLs are not requests to a host)."""
    parts = urlsplit(url)
    return parts.scheme not in ("data", "blob") and parts.netloc != netloc


def _open(browser, url, viewport, events):
    """A fresh context on `url` with every detector on; requests to other hosts are recorded and
    aborted, never sent."""
    netloc = urlsplit(url).netloc
    context = browser.new_context(viewport=viewport)
    context.expose_binding("__cspViolation", lambda source, text: events["csp"].append(text))
    context.add_init_script(CSP_LISTENER)
    context.route(lambda u: _is_foreign(u, netloc), lambda route: route.abort())
    page = context.new_page()
    page.on("console", lambda m: m.type == "error" and events["console"].append(m.text))
    page.on("pageerror", lambda e: events["console"].append(str(e)))
    page.on("dialog", lambda d: (events["dialogs"].append(d.message), d.dismiss()))
    page.on("request", lambda r: _is_foreign(r.url, netloc) and events["foreign"].append(r.url))
    page.goto(quote(url, safe=":/?&=%"), wait_until="networkidle")
    return context, page


@pytest.mark.parametrize("name", ["index", "topic", "article", "search"])
@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_page_loads_clean_and_is_screenshotted(served, browser, tmp_path, name, width):
    site, base = served
    events = new_events()
    context, page = _open(browser, base + _pages(site)[name], VIEWPORTS[width], events)
    try:
        shot = tmp_path / f"{name}-{width}.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 1000
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), "horizontal scroll"
    finally:
        context.close()
    assert events == new_events()


@pytest.mark.parametrize("name", ["index", "topic", "article", "search"])
def test_axe_finds_no_serious_violation(served, browser, name):
    from axe_playwright_python.sync_playwright import Axe

    site, base = served
    events = new_events()
    context, page = _open(browser, base + _pages(site)[name], VIEWPORTS["desktop"], events)
    try:
        results = Axe().run(page)
    finally:
        context.close()
    bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
           for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert bad == []


STORY_FILES = ("ettoday-critical-minerals.txt", "whitehouse-2025-10-20-us-australia-critical-minerals-framework.mhtml",
               "whitehouse-2025-10-20-australia-fact-sheet.html")


@pytest.fixture(scope="module", params=["en", "zh-Hant", "zh-Hans"])
def story_served(request, tmp_path_factory):
    """One story told in two languages (the seed and two White House pages of 20 Oct 2025), in a
    site in each of the three scripts: (site, base URL)."""
    from conftest import REPO, SiteDir

    site = SiteDir(tmp_path_factory.mktemp("story"), "https://example.github.io/digest/")
    text = site.config_path.read_text(encoding="utf-8").replace('language = "en"', f'language = "{request.param}"')
    site.config_path.write_text(text, encoding="utf-8")
    for name in STORY_FILES:
        site.add(name, (REPO / "content" / "articles" / name).read_bytes())
    site.build()
    server = serve_folder(site.output, "/digest/")
    yield site, f"http://127.0.0.1:{server.server_address[1]}/digest/", request.param
    server.shutdown()


def test_story_and_timeline_pages_load_clean_in_each_script(story_served, browser):
    from axe_playwright_python.sync_playwright import Axe

    site, base, language = story_served
    stories = sorted({p.split("/")[1] for p in site.files() if p.startswith("stories/")})
    assert len(stories) == 1, "the three reports are one story"
    story = site.read(f"stories/{stories[0]}/index.html")
    if language == "zh-Hant":  # a zh-Hant reader sees the story headed in zh-Hant
        assert f'<h1 lang="zh-Hant" data-pagefind-meta="title">{SEED_TITLE}</h1>' in story
    for path in (f"stories/{stories[0]}/", "topics/rare-earths/"):
        events = new_events()
        context, page = _open(browser, base + path, VIEWPORTS["phone"], events)
        try:
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), "horizontal scroll"
            assert page.locator(f'a[href$="stories/{stories[0]}/"]').count() or path.startswith("stories/")
            serious = [v for v in Axe().run(page).response["violations"] if v["impact"] in ("serious", "critical")]
        finally:
            context.close()
        assert events == new_events() and serious == [], (path, serious)


def test_search_for_a_chinese_word_finds_the_seed(served, browser):
    site, base = served
    events = new_events()
    context, page = _open(browser, base + _pages(site)["search"], VIEWPORTS["desktop"], events)
    try:
        page.wait_for_selector(".pagefind-ui__result-link", timeout=15000)
        results = page.locator(".pagefind-ui__result-link").all_inner_texts()
        href = page.locator(".pagefind-ui__result-link").first.get_attribute("href")
    finally:
        context.close()
    assert SEED_TITLE in results
    assert href.startswith("/digest/articles/")
    assert "完美中產" not in " ".join(results)




# --- Chinese in either script ------------------------------------------------------------------

# Written for these tests: a tariff story in each script, a submarine story in each, and a story
# with 關 (of 關係) and 稅 (of 稅收) but not 關稅, which a Traditional query once matched.
SCRIPT_FIXTURES = {
    "tariff-hant.md": "美國宣布對進口稀土磁鐵加徵關稅", "tariff-hans.md": "欧盟考虑对进口电动车加征关税",
    "relations-hant.md": "兩岸關係趨緩　財政部稅收創新高",
    "submarine-hant.md": "澳洲加速建造核潛艇基地", "submarine-hans.md": "澳大利亚核潜艇计划获得新拨款",
}


@pytest.fixture(scope="module")
def scripts_served(tmp_path_factory):
    from conftest import SiteDir

    site = SiteDir(tmp_path_factory.mktemp("scripts") / "site", "https://example.github.io/digest/")
    for name in SCRIPT_FIXTURES:
        site.add_fixture(f"scripts/{name}", name)
    assert site.build().articles == len(SCRIPT_FIXTURES)
    server = serve_folder(site.output, "/digest/")
    yield site, f"http://127.0.0.1:{server.server_address[1]}/digest/"
    server.shutdown()


# Results are listed once the message's count of them ("2 results for ...") and the links agree
# (Pagefind UI shows five at a time).
RESULTS_SHOWN = """() => {
  const message = document.querySelector(".pagefind-ui__message");
  const count = message ? parseInt(message.textContent, 10) : NaN;
  return !isNaN(count) && document.querySelectorAll(".pagefind-ui__result-link").length === Math.min(count, 5);
}"""


def show_all_results(page) -> None:
    """Every result listed: "Load more results" pressed while it is there."""
    page.wait_for_function(RESULTS_SHOWN, timeout=15000)
    more = page.locator("button.pagefind-ui__button")
    while more.count():
        shown = page.locator(".pagefind-ui__result-link").count()
        more.first.click()
        page.wait_for_function(f"() => document.querySelectorAll('.pagefind-ui__result-link').length > {shown}",
                               timeout=15000)


def search_page(browser, base: str, query: str) -> tuple[dict[str, str], int]:
    """(result title -> its excerpt's HTML, search inputs on the page) for `query`, as a reader sees."""
    events = new_events()
    context, page = _open(browser, base + "search/?q=" + quote(query), VIEWPORTS["desktop"], events)
    try:
        page.wait_for_function(RESULTS_SHOWN, timeout=15000)
        found = page.evaluate("""() => Object.fromEntries([...document.querySelectorAll(".pagefind-ui__result")]
          .map(r => [r.querySelector(".pagefind-ui__result-link").textContent.trim(),
                     r.querySelector(".pagefind-ui__result-excerpt").innerHTML]))""")
        inputs = page.locator("input").count()
    finally:
        context.close()
    assert events == new_events()
    return found, inputs


def test_a_query_in_either_script_finds_the_same_articles(scripts_served, browser):
    _, base = scripts_served
    found = {q: search_page(browser, base, q)[0] for q in ("關稅", "关税", "核潛艇", "核潜艇")}
    tariffs = {SCRIPT_FIXTURES["tariff-hant.md"], SCRIPT_FIXTURES["tariff-hans.md"]}
    submarines = {SCRIPT_FIXTURES["submarine-hant.md"], SCRIPT_FIXTURES["submarine-hans.md"]}
    assert set(found["關稅"]) == set(found["关税"]) == tariffs
    assert set(found["核潛艇"]) == set(found["核潜艇"]) == submarines
    # a result's excerpt is in the characters its page is written in, the query's word marked
    for query in ("關稅", "关税"):
        assert "<mark>關稅</mark>" in found[query][SCRIPT_FIXTURES["tariff-hant.md"]], found[query]
        assert "<mark>关税</mark>" in found[query][SCRIPT_FIXTURES["tariff-hans.md"]], found[query]


def test_excerpts_start_at_the_text_and_the_search_page_has_one_box(scripts_served, browser):
    import re

    _, base = scripts_served
    found, inputs = search_page(browser, base, "官員")
    assert inputs == 1
    assert len(found) >= 2
    for title, excerpt in found.items():
        text = re.sub("<[^>]+>", "", excerpt)
        assert not re.match(r"\s*\d{4}-\d{2}-\d{2}", text) and "min read" not in text, (title, text)


def test_the_search_pages_opencc_converts_as_the_index_does(scripts_served, browser, seed_text):
    """The query is turned into Simplified by the vendored opencc-js, the index's copy by OpenCC
    itself: they must agree, or a query misses what the index holds."""
    from generator.articles.lang import to_simplified

    site, base = scripts_served
    samples = [seed_text.decode("utf-8")] + [(site.articles / n).read_text(encoding="utf-8") for n in SCRIPT_FIXTURES]
    samples += ["關稅", "核潛艇", "臺灣", "台灣", "裡面", "著作", "乾燥", "後來", "瞭解", "麵包"]
    events = new_events()
    context, page = _open(browser, base + "search/", VIEWPORTS["desktop"], events)
    try:
        converted = page.evaluate("(texts) => texts.map(digestSearch.toSimplified)", samples)
    finally:
        context.close()
    assert converted == [to_simplified(s) for s in samples]


# (content, Pagefind's excerpt, the excerpt shown): a Traditional page with its Simplified form
# after it, Pagefind's window lying across the two; a page in Simplified; a page with no Chinese.
OWN_TEXT = "美國調高關稅. 美國宣布對中國商品加徵關稅，兩國關係緊張。"
AS_WRITTEN = [
    (OWN_TEXT + " 美国调高关税 美国宣布对中国商品加征关税，两国关系紧张。", "關係緊張。 美国调高<mark>关税</mark> 美国宣布",
     "美國調高<mark>關稅</mark>. 美國宣布對中國商"),
    (OWN_TEXT + " 美国调高关税 美国宣布对中国商品加征关税，两国关系紧张。", "国商品加征<mark>关税</mark>，两国关系紧张。",
     "國商品加徵<mark>關稅</mark>，兩國關係緊張。"),
    ("美国调高关税. 美国宣布对中国商品加征关税。", "美国宣布对中国商品加征<mark>关税</mark>。", "美国宣布对中国商品加征<mark>关税</mark>。"),
    ("Tariffs rise. The US raised tariffs &lt;b&gt;.", "The US raised <mark>tariffs</mark> &lt;b&gt;.",
     "The US raised <mark>tariffs</mark> &lt;b&gt;."),
]


def test_an_excerpt_is_shown_in_the_characters_its_page_is_written_in(scripts_served, browser):
    _, base = scripts_served
    events = new_events()
    context, page = _open(browser, base + "search/", VIEWPORTS["desktop"], events)
    try:
        shown = page.evaluate("(cases) => cases.map(([content, excerpt]) => "
                              "digestSearch.asWritten({content, excerpt}).excerpt)", AS_WRITTEN)
    finally:
        context.close()
    assert shown == [case[2] for case in AS_WRITTEN]


@pytest.fixture(scope="module")
def sharded(tmp_path_factory):
    """The browser site with its search index split into one shard per article or so."""
    site, base, server = _serve_three_articles(tmp_path_factory.mktemp("sharded"), shard_pages=1)
    yield site, base
    server.shutdown()


def test_search_merges_every_shard_of_the_index(sharded, browser, monkeypatch):
    """Articles indexed in different bundles are found from the one search page (mergeIndex)."""
    import generator.site.search as search

    site, base = sharded
    monkeypatch.setattr(search, "SHARD_PAGES", 1)  # as the site was built
    shards = search.shard_pages(site.files())
    found_in: set[str] = set()
    for query, title in (("稀土", SEED_TITLE), ("submarine", "AUKUS partners agree on submarine rotations")):
        events = new_events()
        context, page = _open(browser, base + "search/?q=" + quote(query), VIEWPORTS["desktop"], events)
        try:
            page.wait_for_selector(".pagefind-ui__result-link", timeout=15000)
            links = page.locator(".pagefind-ui__result-link")
            results = dict(zip(links.all_inner_texts(), (links.nth(i).get_attribute("href") for i in range(links.count()))))
        finally:
            context.close()
        assert events["console"] == [] and events["foreign"] == []
        href = next(h for t, h in results.items() if title in t)
        page_path = href[len("/digest/"):] + "index.html"
        found_in.update(folder for folder, pages in shards.items() if page_path in pages)
    assert len(shards) >= 2 and len(found_in) == 2  # the two articles, from two bundles


# --- the payload corpus in a browser -----------------------------------------------------------

# Every element of the live DOM (after the page's own scripts ran): no event-handler attribute, no
# script but the site's own files, no frame, object or <base>, no link outside http(s)/mailto.
DOM_CHECK = """() => {
  const bad = [];
  for (const el of document.querySelectorAll("*")) {
    const tag = el.localName;
    for (const a of el.attributes) if (a.name.toLowerCase().startsWith("on")) bad.push(`<${tag} ${a.name}>`);
    if (["iframe", "frame", "object", "embed", "base"].includes(tag)) bad.push(`<${tag}>`);
    // structured data (JSON-LD) is a data block a browser never runs: allowed only as valid JSON
    const data = tag === "script" && !el.src && el.type === "application/ld+json" && (() => {
      try { JSON.parse(el.textContent); return !el.textContent.includes("<"); } catch (e) { return false; } })();
    if (tag === "script" && !data && !/^https?:\\/\\/[^/]+\\/digest\\/(pagefind|assets)\\//.test(el.src || ""))
      bad.push(`<script src=${el.src}> ${(el.textContent || "").slice(0, 60)}`);
    if (el instanceof HTMLAnchorElement && el.hasAttribute("href") && !/^(https?|mailto):/i.test(el.href))
      bad.push(`<a href=${el.href}>`);
  }
  return bad;
}"""


def visit(browser, url: str) -> list[str]:
    """Everything the detectors saw while `url` loaded, as one list of problems (empty = clean)."""
    events = new_events()
    context, page = _open(browser, url, VIEWPORTS["desktop"], events)
    try:
        dom = page.evaluate(DOM_CHECK)
        moved = page.url != quote(url, safe=":/?&=%")
    finally:
        context.close()
    problems = [f"{kind}: {item}" for kind, items in events.items() for item in items]
    problems += [f"dom: {item}" for item in dom]
    return problems + ([f"navigated away to {page.url}"] if moved else [])


@pytest.fixture(scope="module")
def hostile_served(hostile_build):
    site, _ = hostile_build
    server = serve_folder(site.output, "/digest/")
    yield site, f"http://127.0.0.1:{server.server_address[1]}/digest/"
    server.shutdown()


def _page_path(rel: str) -> str:
    return rel[: -len("index.html")] if rel.endswith("index.html") else rel


def test_payload_pages_run_nothing_and_call_no_other_host(hostile_served, browser):
    site, base = hostile_served
    pages = [_page_path(rel) for rel in site.files() if rel.endswith(".html")]
    kinds = {"", "search/", "archive/", "about/", "topics/hostile/", "topics/hostile/page/2/", "404.html"}
    assert kinds <= set(pages) and sum(p.startswith("articles/") for p in pages) >= 9, pages
    problems = []
    for path in pages + ["search/?q=" + quote("<script>alert(1)</script>")]:
        problems += [f"{path or 'index'}: {p}" for p in visit(browser, base + path)]
    assert not problems, "\n".join(problems[:40])


def test_search_script_still_works_on_payload_pages(hostile_served, browser):
    """The site's own script (Pagefind UI) runs under the CSP: it finds the payload articles and
    lists their titles as text; the list it writes into the page is clean too."""
    _, base = hostile_served
    events = new_events()
    context, page = _open(browser, base + "search/?q=alert", VIEWPORTS["desktop"], events)
    try:
        page.wait_for_selector(".pagefind-ui__result-link", timeout=15000)
        show_all_results(page)
        page.wait_for_load_state("networkidle")
        titles = page.locator(".pagefind-ui__result-link").all_inner_texts()
        excerpts = " ".join(page.locator(".pagefind-ui__result-excerpt").all_inner_texts())
        dom = page.evaluate(DOM_CHECK)
    finally:
        context.close()
    assert len(titles) >= 5, titles
    assert any("<script>alert('md')</script>" in t for t in titles), titles
    assert "onerror=alert" in excerpts
    assert dom == [] and events == new_events()


CONTROL_PAGES = {
    "alert.html": "<p>x</p><script>alert('control')</script>",
    "blocked.html": "{csp}<p>x</p><script>alert('inline')</script><img src=x onerror=\"alert('handler')\">",
    "foreign.html": "<p>x</p><img src='http://foreign.invalid/pixel.png'>",
    "refresh.html": "<meta http-equiv='refresh' content='0;url=http://foreign.invalid/'><p>x</p>",
    "clean.html": "{csp}<p>x</p><a href='https://example.org/'>ok</a>",
}


@pytest.fixture(scope="module")
def control_served(tmp_path_factory, hostile_build):
    """Pages with an inline alert, a handler, a foreign image and a refresh, served by the same
    server code; the CSP is the one the payload site's pages carry."""
    from lxml import html as lxml_html

    site, _ = hostile_build
    csp = lxml_html.document_fromstring(site.files()["index.html"]).xpath(
        "//meta[@http-equiv='Content-Security-Policy']")[0]
    meta = f'<meta http-equiv="Content-Security-Policy" content="{csp.get("content")}">'
    folder = Path(tmp_path_factory.mktemp("control"))
    for name, body in CONTROL_PAGES.items():
        (folder / name).write_text("<!doctype html><html><head><title>t</title>" + body.format(csp=meta)
                                   .replace("<p>", "</head><body><p>", 1) + "</body></html>", encoding="utf-8")
    server = serve_folder(folder, "/digest/")
    yield f"http://127.0.0.1:{server.server_address[1]}/digest/"
    server.shutdown()


def test_detectors_catch_what_a_payload_would_do(control_served, browser):
    base = control_served
    found = {name: visit(browser, base + name) for name in CONTROL_PAGES}
    assert "dialogs: control" in found["alert.html"]
    assert any(p.startswith("dom: <script") for p in found["alert.html"])
    blocked = found["blocked.html"]
    assert not any(p.startswith("dialogs:") for p in blocked)  # the CSP stopped both scripts ...
    assert sum(p.startswith("csp: script-src") for p in blocked) >= 2, blocked  # ... and we see it
    assert "dom: <img onerror>" in blocked
    assert "foreign: http://foreign.invalid/pixel.png" in found["foreign.html"]
    assert any("foreign.invalid" in p for p in found["refresh.html"]), found["refresh.html"]
    assert found["clean.html"] == []


def test_serve_reloads_the_open_article_then_listings_and_leaves_other_pages(site, browser):
    """`digest serve` in a real browser: the reload script loads under the site's CSP, a save
    reloads the open page of the saved article and the index it is listed on, and a page the save
    did not change (search) is not reloaded."""
    from playwright.sync_api import expect

    from generator.serve.server import start_server

    site.add_fixture("aukus-submarines.md")
    site.add_fixture("pension-reform.md")
    running = start_server(site.config_path, port=0)
    opened = []
    try:
        base = f"http://127.0.0.1:{running.port}/digest/"
        summary = next(p for p in site.summaries.glob("*.md")
                       if "source: aukus-submarines.md\n" in p.read_text(encoding="utf-8"))
        pages = {}
        for name, path in (("article", f"articles/{summary.stem}/"), ("index", ""), ("search", "search/")):
            events = new_events()
            context, page = _open(browser, base + path, VIEWPORTS["desktop"], events)
            opened.append(context)
            page.wait_for_selector("html[data-digest-reload=open]", timeout=15000)
            page.evaluate("window.__notReloaded = true")
            pages[name] = (page, events)
        saved = site.articles / "aukus-submarines.md"
        saved.write_text(saved.read_text(encoding="utf-8").replace("AUKUS", "AUKUS (edited)", 1), encoding="utf-8")
        for name in ("article", "index"):
            page = pages[name][0]
            expect(page.locator("main")).to_contain_text("AUKUS (edited)", timeout=20000)
            assert page.evaluate("window.__notReloaded") is None
        assert pages["search"][0].evaluate("window.__notReloaded") is True
        assert [e for _, e in pages.values()] == [new_events()] * 3
    finally:
        for context in opened:
            context.close()
        running.stop()

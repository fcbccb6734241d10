"""A real browser (Debian's Chromium, driven by Playwright) on the built site served under /digest/:
screenshots at phone and desktop widths, no console errors, axe-core with no serious or critical
violation, and Pagefind finding the seed article for a Chinese word."""

from __future__ import annotations

import os
import shutil
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


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    from conftest import REPO, SiteDir

    site = SiteDir(tmp_path_factory.mktemp("browser") / "site", "https://example.github.io/digest/")
    site.add("seed.txt", (REPO / "content" / "articles" / "ettoday-critical-minerals.txt").read_bytes())
    site.add_fixture("aukus-submarines.md")
    site.add_fixture("pension-reform.md")
    site.build()
    server = serve_folder(site.output, "/digest/")
    yield site, f"http://127.0.0.1:{server.server_address[1]}/digest/"
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


def _open(browser, url, viewport, events):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.on("console", lambda m: m.type == "error" and events["console"].append(m.text))
    page.on("pageerror", lambda e: events["console"].append(str(e)))
    page.on("dialog", lambda d: (events["dialogs"].append(d.message), d.dismiss()))
    page.on("request", lambda r: urlsplit(r.url).hostname not in ("127.0.0.1", None)
            and events["foreign"].append(r.url))
    page.goto(quote(url, safe=":/?&=%"), wait_until="networkidle")
    return context, page


@pytest.mark.parametrize("name", ["index", "topic", "article", "search"])
@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_page_loads_clean_and_is_screenshotted(served, browser, tmp_path, name, width):
    site, base = served
    events = {"console": [], "dialogs": [], "foreign": []}
    context, page = _open(browser, base + _pages(site)[name], VIEWPORTS[width], events)
    try:
        shot = tmp_path / f"{name}-{width}.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 1000
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), "horizontal scroll"
    finally:
        context.close()
    assert events == {"console": [], "dialogs": [], "foreign": []}


@pytest.mark.parametrize("name", ["index", "topic", "article", "search"])
def test_axe_finds_no_serious_violation(served, browser, name):
    from axe_playwright_python.sync_playwright import Axe

    site, base = served
    events = {"console": [], "dialogs": [], "foreign": []}
    context, page = _open(browser, base + _pages(site)[name], VIEWPORTS["desktop"], events)
    try:
        results = Axe().run(page)
    finally:
        context.close()
    bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
           for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert bad == []


def test_search_for_a_chinese_word_finds_the_seed(served, browser):
    site, base = served
    events = {"console": [], "dialogs": [], "foreign": []}
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

"""Publishing: feeds by the W3C validator's rules, zero broken links under a project subpath and
at a root, byte-identical builds under any time zone and hash seed, and the Pages workflow."""

from __future__ import annotations

import email.utils
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote, urljoin, urlsplit
from urllib.request import urlopen
from urllib.error import HTTPError

import feedparser
import pytest
from lxml import etree
from lxml import html as lxml_html

from conftest import FIXTURES, REPO, prose_line, serve_folder

ATOM = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


def fill(site, seed_text, n_extra=3):
    site.add("zh/seed.txt", seed_text)
    site.add_fixture("aukus-submarines.md")
    site.add_fixture("pension-reform.md")
    base = (FIXTURES / "articles" / "aukus-submarines.md").read_text(encoding="utf-8")
    for i in range(n_extra):  # enough articles for pagination (page size 2 in the fixture)
        site.add(f"more/us-china-{i}.md", base.replace("AUKUS partners agree", f"Story {i}: AUKUS partners agree")
                 .replace("2025-11-02", f"2025-0{i + 1}-15").replace("aukus-submarine-rotations", f"story-{i}")
                 + f"\n\n{prose_line(2000, seed=i)}\n")  # a story of its own, not a near-duplicate


# --- feeds -----------------------------------------------------------------------------------

def _urls_in_html(fragment: str) -> list[str]:
    doc = lxml_html.fragment_fromstring(fragment, create_parent="div")
    return doc.xpath("//@href | //@src")


def test_rss_follows_the_validator_rules(site, seed_text):
    fill(site, seed_text)
    site.build()
    for path in ("feed.xml", "topics/aukus/feed.xml"):
        root = etree.fromstring(site.files()[path])
        channel = root.find("channel")
        self_link = channel.find(f"{ATOM}link[@rel='self']")
        assert self_link is not None and self_link.get("href") == f"https://example.github.io/digest/{path}"
        assert self_link.get("type") == "application/rss+xml"
        email.utils.parsedate_to_datetime(channel.findtext("lastBuildDate"))
        for item in channel.findall("item"):
            guid = item.find("guid")
            assert guid.get("isPermaLink") == "false" and guid.text.startswith("urn:uuid:")
            assert email.utils.parsedate_to_datetime(item.findtext("pubDate")).tzinfo is not None
            assert item.findtext("link").startswith("https://example.github.io/digest/articles/")
            for url in _urls_in_html(item.findtext("description")):
                assert urlsplit(url).scheme in ("http", "https"), url


def test_atom_follows_the_validator_rules(site, seed_text):
    fill(site, seed_text)
    site.build()
    root = etree.fromstring(site.files()["atom.xml"])
    assert root.find(f"{ATOM}link[@rel='self']").get("href") == "https://example.github.io/digest/atom.xml"
    assert RFC3339.match(root.findtext(f"{ATOM}updated"))
    for entry in root.findall(f"{ATOM}entry"):
        assert RFC3339.match(entry.findtext(f"{ATOM}updated"))
        content = entry.find(f"{ATOM}content")
        assert content.get("type") == "html"
        for url in _urls_in_html(content.text):
            assert urlsplit(url).scheme in ("http", "https"), url


def test_feed_build_date_is_the_newest_article_not_the_clock(site, seed_text):
    fill(site, seed_text)
    site.build()
    parsed = feedparser.parse(site.files()["atom.xml"])
    newest = max(e.published_parsed for e in parsed.entries)
    assert parsed.feed.updated_parsed == newest


def test_json_feed(site, seed_text):
    import json
    fill(site, seed_text)
    site.build()
    feed = json.loads(site.files()["topics/aukus/feed.json"])
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["feed_url"] == "https://example.github.io/digest/topics/aukus/feed.json"
    atom_ids = [e.id for e in feedparser.parse(site.files()["topics/aukus/atom.xml"]).entries]
    assert [i["id"] for i in feed["items"]] == atom_ids


def test_ids_survive_slug_change_and_base_url_change(site, seed_text):
    fill(site, seed_text)
    site.build()
    before = {e.title: e.id for e in feedparser.parse(site.files()["atom.xml"]).entries}
    summary = next(site.summaries.glob("story-0-*.md"))
    summary.rename(summary.with_name("a-new-slug.md"))  # a person renamed the summary: new slug
    site.build(base_url="https://elsewhere.example.org/")
    after = {e.title: e.id for e in feedparser.parse(site.files()["atom.xml"]).entries}
    assert after == before
    assert any(p.startswith("articles/a-new-slug/") for p in site.files())


# --- links under a subpath ---------------------------------------------------------------------

def _xml_links(body: bytes) -> list[str]:
    root = etree.fromstring(body)
    links = root.xpath("//@href") + [e.text for e in root.iter() if etree.QName(e).localname in ("link", "loc") and e.text]
    for e in root.iter():  # item HTML (RSS description, Atom content)
        if etree.QName(e).localname in ("description", "content") and e.text and "<" in e.text:
            links += _urls_in_html(e.text)
    return links


def _json_links(body: bytes) -> list[str]:
    import json
    feed = json.loads(body)
    links = [feed["home_page_url"], feed["feed_url"]]
    for item in feed["items"]:
        links += [item["url"]] + _urls_in_html(item["content_html"])
    return links


def crawl(start: str, public: str, local: str) -> tuple[set[str], list[str]]:
    """Every page, asset and feed reachable from `start`; production URLs are rewritten to local."""
    seen, broken, queue = set(), [], [start + "robots.txt", start]
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        try:
            with urlopen(quote(url, safe=":/?&=%")) as resp:  # as a browser sends it
                body, ctype = resp.read(), resp.headers.get("Content-Type", "")
        except HTTPError as exc:
            broken.append(f"{url} ({exc.code})")
            continue
        if "html" in ctype:
            links = lxml_html.fromstring(body).xpath("//a/@href | //link/@href | //script/@src | //img/@src | //form/@action")
        elif url.endswith(".xml"):
            links = _xml_links(body)
        elif url.endswith(".json"):
            links = _json_links(body)
        elif url.endswith("robots.txt"):
            links = re.findall(r"^Sitemap: (\S+)", body.decode(), re.M)
        else:
            links = []
        for link in links:
            absolute = urljoin(url, link).split("#", 1)[0]
            if absolute.startswith(public):
                absolute = local + absolute[len(public):]
            if absolute.startswith(local):
                queue.append(absolute)
    return seen, broken


@pytest.mark.parametrize("base_url, prefix", [
    ("https://example.github.io/digest/", "/digest/"),
    ("https://example.org/", "/"),
])
def test_no_broken_link_under_the_base_path(site, seed_text, base_url, prefix):
    fill(site, seed_text)
    site.build(base_url=base_url)
    server = serve_folder(site.output, prefix)
    try:
        local = f"http://127.0.0.1:{server.server_address[1]}{prefix}"
        seen, broken = crawl(local, base_url, local)
    finally:
        server.shutdown()
    assert broken == []
    crawled = {urlsplit(u).path[len(prefix):] for u in seen}
    for must in ("", "feed.xml", "atom.xml", "feed.json", "assets/style.css", "assets/favicon.svg", "sitemap.xml",
                 "topics/aukus/", "topics/aukus/page/2/", "archive/", "search/", "pagefind/0/pagefind-ui.js"):
        assert must in crawled, must
    assert any(p.startswith("articles/") for p in crawled)


def test_404_page_links_from_anywhere(site, seed_text):
    fill(site, seed_text, 0)
    site.build()
    doc = lxml_html.fromstring(site.files()["404.html"])
    for link in doc.xpath("//a/@href | //link/@href | //form/@action | //script/@src"):
        assert link.startswith(("/digest/", "https://", "#")), link


def test_sitemap_and_robots(site, seed_text):
    fill(site, seed_text, 0)
    site.build()
    sitemap = etree.fromstring(site.files()["sitemap.xml"])
    locs = [e.text for e in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert "https://example.github.io/digest/" in locs and locs == sorted(locs)
    assert not any(loc.endswith("404.html") for loc in locs)
    assert site.read("robots.txt").endswith("Sitemap: https://example.github.io/digest/sitemap.xml\n")


# --- determinism -------------------------------------------------------------------------------

def _cli_build(site, env_extra):
    env = dict(os.environ, **env_extra)
    done = subprocess.run([sys.executable, "-m", "generator.cli", "build", "--config", str(site.config_path)],
                          capture_output=True, text=True, cwd=REPO, env=env)
    assert done.returncode == 0, done.stderr
    return site.files()


def test_builds_are_byte_identical_under_any_time_zone_and_hash_seed(site, seed_text):
    fill(site, seed_text)
    first = _cli_build(site, {"TZ": "UTC", "PYTHONHASHSEED": "1"})
    summaries = {p.name: p.read_bytes() for p in site.summaries.iterdir()}
    shutil.rmtree(site.output)
    shutil.rmtree(site.root / ".digest-cache")
    second = _cli_build(site, {"TZ": "Asia/Taipei", "PYTHONHASHSEED": "4242"})
    assert second == first
    assert {p.name: p.read_bytes() for p in site.summaries.iterdir()} == summaries


# --- GitHub Pages workflow ---------------------------------------------------------------------

def _actionlint(path: Path):
    exe = Path(sys.executable).parent / "actionlint"
    return subprocess.run([str(exe), str(path)], capture_output=True, text=True)


def test_pages_workflow_passes_actionlint():
    done = _actionlint(REPO / ".github" / "workflows" / "pages.yml")
    assert done.returncode == 0, done.stdout + done.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path):
    text = (REPO / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8")
    bad = tmp_path / ".github" / "workflows" / "pages.yml"
    bad.parent.mkdir(parents=True)
    bad.write_text(text.replace("ubuntu-latest", "ubuntu-lates", 1)
                   .replace("steps.deployment.outputs.page_url", "steps.deployment.output.page_url"), encoding="utf-8")
    done = _actionlint(bad)
    assert done.returncode != 0
    assert "ubuntu-lates" in done.stdout and "output" in done.stdout


def test_pages_workflow_shape():
    import yaml
    wf = yaml.safe_load((REPO / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8"))
    assert wf["permissions"] == {"contents": "read"}
    assert wf["concurrency"]["group"] == "pages"
    deploy = wf["jobs"]["deploy"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    uses = [s.get("uses", "") for job in wf["jobs"].values() for s in job["steps"]]
    assert "actions/upload-pages-artifact@v4" in uses and "actions/deploy-pages@v5" in uses
    run = [s for s in wf["jobs"]["build"]["steps"] if "run" in s][0]
    assert run["run"].startswith("make site SITE_URL=")


def _cache_steps():
    import yaml
    wf = yaml.safe_load((REPO / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8"))
    steps = wf["jobs"]["build"]["steps"]
    cache = next(s for s in steps if s.get("uses", "").startswith("actions/cache@"))
    build = next(i for i, s in enumerate(steps) if "run" in s and s["run"].startswith("make site"))
    return steps, cache, build


def test_pages_workflow_restores_pips_cache_and_the_build_cache_before_building():
    steps, cache, build = _cache_steps()
    python = next(s for s in steps if s.get("uses", "").startswith("actions/setup-python@"))
    assert python["with"]["cache"] == "pip" and python["with"]["cache-dependency-path"] == "pyproject.toml"
    assert cache["with"]["path"] == ".digest-cache"
    assert steps.index(cache) < build


def _evaluate(expression: str, repo: Path) -> str:
    """A cache key as GitHub evaluates it, near enough: runner.os, and hashFiles(globs) as one
    hash of the files the globs match (what it depends on is what matters here)."""
    import hashlib
    import re

    def hash_files(match) -> str:
        # GitHub's `dir/**` matches every file under dir; Python's, the folders only
        globs = [g + "/*" if g.endswith("**") else g for g in re.findall(r"'([^']+)'", match.group(1))]
        h = hashlib.sha256()
        for path in sorted({p for g in globs for p in repo.glob(g) if p.is_file()}):
            h.update(path.relative_to(repo).as_posix().encode() + b"\0" + path.read_bytes())
        return h.hexdigest()

    expression = re.sub(r"\$\{\{\s*hashFiles\(([^)]*)\)\s*\}\}", hash_files, expression)
    return expression.replace("${{ runner.os }}", "Linux")


def test_a_push_that_adds_an_article_restores_the_last_cache_and_a_generator_change_does_not(tmp_path, seed_text):
    """The exact key changes with the content; the first restore key (a prefix of the key) does
    not, so the newest cache of the same generator comes back; a change to the generator's code
    moves the first restore key too."""
    _, cache, _ = _cache_steps()
    repo = tmp_path / "repo"
    for part in ("generator", "templates"):
        shutil.copytree(REPO / part, repo / part, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "site.toml"):
        shutil.copyfile(REPO / name, repo / name)
    (repo / "content" / "articles").mkdir(parents=True)
    (repo / "content" / "articles" / "a.txt").write_bytes(seed_text)
    key, restore = cache["with"]["key"], [r.strip() for r in cache["with"]["restore-keys"].splitlines() if r.strip()]

    def state():
        return _evaluate(key, repo), [_evaluate(r, repo) for r in restore]

    before_key, before_restore = state()
    assert all(before_key.startswith(r) for r in before_restore)  # GitHub matches restore keys as prefixes
    (repo / "content" / "articles" / "b.txt").write_text("another article", encoding="utf-8")
    added_key, added_restore = state()
    assert added_key != before_key and added_key.startswith(before_restore[0]) and added_restore == before_restore
    (repo / "generator" / "site" / "render.py").write_text("# changed\n", encoding="utf-8")
    changed_key, changed_restore = state()
    assert not changed_key.startswith(before_restore[0]) and changed_restore[-1] == before_restore[-1]

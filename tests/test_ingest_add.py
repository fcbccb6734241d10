"""`digest add`: pages from a local server saved as a browser would, read back by the reader with
the address, title and dates they had; already saved (address or text) writes nothing."""

from __future__ import annotations

import re
from pathlib import Path

from test_ingest_server import Route, page_bytes, server  # noqa: F401  (the server fixture)

from generator.cli import main
from generator.dates import parse_date
from generator.articles.discover import read_source
from generator.articles.extract import extract_article
from generator.ingest.page import extract_bytes

PAGES = {  # served path -> fixture: English, Simplified and Traditional Chinese, a long English page
    "/un/health": "dn-143b51c3684f.html",
    "/rednet/traffic": "dn-2089bd1b0ee4.html",
    "/ltn/psoriasis": "dn-7c67349bdc47.html",
    "/space/rocket": "aeb-c00962aabe7b.html",
}


def _add(site, *args: str) -> int:
    return main(["add", "--config", str(site.config_path), "--delay", "0", *args])


def _saved(site) -> dict[str, Path]:
    return {p.name: p for p in site.articles.iterdir()}


def _read(site, path: Path):
    source = read_source(path, site.articles)
    return extract_article(source)


def test_saved_pages_read_back_with_their_address_title_and_dates(server, site, capsys):
    urls = {path: server.page(path, name) for path, name in PAGES.items()}
    assert _add(site, *urls.values()) == 0
    out = capsys.readouterr().out
    files = _saved(site)
    assert len(files) == len(PAGES)
    for path, name in PAGES.items():
        original = extract_bytes(page_bytes(name), name, "html")
        line = next(l for l in out.splitlines() if l.startswith(urls[path] + ": saved as "))
        saved_file = site.articles / Path(line.split(": saved as ", 1)[1]).name
        article = _read(site, saved_file)
        assert article.url == urls[path]
        assert article.title == original.title
        assert article.published == original.published
        assert article.text == original.text
        stamp = re.search(r"saved date: (\S+)", saved_file.read_text(encoding="utf-8")).group(1)
        assert article.saved == parse_date(stamp) and article.saved is not None
    assert re.search(r"^Added 4 pages: 4 saved, 0 already saved, 0 failed in [\d.]+ s", out, re.M)


def test_an_address_already_saved_is_not_fetched_or_written_again(server, site, capsys):
    url = server.page("/un/health", "dn-143b51c3684f.html")
    assert _add(site, url) == 0
    before = _saved(site)
    downloads = server.full_downloads()
    capsys.readouterr()
    # the same page by another spelling of its address: https, a fragment, a tracking parameter
    again = [url, url + "#comments", url + "?utm_source=newsletter", url.replace("http://", "https://")]
    assert _add(site, *again) == 0
    out = capsys.readouterr().out
    assert server.full_downloads() == downloads
    assert _saved(site) == before
    name = next(iter(before))
    for u in again:
        assert f"{u}: already saved as " in out and f"{name} (same address)" in out


def test_a_near_duplicate_of_a_saved_article_is_not_written(server, site, capsys):
    first = server.page("/space/rocket", "aeb-c00962aabe7b.html")
    html = page_bytes("aeb-c00962aabe7b.html").decode("utf-8")
    # the same story at another address, one sentence changed (an update, a syndicated copy)
    changed = html.replace("</p>", " An editor's note was added here.</p>", 1)
    assert changed != html
    server.routes["/mirror/story?id=3834"] = Route(body=changed.encode("utf-8"), headers={"Content-Type": "text/html"})
    assert _add(site, first) == 0
    before = _saved(site)
    capsys.readouterr()
    assert _add(site, server.url("/mirror/story?id=3834")) == 0
    out = capsys.readouterr().out
    assert _saved(site) == before
    assert "already saved as " in out and "(same article)" in out


def test_big5_without_a_charset_is_decoded(server, site, capsys):
    html = page_bytes("dn-7c67349bdc47.html").decode("utf-8")
    without_label = re.sub(r"<meta[^>]*charset[^>]*>", "", html, flags=re.I)
    assert "charset" not in without_label.lower()
    body = without_label.encode("cp950", errors="xmlcharrefreplace")
    server.routes["/big5"] = Route(body=body, headers={"Content-Type": "text/html"})
    assert _add(site, server.url("/big5")) == 0
    (saved,) = _saved(site).values()
    saved.read_bytes().decode("utf-8")  # written as UTF-8
    article = _read(site, saved)
    original = extract_bytes(page_bytes("dn-7c67349bdc47.html"), "x.html", "html")
    assert article.title == original.title and "乾癬" in article.title
    assert article.text == original.text


def test_a_redirected_page_is_known_by_both_addresses_even_when_the_index_is_lost(server, site, capsys):
    final = server.page("/news/2012/story", "dn-8f4cfaaed569.html")
    server.routes["/s/abc"] = Route(301, b"", {"Location": "/news/2012/story"})
    assert _add(site, server.url("/s/abc")) == 0
    (saved,) = _saved(site).values()
    assert _read(site, saved).url == final
    for index in site.root.glob(".digest-cache/ingest/library.json"):
        index.unlink()  # rebuilt from the files: the requested address is in the save record
    capsys.readouterr()
    assert _add(site, server.url("/s/abc"), final) == 0
    assert capsys.readouterr().out.count("(same address)") == 2
    assert len(_saved(site)) == 1


def test_exit_status_says_whether_all_were_saved(server, site, capsys):
    good = server.page("/un/health", "dn-143b51c3684f.html")
    assert _add(site, good, server.url("/missing")) == 1
    captured = capsys.readouterr()
    assert captured.err.strip().splitlines() == [f"{server.url('/missing')}: 404 Not Found"]
    assert f"{good}: saved as " in captured.out
    assert len(_saved(site)) == 1


def test_the_next_build_shows_added_pages_with_their_original_links(server, site):
    urls = [server.page("/un/health", "dn-143b51c3684f.html"), server.page("/rednet/traffic", "dn-2089bd1b0ee4.html")]
    assert _add(site, *urls) == 0
    report = site.build()
    assert report.articles == 2 and not report.skipped
    summaries = "".join(p.read_text(encoding="utf-8") for p in site.summaries.glob("*.md"))
    pages = "".join(p.read_text(encoding="utf-8") for p in site.output.glob("articles/*/index.html"))
    for url in urls:
        assert f"url: {url}" in summaries
        assert f'href="{url}"' in pages

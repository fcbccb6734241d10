"""`digest collect`: [[sources]] feeds on the local server; only new, on-topic entries saved; a
second run makes no full download; each failing source or page is one line."""

from __future__ import annotations

import json

import pytest
from test_ingest_server import Route, server  # noqa: F401  (the server fixture)

from generator.cli import main
from generator.config import load_config
from generator.errors import ConfigError
from generator.ingest.collect import FeedError, parse_feed
from generator.ingest.sources import FeedSource

ON_TOPIC = {"/voa/us-china": "voachinese-2018-09-10-china-vows-countermeasures.html",
            "/wh/section-232": "whitehouse-2025-04-15-section-232-critical-minerals.html"}
OFF_TOPIC = {"/un/health": "dn-143b51c3684f.html", "/rnz/shellfish": "dn-8f4cfaaed569.html"}


def rss(links: list[str], title: str = "Outlet") -> bytes:
    items = "".join(f"<item><title>Item {n}</title><link>{link}</link><guid>{link}</guid></item>"
                    for n, link in enumerate(links))
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{title}</title>'
            f"<link>http://127.0.0.1/</link><description>d</description>{items}</channel></rss>").encode()


def atom(links: list[str]) -> bytes:
    entries = "".join(f'<entry><title>E{n}</title><id>urn:x:{n}</id><link href="{link}"/>'
                      f"<updated>2025-01-0{n + 1}T00:00:00Z</updated></entry>" for n, link in enumerate(links))
    return ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>'
            f'<id>urn:x</id><updated>2025-01-01T00:00:00Z</updated>{entries}</feed>').encode()


def json_feed(links: list[str]) -> bytes:
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "J",
                       "items": [{"id": str(n), "url": link, "title": f"J{n}"} for n, link in enumerate(links)]}).encode()


def _serve_pages(server, pages: dict[str, str]) -> list[str]:
    return [server.page(path, name) for path, name in pages.items()]


def _sources(site, *tables: str) -> None:
    with open(site.config_path, "a", encoding="utf-8") as out:
        # after the [[topics]] tables: each [[sources]] header starts a new top-level table
        out.write("\n" + "\n".join(tables))


def _source(name: str, feed: str, **extra) -> str:
    lines = ['[[sources]]', f'name = "{name}"', f'feed = "{feed}"', "delay = 0"]
    lines += [f"{k} = {json.dumps(v)}" for k, v in extra.items()]
    return "\n".join(lines) + "\n"


def _collect(site) -> int:
    return main(["collect", "--config", str(site.config_path)])


def test_collect_saves_new_on_topic_entries_and_a_second_run_downloads_nothing(server, site, capsys):
    links = _serve_pages(server, ON_TOPIC) + _serve_pages(server, OFF_TOPIC)
    server.routes["/feeds/world.xml"] = Route(body=rss(links), headers={"Content-Type": "application/rss+xml"},
                                              etag='"v1"')
    _sources(site, _source("World news", server.url("/feeds/world.xml")))
    assert _collect(site) == 0
    out = capsys.readouterr().out
    assert "World news: 4 entries, 4 new, 2 on a topic, saved" in out.splitlines()
    saved = sorted(p.name for p in site.articles.iterdir())
    assert len(saved) == 2
    first_run = len(server.log)
    assert _collect(site) == 0
    assert "World news: not modified since the last run" in capsys.readouterr().out
    second = server.log[first_run:]
    assert second == [("/feeds/world.xml", 304)]  # no full download of anything
    assert sorted(p.name for p in site.articles.iterdir()) == saved


def test_a_changed_feed_fetches_only_its_new_entries(server, site, capsys):
    on = _serve_pages(server, ON_TOPIC)
    off = _serve_pages(server, OFF_TOPIC)
    route = Route(body=rss([on[0], off[0]]), headers={"Content-Type": "application/rss+xml"}, etag='"v1"')
    server.routes["/feed"] = route
    _sources(site, _source("Mixed", server.url("/feed")))
    assert _collect(site) == 0
    route.body, route.etag = rss([on[1], off[1], on[0], off[0]]), '"v2"'
    mark = len(server.log)
    assert _collect(site) == 0
    assert "Mixed: 4 entries, 2 new, 1 on a topic, saved" in capsys.readouterr().out
    fetched = sorted(path for path, status in server.log[mark:] if status == 200)
    assert fetched == sorted(["/feed", "/wh/section-232", "/rnz/shellfish"])  # seen entries not fetched again
    assert len(list(site.articles.iterdir())) == 2


def test_save_all_per_source_and_the_per_run_cap(server, site, capsys):
    links = _serve_pages(server, ON_TOPIC) + _serve_pages(server, OFF_TOPIC)
    server.routes["/atom"] = Route(body=atom(links), headers={"Content-Type": "application/atom+xml"}, etag='"a"')
    _sources(site, _source("Everything", server.url("/atom"), save="all", limit=3))
    assert _collect(site) == 0
    assert "Everything: 4 entries, 4 new, saved, 1 left for the next run (limit 3)" in capsys.readouterr().out
    assert len(list(site.articles.iterdir())) == 3
    # the entry left over is not hidden behind a 304: the feed is read whole and it is fetched
    assert _collect(site) == 0
    assert "Everything: 4 entries, 1 new, saved" in capsys.readouterr().out
    assert len(list(site.articles.iterdir())) == 4
    assert _collect(site) == 0
    assert "Everything: not modified since the last run" in capsys.readouterr().out


def test_json_feed_and_failing_sources_are_one_line_each(server, site, capsys):
    links = _serve_pages(server, ON_TOPIC)
    server.routes["/feed.json"] = Route(body=json_feed(links + [server.url("/vanished")]),
                                        headers={"Content-Type": "application/feed+json"})
    server.routes["/not-a-feed"] = Route(body=b"<html><body><p>Hello</p></body></html>",
                                         headers={"Content-Type": "text/html"})
    server.routes["/down"] = Route(503, b"busy", {"Content-Type": "text/plain"})
    _sources(site, _source("JSON", server.url("/feed.json")), _source("Page", server.url("/not-a-feed")),
             _source("Down", server.url("/down")))
    assert _collect(site) == 1  # a feed could not be read
    captured = capsys.readouterr()
    assert "JSON: 3 entries, 3 new, 2 on a topic, saved, 1 failed" in captured.out
    assert f"{server.url('/vanished')}: 404 Not Found" in captured.err
    err = captured.err.splitlines()
    assert any(line.startswith("Page: not a feed (") for line in err)
    assert "Down: 503 Service Unavailable" in err
    assert len(list(site.articles.iterdir())) == 2


def test_parse_feed_rejects_what_is_not_a_feed():
    with pytest.raises(FeedError):
        parse_feed(b"<html><p>x</p></html>", "text/html", "http://127.0.0.1/x")
    with pytest.raises(FeedError):
        parse_feed(b'{"version": "1", "items": []}', "application/json", "http://127.0.0.1/x")
    entries = parse_feed(rss(["http://127.0.0.1/a", "javascript:alert(1)"]), "application/rss+xml", "http://127.0.0.1/")
    assert [(e.link) for e in entries] == ["http://127.0.0.1/a", None]


def test_sources_are_checked_key_by_key(site):
    _sources(site, '[[sources]]\nname = "A"\nfeed = "ftp://x/feed"\nsave = "some"\nlimit = 0\nfed = 1\n',
             '[[sources]]\nfeed = "https://example.com/rss"\n')
    with pytest.raises(ConfigError) as caught:
        load_config(site.config_path)
    assert caught.value.problems == [
        "sources[0].fed: unknown key (did you mean 'feed'?)",
        "sources[0].feed: expected an absolute http(s) URL, got 'ftp://x/feed'",
        "sources[0].save: expected one of 'topics', 'all', got 'some'",
        "sources[0].limit: expected a positive integer, got 0",
        "sources[1].name: required",
    ]


def test_sources_are_kept_on_the_config(site):
    _sources(site, _source("A", "https://example.com/a.xml", save="all", limit=5))
    assert load_config(site.config_path).sources == (
        FeedSource(name="A", feed="https://example.com/a.xml", save="all", limit=5, delay=0.0),)

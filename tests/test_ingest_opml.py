"""feeds.opml is OPML 2.0 listing every feed the build writes; a reader's OPML becomes [[sources]]."""

from __future__ import annotations

import pytest
from lxml import etree

from generator.cli import main
from generator.config import load_config
from generator.ingest.opml import OpmlError, read_opml, site_opml, sources_toml
from generator.site.views import topic_views


def _outlines(data: bytes):
    root = etree.fromstring(data)
    return root, [o for o in root.iter("outline") if o.get("xmlUrl")]


def test_feeds_opml_is_opml_2_and_lists_every_feed_the_build_writes(site):
    site.add_fixture("aukus-submarines.md")
    site.build()
    config = site.config()
    data = site_opml(config, topic_views(config, []))
    root, feeds = _outlines(data)
    assert data.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    assert root.tag == "opml" and root.get("version") == "2.0"
    assert [c.tag for c in root] == ["head", "body"] and root.find("head/title").text == config.title
    # OPML 2.0: every outline has text; a subscription is type="rss" with an xmlUrl
    assert all(o.get("text") for o in root.iter("outline"))
    assert all(o.get("type") == "rss" for o in feeds)
    urls = [o.get("xmlUrl") for o in feeds]
    written = {config.base_url + p.relative_to(site.output).as_posix()
               for p in site.output.rglob("*") if p.name in ("feed.xml", "atom.xml")}
    assert sorted(urls) == sorted(written)  # every RSS and Atom feed, site-wide and per topic, and no other
    assert len(urls) == 2 * (1 + len(config.topics))
    assert all(u.isascii() and u.startswith("https://example.github.io/digest/") for u in urls)
    assert site_opml(config, topic_views(config, [])) == data  # the same site, the same bytes


def test_non_ascii_addresses_are_written_as_ascii_uris(site):
    config = site.config(base_url="https://例え.jp/文摘/")
    _, feeds = _outlines(site_opml(config, [{"slug": "稀土", "name": "稀土"}]))
    assert "https://xn--r8jz45g.jp/%E6%96%87%E6%91%98/topics/%E7%A8%80%E5%9C%9F/feed.xml" in \
        [o.get("xmlUrl") for o in feeds]


READER_OPML = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="1.0"><head><title>Subscriptions</title></head><body>
<outline text="News" title="News">
  <outline type="rss" text="VOA Chinese" title="VOA \xe4\xb8\xad\xe6\x96\x87" xmlUrl="https://www.voachinese.com/api/zyrtyequty" htmlUrl="https://www.voachinese.com/"/>
  <outline type="rss" text="Defense &quot;One&quot;" xmlUrl="https://www.defenseone.com/rss/all/"/>
</outline>
<outline type="rss" text="Again" xmlUrl="https://www.defenseone.com/rss/all/"/>
<outline type="rss" text="Local file" xmlUrl="file:///etc/passwd"/>
</body></opml>"""


def test_a_readers_opml_becomes_sources_that_site_toml_accepts(site, tmp_path, capsys):
    subs = read_opml(READER_OPML)
    assert [(s.name, s.feed) for s in subs] == [("VOA 中文", "https://www.voachinese.com/api/zyrtyequty"),
                                                ('Defense "One"', "https://www.defenseone.com/rss/all/")]
    opml = tmp_path / "subscriptions.opml"
    opml.write_bytes(READER_OPML)
    assert main(["sources", "--config", str(site.config_path), "--import-opml", str(opml)]) == 0
    printed = capsys.readouterr().out
    assert printed == sources_toml(subs)
    assert main(["sources", "--config", str(site.config_path), "--import-opml", str(opml), "--append"]) == 0
    assert [(s.name, s.feed, s.save) for s in load_config(site.config_path).sources] == \
        [("VOA 中文", "https://www.voachinese.com/api/zyrtyequty", "topics"),
         ('Defense "One"', "https://www.defenseone.com/rss/all/", "topics")]
    capsys.readouterr()
    assert main(["sources", "--config", str(site.config_path), "--import-opml", str(opml), "--append"]) == 0
    assert "Appended 0 [[sources]]" in capsys.readouterr().out  # feeds already there are not added twice
    assert len(load_config(site.config_path).sources) == 2


def test_opml_declaring_entities_is_refused(tmp_path):
    bomb = (b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
            b'<opml version="2.0"><body><outline text="&b;" xmlUrl="https://example.com/f"/></body></opml>')
    with pytest.raises(OpmlError, match="declares XML entities"):
        read_opml(bomb)
    with pytest.raises(OpmlError, match="not OPML"):
        read_opml(b"<rss version='2.0'/>")

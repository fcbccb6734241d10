"""What a reader of the feeds, the sitemap and the pages sees of each article's fields, for a site
built from the saving tools' files: every address an ASCII URI (the W3C feed validator's rules for
RSS <link> and Atom href), real dates or none, the outlet, and a link to the original only when one
is known."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import pytest
from lxml import etree

TOOLS = Path(__file__).resolve().parent / "fixtures" / "saving-tools"
# RFC 3986: the characters a URI may hold (an IRI's non-ASCII must be percent-encoded).
URI_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*$")
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from conftest import SiteDir

    site = SiteDir(tmp_path_factory.mktemp("tools") / "site", "https://example.github.io/digest/")
    for path in sorted(TOOLS.iterdir()):
        if path.name != "README.md":
            site.add(path.name, path.read_bytes())
    report = site.build()
    assert not report.skipped, report.skipped
    return site


def _titles_to_items(feed) -> dict:
    return {e.title: e for e in feed.entries}


def _every_address(xml: bytes) -> list[str]:
    root = etree.fromstring(xml)
    found = [el.text for el in root.iter("link", "loc", "{*}loc") if el.text and el.text.strip()]
    found += [el.get("href") for el in root.iter() if el.get("href")]
    found += [el.text for el in root.iter("guid") if el.get("isPermaLink") != "false"]
    for el in root.iter("description", f"{ATOM}content"):
        found += re.findall(r'href="([^"]+)"', el.text or "")
    return [a.strip() for a in found]


def test_every_address_in_feeds_and_sitemap_is_an_ascii_uri(built):
    files = built.files()
    feeds = [p for p in files if p.endswith(("feed.xml", "atom.xml"))]
    assert len(feeds) >= 2
    addresses = [a for p in feeds + ["sitemap.xml"] for a in _every_address(files[p])]
    assert any("%E" in a for a in addresses), "the fixtures have Chinese slugs: some address is encoded"
    bad = [a for a in addresses if not URI_RE.match(a)]
    assert not bad, bad[:5]
    for p in (p for p in files if p.endswith("feed.json")):
        feed = json.loads(files[p])
        urls = [feed["home_page_url"], feed["feed_url"]] + [u for i in feed["items"] for u in (i["url"], i.get("external_url")) if u]
        assert all(URI_RE.match(u) for u in urls), urls


def test_pages_canonical_and_og_urls_are_ascii(built):
    for path, data in built.files().items():
        if path.endswith(".html") and path != "404.html":
            html = data.decode("utf-8")
            for attr in re.findall(r'<link rel="canonical" href="([^"]+)"|<meta property="og:url" content="([^"]+)"', html):
                for url in filter(None, attr):
                    assert URI_RE.match(url), (path, url)


def test_an_undated_article_gets_no_invented_date(built):
    rss = _titles_to_items(feedparser.parse(built.read("feed.xml")))
    atom = _titles_to_items(feedparser.parse(built.read("atom.xml")))
    mhtml = "Australia and the US sign a critical minerals framework"
    assert "published" not in rss[mhtml]  # no pubDate
    assert "published" not in atom[mhtml]
    # Atom's required <updated> is when the page was saved (the MHTML's Date header)
    assert atom[mhtml].updated_parsed[:6] == (2025, 10, 21, 0, 2, 45)
    # a clip with no publication date: <updated> is the clip's `created`
    item = atom["中国扩大稀土出口管制 美国称将予以回应"]
    assert "published" not in item and item.updated_parsed[:6] == (2026, 1, 10, 1, 20, 44)


def test_dated_articles_keep_their_publication_date_in_their_zone(built):
    rss = _titles_to_items(feedparser.parse(built.read("feed.xml")))
    taiwan = rss["美澳簽署關鍵礦產協議 降低對中國稀土依賴"]
    assert taiwan.published_parsed[:5] == (2025, 10, 21, 6, 30)  # 14:30 in Taipei, not 14:30 UTC
    obsidian = rss["Pentagon review of AUKUS finds the pact on track"]
    assert obsidian.published_parsed[:3] == (2025, 12, 4)  # published, not the clip's created


def test_read_the_original_only_where_an_address_is_known(built):
    rss = _titles_to_items(feedparser.parse(built.read("feed.xml")))
    reuters = rss["China tightens gallium and germanium export controls"]
    assert 'href="https://www.reuters.com/world/china/gallium-export-controls-2025-10-09/"' in reuters.description
    assert "(Reuters)" in reuters.description
    dump = rss["China expands rare earth export controls ahead of summit"]
    assert "Read the original" not in dump.description
    for entry in rss.values():
        links = re.findall(r'<a href="([^"]+)">Read the original', entry.description)
        assert all(not urlsplit(link).netloc.endswith("github.io") for link in links), entry.title


def test_cards_and_pages_name_the_outlet_never_a_file_name(built):
    listings = "".join(d.decode("utf-8") for p, d in built.files().items()
                       if p.endswith("index.html") and not p.startswith("articles/"))
    for outlet in ("Reuters", "Phoenix", "ABC News (Australia)", "VOA Chinese", "Defense One"):
        assert outlet in listings
    assert "Phoenix New Media Limited" not in listings
    for path, data in built.files().items():
        if path.startswith("articles/"):
            text = data.decode("utf-8")
            assert not re.search(r"\.(?:txt|md|html|mhtml)</", text), path


def test_html_time_elements_are_valid_datetimes(built):
    stamp = re.compile(r"^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?)?$")
    for path, data in built.files().items():
        if path.endswith(".html"):
            for value in re.findall(r'<time datetime="([^"]*)"', data.decode("utf-8")):
                assert stamp.match(value), (path, value)


def test_authors_reach_rss_readers_as_dc_creator_and_atom_as_author(built):
    rss = _titles_to_items(feedparser.parse(built.read("feed.xml")))
    atom = _titles_to_items(feedparser.parse(built.read("atom.xml")))
    title = "Pentagon review of AUKUS finds the pact on track"
    assert rss[title].author == "Jane Doe, John Roe" and atom[title].author == "Jane Doe, John Roe"
    assert "<author>" not in built.read("feed.xml")  # RSS <author> would have to be an e-mail address


def _jsonld(html: str) -> dict:
    found = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(found) == 1
    return json.loads(found[0])


def test_article_pages_carry_newsarticle_json_ld_with_only_what_is_known(built):
    pages = {p: d.decode("utf-8") for p, d in built.files().items() if p.startswith("articles/")}
    by_headline = {_jsonld(html)["headline"]: _jsonld(html) for html in pages.values()}
    reuters = by_headline["China tightens gallium and germanium export controls"]
    assert reuters["@type"] == "NewsArticle" and reuters["@context"] == "https://schema.org"
    assert reuters["datePublished"] == "2025-10-09T06:30:00+00:00"
    assert reuters["author"] == [{"@type": "Person", "name": "Jane Doe"}]
    assert reuters["publisher"] == {"@type": "Organization", "name": "Reuters"}
    assert reuters["url"] == "https://www.reuters.com/world/china/gallium-export-controls-2025-10-09/"
    assert URI_RE.match(reuters["mainEntityOfPage"])
    undated = by_headline["Australia and the US sign a critical minerals framework"]
    assert "datePublished" not in undated and "author" not in undated  # unknown stays unknown
    dump = by_headline["China expands rare earth export controls ahead of summit"]
    assert "url" not in dump  # no address was saved with the copied text


def test_topic_pages_carry_a_collection_page_of_their_articles(built):
    data = _jsonld(built.read("topics/rare-earths/index.html"))
    assert data["@type"] == "CollectionPage" and data["mainEntity"]["@type"] == "ItemList"
    urls = [item["url"] for item in data["mainEntity"]["itemListElement"]]
    assert urls and all(URI_RE.match(u) and "/articles/" in u for u in urls)
    assert [item["position"] for item in data["mainEntity"]["itemListElement"]] == list(range(1, len(urls) + 1))


def test_json_ld_cannot_be_closed_by_a_headline():
    from generator.records import Entry
    from generator.site.jsonld import article_data

    entry = Entry(slug="x", id="urn:uuid:1", title='</script><script>alert(1)</script>', summary="", key_points=(),
                  topics=(), language="en", published=None, author=None, site_name=None, url=None, source="x.md")
    text = article_data(entry, "https://example.github.io/digest/articles/x/", "")
    assert "<" not in text and json.loads(text)["headline"].startswith("</script>")


def test_the_site_lists_every_feed_in_one_opml_file_linked_from_every_page(built):
    files = built.files()
    opml = etree.fromstring(files["feeds.opml"])
    assert opml.get("version") == "2.0" and opml.find("head/title") is not None
    listed = {o.get("xmlUrl") for o in opml.iter("outline") if o.get("xmlUrl")}
    feeds = {f"https://example.github.io/digest/{p}" for p in files if p.endswith(("feed.xml", "atom.xml"))}
    assert listed == feeds and all(URI_RE.match(u) for u in listed)
    for path, data in files.items():
        if path.endswith(".html") and path != "404.html":
            assert re.search(r'<link rel="alternate" type="text/x-opml" [^>]*href="[^"]*feeds\.opml"', data.decode()), path

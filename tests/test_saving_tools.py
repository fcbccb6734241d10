"""The files real saving tools write: each one's own record of the save (address, when it was
saved) is read and kept apart from when the outlet published the article, authors come out clean,
and the outlet is named. Fixtures in tests/fixtures/saving-tools/ were written for these tests from
each tool's documented shape (see tests/fixtures/saving-tools/README.md)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.dates import instant, parse_date, with_zone, zone_named
from generator.articles.discover import read_source
from generator.articles.extract import extract_article, original_url
from generator.articles.extract.saved import html_save_record
from generator.site.outlets import article_zone, is_brand, merged_table, outlet_name

TOOLS = Path(__file__).resolve().parent / "fixtures" / "saving-tools"
TABLE = merged_table({})


def article(name: str):
    return extract_article(read_source(TOOLS / name, TOOLS))


def test_chrome_save_page_as_keeps_the_address_and_the_pages_own_date():
    a = article("chrome-save-page-as.html")
    assert a.url == "https://www.reuters.com/world/china/gallium-export-controls-2025-10-09/"
    assert instant(a.published) == dt.datetime(2025, 10, 9, 6, 30, tzinfo=dt.timezone.utc)
    assert a.saved is None  # Chrome records no time of the save
    assert a.author == "Jane Doe"
    assert outlet_name(a.url, a.site_name, "en", TABLE) == "Reuters"
    assert "China" in a.tags and a.section == "China"


def test_singlefile_header_gives_the_address_and_the_saved_date_not_the_published_one():
    a = article("singlefile.html")
    assert a.url == "https://news.ifeng.com/c/8nZxGallium2025"
    assert a.saved == "2026-01-10T09:15:02+08:00"
    assert a.published == "2025-10-09T15:20:00"  # as the page wrote it: zone-less
    assert a.author == "李明"


def test_a_legal_name_is_not_the_outlet_the_domain_table_names_it_per_language():
    a = article("singlefile.html")
    assert a.site_name == "Phoenix New Media Limited" and not is_brand(a.site_name)
    assert outlet_name(a.url, a.site_name, "zh-Hans", TABLE) == "凤凰网"
    assert outlet_name(a.url, a.site_name, "zh-Hant", TABLE) == "鳳凰網"
    assert outlet_name(a.url, a.site_name, "en", TABLE) == "Phoenix"
    # a text dump that names only the company still finds its outlet
    assert outlet_name(None, "Phoenix New Media Limited", "zh-Hans", TABLE) == "凤凰网"
    # the zone of the outlet places its zone-less time
    zone = article_zone(a.url, a.site_name, a.language, TABLE, {})
    assert with_zone(a.published, zone) == "2025-10-09T15:20:00+08:00"


def test_chrome_mhtml_headers_give_the_address_and_the_saved_date():
    a = article("chrome.mhtml")
    assert a.url == "https://www.abc.net.au/news/2025-10-21/critical-minerals-framework/105912345"
    assert a.saved == "2025-10-21T11:02:45+11:00"
    assert a.published is None  # the page says nothing of it: unknown stays unknown
    assert outlet_name(a.url, a.site_name, "en", TABLE) == "ABC News (Australia)"


def test_obsidian_web_clipper_published_is_not_created_and_authors_lose_their_brackets():
    a = article("obsidian-web-clipper.md")
    assert a.published == "2025-12-04"
    assert a.saved == "2026-01-10"
    assert a.author == "Jane Doe, John Roe"
    assert a.tags == ("AUKUS",)  # the clipper's own "clippings" tag says nothing of the article
    assert a.url.startswith("https://www.defenseone.com/")


def test_markdownload_created_is_the_save_and_its_excerpt_is_not_body():
    a = article("markdownload.md")
    assert a.saved == "2026-01-10T09:20:44+08:00"
    assert a.published is None
    assert a.title == "中国扩大稀土出口管制 美国称将予以回应"  # "| 美国之音" is the site, not the headline
    assert not any("予以回应。" in b.text and b.text.startswith("中国商务部周四宣布扩大稀土出口管制范围，美国") for b in a.blocks)
    assert a.blocks[0].text.startswith("中国商务部周四宣布扩大稀土出口管制范围，将五种")
    assert a.tags == ("稀土", "出口管制")
    assert outlet_name(a.url, a.site_name, "zh-Hans", TABLE) == "美国之音"


def test_an_english_dump_keeps_the_byline_under_the_headline_out_of_the_title():
    a = article("copied-text-en.txt")
    assert a.title == "China expands rare earth export controls ahead of summit"
    assert a.author == "Sarah Lee"
    assert a.url is None


def test_a_zoneless_time_in_a_taiwanese_dump_is_read_in_taiwan_not_utc():
    a = article("copied-text-zh-Hant.txt")
    assert a.published == "2025-10-21T14:30:00"
    zone = article_zone(a.url, a.site_name, a.language, TABLE, {"zh-Hant": "Asia/Taipei"})
    assert instant(with_zone(a.published, zone)) == dt.datetime(2025, 10, 21, 6, 30, tzinfo=dt.timezone.utc)
    assert a.author == "王小明"


@pytest.mark.parametrize("head, url, saved", [
    ("<!-- saved from url=(0022)https://example.com/a -->\n<html>", "https://example.com/a", None),
    ("<!-- saved from url=(0014)about:internet -->\n<html>", None, None),
    ("<html><!--\n Page saved with SingleFile \n url: https://example.com/b \n saved date: Wed Sep 24 2025"
     " 18:05:44 GMT-0400 (Eastern Daylight Time)\n-->", "https://example.com/b", "2025-09-24T18:05:44-04:00"),
    ("<html><!--\n Page saved with SingleFile \n url: javascript:alert(1) \n-->", None, None),
    ("<html><head><title>No record</title>", None, None),
])
def test_html_save_records(head, url, saved):
    record = html_save_record(head)
    assert (record.url, record.saved) == (url, saved)


@pytest.mark.parametrize("saved_from, page, expected", [
    ("https://www.x.com/a?utm_source=feed", "https://x.com/a", "https://x.com/a"),  # the page's own
    ("https://www.x.com/a", "https://x.com/", "https://www.x.com/a"),  # a home-page canonical
    ("https://www.x.com/a", "https://aggregator.example/a", "https://www.x.com/a"),  # another site
    (None, "https://x.com/a", "https://x.com/a"),
    ("https://x.com/a", None, "https://x.com/a"),
])
def test_original_url(saved_from, page, expected):
    assert original_url(saved_from, page) == expected


@pytest.mark.parametrize("text, expected", [
    ("Wed Jan 10 2024 09:15:02 GMT+0800 (China Standard Time)", "2024-01-10T09:15:02+08:00"),
    ("2026-01-10T09:15:02 (UTC +08:00)", "2026-01-10T09:15:02+08:00"),
    ("Tue, 21 Oct 2025 11:02:45 +1100", "2025-10-21T11:02:45+11:00"),
    ("2025年10月21日 14:30", "2025-10-21T14:30:00"),
    ("Oct 21, 2025", "2025-10-21"),
    ("2025-10-21", "2025-10-21"),
    ("115年02月12日", "2026-02-12"),  # Taiwan's official (民國) calendar
    ("民國114年10月21日 14:30", "2025-10-21T14:30:00"),
    ("October 2025", None),  # no day: would be filled from the clock
    ("2 hours ago", None),  # relative: read against the clock
    ("1850-01-01", None),
    ("not a date", None),
])
def test_parse_date(text, expected):
    assert parse_date(text) == expected


def test_zones_never_default_to_utc_by_accident():
    taipei = zone_named("Asia/Taipei")
    assert with_zone("2025-10-21T14:30:00", taipei) == "2025-10-21T14:30:00+08:00"
    assert with_zone("2025-10-21", taipei) == "2025-10-21"  # a day stays a day
    assert with_zone("2025-10-21T14:30:00+00:00", taipei) == "2025-10-21T14:30:00+00:00"
    assert with_zone("2025-10-21T14:30:00", None) == "2025-10-21T14:30:00"  # unknown: as written

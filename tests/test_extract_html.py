"""extract_html: hand-made pages (block kinds, captions, metadata, hostile input) and real pages."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from generator.errors import SourceError
from generator.articles.extract.html import extract_html

LOREM = (
    "The committee met on Tuesday to discuss the new budget, which includes funding for schools, "
    "roads and hospitals across the region, and several members raised concerns about costs. "
)
ZH = "立法院今天三讀通過預算案，包括學校、道路和醫院的經費，多位委員對成本表示關切，行政院將在下週提出說明。"


def article_page(body: str, head: str = "", chrome: bool = True) -> str:
    nav = (
        '<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li></ul></nav>'
        '<div class="sidebar"><h3>Most read</h3><ul>'
        + "".join(f'<li><a href="/s{i}">Sidebar story number {i} about something</a></li>' for i in range(8))
        + "</ul></div>"
        if chrome else ""
    )
    footer = '<footer><p>Copyright 2024 Example News. All rights reserved.</p></footer>' if chrome else ""
    return f"<html><head>{head}</head><body>{nav}<div id='main'>{body}</div>{footer}</body></html>"


def kinds(doc):
    return [(b.kind, b.text[:20]) for b in doc.blocks]


def test_block_kinds_in_document_order():
    body = (
        "<article><h1>Budget approved</h1>"
        f"<p>{LOREM}</p><h2>What changes</h2><p>{LOREM}</p>"
        "<ul><li>More money for schools in the north</li><li>New roads between the two towns</li></ul>"
        f"<blockquote><p>We did what we promised, said the chair of the committee.</p></blockquote>"
        f"<p>{LOREM}</p></article>"
    )
    doc = extract_html(article_page(body, "<title>Budget approved - Example News</title>"))
    got = [b.kind for b in doc.blocks]
    assert got == ["paragraph", "heading", "paragraph", "list_item", "list_item", "quote", "paragraph"]
    assert doc.blocks[1].text == "What changes"
    assert doc.blocks[3].text == "More money for schools in the north"
    assert doc.title == "Budget approved"


def test_chrome_is_left_out():
    doc = extract_html(article_page(f"<article><p>{LOREM}</p><p>{LOREM}</p></article>"))
    text = "\n".join(b.text for b in doc.blocks)
    assert "committee met" in text
    for junk in ("Sidebar story", "Copyright", "Home", "Most read"):
        assert junk not in text


def test_captions_are_separate():
    body = (
        f"<article><p>{LOREM}</p><figure><img src='a.jpg'><figcaption>The chair speaks to reporters.</figcaption>"
        f"</figure><p>{LOREM}</p></article>"
    )
    doc = extract_html(article_page(body))
    assert doc.captions == ("The chair speaks to reporters.",)
    assert all("chair speaks" not in b.text for b in doc.blocks)


def test_headline_is_not_repeated_as_first_block():
    body = f"<article><h1>立法院通過預算</h1><p>{ZH}</p><p>{ZH}</p></article>"
    doc = extract_html(article_page(body, "<title>立法院通過預算_新聞網</title>"))
    assert doc.title == "立法院通過預算"
    assert doc.blocks[0].text == ZH
    assert doc.language == "zh-Hant"


def test_chinese_br_separated_text_in_table_cell():
    cells = "<br><br>".join([ZH, ZH.replace("今天", "昨天"), ZH.replace("預算", "法案")])
    links = "".join(f"<a href='/n{i}'>其他新聞標題第{i}則</a><br>" for i in range(15))
    html = (f"<html><body><table><tr><td>{links}</td><td class='txt'>{cells}</td></tr></table>"
            "</body></html>")
    doc = extract_html(html)
    assert [b.text for b in doc.blocks] == [ZH, ZH.replace("今天", "昨天"), ZH.replace("預算", "法案")]


def test_link_list_inside_article_is_dropped():
    related = "<ul>" + "".join(f"<li><a href='/r{i}'>Related headline {i} here</a></li>" for i in range(6)) + "</ul>"
    doc = extract_html(article_page(f"<article><p>{LOREM}</p>{related}<p>{LOREM}</p></article>"))
    assert all("Related headline" not in b.text for b in doc.blocks)
    assert len(doc.blocks) == 2


def test_metadata_from_meta_tags_and_json_ld():
    head = (
        '<title>Budget approved | Example News</title>'
        '<meta property="og:title" content="Budget approved">'
        '<meta property="og:site_name" content="Example News">'
        '<meta property="article:published_time" content="2024-03-05T10:30:00+01:00">'
        '<meta property="article:section" content="Politics">'
        '<meta property="article:tag" content="budget"><meta property="article:tag" content="schools">'
        '<meta name="keywords" content="budget, roads">'
        '<link rel="canonical" href="https://news.example.org/budget">'
        '<script type="application/ld+json">{"@type": "NewsArticle", "author": {"name": "Jane Roe"}}</script>'
    )
    doc = extract_html(article_page(f"<article><p>{LOREM}</p></article>", head))
    assert doc.title == "Budget approved"
    assert doc.site_name == "Example News"
    assert doc.published == "2024-03-05T10:30:00+01:00"
    assert doc.section == "Politics"
    assert doc.tags == ("budget", "schools", "roads")
    assert doc.url == "https://news.example.org/budget"
    assert doc.author == "Jane Roe"
    assert doc.language == "en"


def test_metadata_is_text_only_and_urls_http_only():
    head = (
        '<title>Plain &lt;b&gt;bold&lt;/b&gt; title</title>'
        '<meta name="author" content="<script>alert(1)</script>Ann">'
        '<link rel="canonical" href="javascript:alert(1)">'
        '<meta property="og:url" content="file:///etc/passwd">'
    )
    doc = extract_html(article_page(f"<article><p>{LOREM}</p></article>", head))
    assert "<" not in doc.title and "<" not in (doc.author or "")
    assert doc.url is None


def test_title_site_suffix_removed_without_h1():
    head = '<title>Budget approved by the committee - Example News</title>'
    doc = extract_html(article_page(f"<article><p>{LOREM}</p></article>", head))
    assert doc.title == "Budget approved by the committee"


def test_singlefile_inline_payloads_do_not_leak():
    blob = "A" * 200_000
    html = (
        f"<html><head><style>{'body{color:red} ' * 5000}</style></head><body>"
        f"<img src='data:image/png;base64,{blob}'><div style='background:url(data:image/png;base64,{blob})'>"
        f"<article><p>{LOREM}</p><p>{LOREM}</p></article></div></body></html>"
    )
    doc = extract_html(html)
    text = "\n".join(b.text for b in doc.blocks)
    assert "committee met" in text and "AAAA" not in text and "color:red" not in text


@pytest.mark.parametrize(
    "html",
    ["<div>" * 100_000 + "deep text" + "</div>" * 100_000,
     "<html><body><p>" + LOREM + "<div><table><tr><td>trunc",
     "<p>NUL\x00 in\x00 text</p>",
     "\x00\x01\x02\x03" * 1000,
     "<script>" * 1000,
     "<html><body>" + "<p>" + "word " * 200_000,
     ],
)
def test_hostile_input_returns_or_raises_source_error(html):
    try:
        doc = extract_html(html)
    except (SourceError, ValueError):
        return
    assert all("\x00" not in b.text for b in doc.blocks)


@pytest.mark.parametrize("html", ["", "   ", "\x00"])
def test_empty_input_is_a_source_error(html):
    with pytest.raises(SourceError):
        extract_html(html)


# Real pages of the benchmark's dev split: (page id, language, must contain, must not contain).
# Snippets were read from the gold text (must contain) and from the page's chrome (must not).
BENCH = Path(__file__).resolve().parent / "fixtures" / "real"  # copied from the benchmark (README there)
DEV_PAGES = [
    ('aeb-042bb7b5feda', 'en', 's while socializing with far-f', 'Dow Jones & Company'),
    ('dn-5c5c8a2b6759', 'en', 'htclub. The party atmosphere o', 'Privacy Statement'),
    ('dn-4aa7f002030a', 'en', 'ies in Canada, the editorial p', 'Yahoo!7 News Preferences'),
    ('dn-67a8e08a830f', 'en', 'ho are grossly intoxicated wit', 'Conditions of Use'),
    ('dn-58269337f0d6', 'zh-Hans', '2008年10月底，时建锋开始全面参与沙场经营管理', '免费手机资讯客户端下载'),
    ('dn-70b17ec98774', 'zh-Hans', '一系列“骂文化”的炒作事件', '大学院校查询'),
    ('dn-9ceb3bd584b4', 'zh-Hans', '现在微软设立了一个实习项目', '增值电信业经营许可证'),
    ('dn-a93cb0df09f7', 'zh-Hant', '防腐劑等成分，另外添加抗菌劑成分的肥皂', 'SINA English'),
    ('dn-0f107ba8a377', 'zh-Hant', '患者至門診就診時，臉部都已紅腫疼痛不堪', '星期四'),
    ('dn-b286c1bc8bf5', 'ru', 'возможностями нового метода', 'размещении рекламы'),
    ('dn-289093b207c3', 'ru', 'независимо от к', 'support@ukrfood.com.ua'),
    ('dn-f481b7b1343b', 'ru', 'ведение максимального количест', 'English version'),
    ('dn-59047665d06b', 'el', 'αναλαμβάνεται. Ειδικότερα με τ', 'Φωτοαφιερώματα'),
    ('dn-231d2664a4db', 'el', 'που δημοσίευσαν', 'Ελληνική Εταιρεία Διαδικτύου'),
    ('dn-004c53da77f6', 'el', 'Ο ίδιος πρόσθεσε πως έλεγχοι', 'κορυφή ιστοσελίδας'),
    ('dn-82cc54429b03', 'pl', 'litację, co znacznie opóźni in', 'Patronat medialny'),
    ('dn-310f39e4843b', 'pl', 'Nie zdziwmy się też', 'subskrybuj'),
    ('aeb-57b4dafd18cf', 'de', 'Krankenhausinformati', 'Datenschutz'),
    ('aeb-85439e26c41c', 'ja', '不正に改造したiPhoneを販売することは', 'プライバシー・ポリシー'),
    ('aeb-9da36ae4714b', 'ko', '하지만 SBS <결혼의 여신>에서', 'All right reserved'),
]


@pytest.mark.parametrize("page_id, language, present, absent", DEV_PAGES)
def test_dev_page_snippets(page_id, language, present, absent):
    from generator.articles.extract.decode import decode_bytes

    data = gzip.decompress((BENCH / "html" / f"{page_id}.html.gz").read_bytes())
    doc = extract_html(decode_bytes(data))
    text = "\n".join(b.text for b in doc.blocks)
    assert present in text
    assert absent not in text
    assert doc.language == language

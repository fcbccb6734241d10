import pytest
from hypothesis import given, strategies as st

from generator.markup import render_markdown, safe_url
from generator.site.views import paginate, relative_link
from generator.site.slugs import make_slug, unique_slug

from conftest import REPO


@pytest.mark.parametrize("target, page, expected", [
    ("", "index.html", "./"),
    ("", "articles/x/index.html", "../../"),
    ("topics/aukus/", "index.html", "topics/aukus/"),
    ("assets/style.css", "articles/x/index.html", "../../assets/style.css"),
    ("topics/aukus/", "topics/aukus/page/2/index.html", "../../"),
    ("articles/美中/", "topics/us-china/index.html", "../../articles/美中/"),
])
def test_relative_links(target, page, expected):
    assert relative_link(target, page) == expected


def test_paginate_paths_and_neighbours():
    pages = paginate("topics/t/", list(range(5)), 2)
    assert [p for p, _, _ in pages] == ["topics/t/index.html", "topics/t/page/2/index.html", "topics/t/page/3/index.html"]
    assert [c for _, c, _ in pages] == [[0, 1], [2, 3], [4]]
    assert pages[0][2]["newer"] is None and pages[0][2]["older"] == "topics/t/page/2/"
    assert pages[2][2]["newer"] == "topics/t/page/2/" and pages[2][2]["older"] is None
    assert paginate("", [], 3) == [("index.html", [], {"number": 1, "pages": 1, "newer": None, "older": None})]


@pytest.mark.parametrize("url, ok", [
    ("https://example.com/a", True), ("http://x.org", True), ("mailto:a@b.c", True),
    ("../relative/", True), ("page.html#frag", True),
    ("javascript:alert(1)", False), ("JaVaScRiPt:alert(1)", False), ("java\tscript:alert(1)", False),
    (" javascript:alert(1)", False), ("data:text/html,<script>", False), ("vbscript:msgbox", False),
    ("\x01javascript:x", False), ("file:///etc/passwd", False),
])
def test_safe_url(url, ok):
    assert safe_url(url) is ok


def test_markdown_has_no_raw_html_or_bad_links():
    html = render_markdown('<script>alert(1)</script>\n\n[x](javascript:alert(1)) <img src=x onerror=alert(1)> {{ 7*7 }}')
    assert "<script" not in html and "<img" not in html
    assert 'href="javascript' not in html
    assert "{{ 7*7 }}" in html  # shown as text, never evaluated


def test_markdown_links_made_absolute_for_feeds():
    html = render_markdown("[a](../b/)", base="https://example.github.io/digest/articles/x/")
    assert 'href="https://example.github.io/digest/articles/b/"' in html


@pytest.mark.parametrize("title, slug", [
    ("US–China talks: what’s next?", "us-china-talks-whats-next"),
    ("降低對中國稀土依賴　美國、澳洲簽署「關鍵礦產協議」", "降低對中國稀土依賴-美國-澳洲簽署-關鍵礦產協議"),
    ("中美关系：新阶段", "中美关系-新阶段"),
    ("Россия и Китай", "россия-и-китай"),
])
def test_slugs_keep_every_script(title, slug):
    assert make_slug(title, "k") == slug


def test_slug_fallback_and_uniqueness():
    assert make_slug("!!!", "key").startswith("article-")
    assert make_slug("!!!", "key") == make_slug("...", "key")
    assert unique_slug("a", {"a", "a-2"}) == "a-3"


@given(st.lists(st.sampled_from(["a", "b", "美中", "page", "2"]), max_size=4),
       st.lists(st.sampled_from(["a", "b", "美中", "page", "2"]), max_size=4), st.booleans())
def test_relative_links_resolve_back_to_their_target(target_parts, page_parts, is_folder):
    import posixpath

    target = "/".join(target_parts) + ("/" if is_folder and target_parts else "")
    page = "/".join(page_parts + ["index.html"])
    link = relative_link(target, page)
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(page), link))
    assert resolved == (posixpath.normpath(target) if target else ".")
    # the same as the posixpath.relpath formulation it replaced
    reference = posixpath.relpath(target or ".", posixpath.dirname(page) or ".")
    if target.endswith("/") or target == "":
        reference = reference.rstrip("/") + "/"
    assert link == ("./" if reference in ("./", "/") else reference)


# --- pages a reader scans: home, topic, article, search (rendered from hand-made entries) --------

def entry(slug, topics=(), published="2025-10-21", language="en", **fields):
    from generator.records import Entry

    values = dict(slug=slug, id=f"urn:uuid:{slug}", title=f"Title {slug}", summary=f"Summary of {slug}.",
                  key_points=(f"Point of {slug}.",), topics=tuple(topics), language=language, published=published,
                  author=None, site_name=None, url=None, source=f"{slug}.html")
    values.update(fields)
    return Entry(**values)


def render_all(site, entries, language="en"):
    """Every page of a site of these entries: {path: parsed page}."""
    from lxml import html as lxml_html

    from generator.site.render import render_page, setup
    from generator.site.views import page_specs, topic_views

    if language != "en":
        text = site.config_path.read_text(encoding="utf-8")
        site.config_path.write_text(text.replace('language = "en"', f'language = "{language}"', 1), encoding="utf-8")
    config = site.config()
    env, shared, _ = setup(config)
    specs = page_specs(config, entries, topic_views(config, entries), shared["labels"])
    return {s.path: lxml_html.fromstring(render_page(env, config, s, shared).data) for s in specs}


def texts(doc, xpath):
    return [" ".join(el.text_content().split()) for el in doc.xpath(xpath)]


def test_home_shows_each_topics_newest_with_its_count_and_keeps_topicless_articles_apart(site):
    entries = [entry(f"a{i}", ["aukus"], published=f"2025-10-{10 + i}") for i in range(5)]
    entries += [entry("r1", ["rare-earths"]), entry("loose-1", published="2025-09-01"),
                entry("loose-2", published=None), entry("loose-3", published="2025-08-01")]
    pages = render_all(site, entries)
    home = pages["index.html"]
    sections = home.xpath("//section[@class='topic-digest']")
    assert [s.xpath("string(h2/a/@href)") for s in sections] == ["topics/rare-earths/", "topics/aukus/"]
    aukus = sections[1]
    assert texts(aukus, ".//ul[@class='headlines']/li/a") == ["Title a4", "Title a3", "Title a2"]  # newest 3
    assert texts(aukus, "p[@class='count']") == ["5 articles"] and texts(sections[0], "p[@class='count']") == ["1 article"]
    assert aukus.xpath("string(.//p[@class='more']/a/@href)") == "topics/aukus/"
    assert not sections[0].xpath(".//p[@class='more']")  # its one article is shown: no "all" link
    others = home.xpath("//section[@class='others']")[0]
    assert texts(others, ".//article[@class='card']/h2/a") == ["Title loose-1", "Title loose-3"]  # page size 2
    assert not set(texts(others, ".//h2/a")) & {f"Title a{i}" for i in range(5)}
    page2 = pages["page/2/index.html"]
    assert texts(page2, "//article[@class='card']/h2/a") == ["Title loose-2"] and not page2.xpath("//section[@class='topic-digest']")


def test_home_without_topic_stories_lists_every_article_as_latest(site):
    pages = render_all(site, [entry("x"), entry("y")])
    home = pages["index.html"]
    assert not home.xpath("//section[@class='topic-digest']")
    assert texts(home, "//h2[@class='list-heading']") == ["Latest articles"]


def test_pager_links_both_ways(site):
    pages = render_all(site, [entry(f"e{i}", published=f"2025-10-{10 + i}") for i in range(5)])
    first, second, third = (pages[p] for p in ("index.html", "page/2/index.html", "page/3/index.html"))
    assert first.xpath("//nav[@class='pager']/a/@rel") == ["next"]
    assert second.xpath("//a[@rel='prev']/@href") == ["../../"] and second.xpath("//a[@rel='next']/@href") == ["../3/"]
    assert third.xpath("//a[@rel='prev']/@href") == ["../2/"] and not third.xpath("//a[@rel='next']")
    topic = render_all(site, [entry(f"t{i}", ["aukus"], published=f"2025-10-{10 + i}") for i in range(3)])
    assert topic["topics/aukus/page/2/index.html"].xpath("//a[@rel='prev']/@href") == ["../../"]


def test_cards_name_the_outlet_and_real_date_and_nothing_when_unknown(site):
    pages = render_all(site, [entry("known", outlet="凤凰网", published="2025-10-21T09:15:02+08:00"),
                              entry("unknown", published=None),
                              entry("garbled", published="2026-13-45")])
    cards = {c.xpath("string(h2/a)"): c for path in ("index.html", "page/2/index.html")
             for c in pages[path].xpath("//article[@class='card']")}
    known = cards["Title known"]
    assert known.xpath("string(.//time/@datetime)") == "2025-10-21" and texts(known, ".//time") == ["2025-10-21"]
    assert texts(known, ".//span[@class='outlet']") == ["凤凰网"]
    for name in ("Title unknown", "Title garbled"):
        assert not cards[name].xpath(".//time") and not cards[name].xpath(".//span[@class='outlet']")
        assert not cards[name].xpath("string(.//p[@class='meta'])").startswith(" ·")


def test_topic_page_does_not_repeat_its_own_chip(site):
    pages = render_all(site, [entry("both", ["aukus", "us-china"]), entry("one", ["aukus"])])
    topic = pages["topics/aukus/index.html"]
    assert texts(topic, "//ul[@class='tags']//a") == ["US–China relations"]
    assert sorted(texts(pages["articles/both/index.html"], "//ul[@class='tags']//a")) == ["AUKUS", "US–China relations"]


def test_feed_links_say_what_they_cover(site):
    pages = render_all(site, [entry("one", ["aukus"])])
    footer = pages["topics/aukus/index.html"].xpath("//footer")[0]
    groups = [(" ".join(p.text_content().split()), p.xpath("a/@href")) for p in footer.xpath("p")]
    opml = ("All feeds, for a feed reader (OPML)", ["../../feeds.opml"])
    assert groups == [("Feeds of AUKUS only: RSS · Atom · JSON Feed", ["feed.xml", "atom.xml", "feed.json"]),
                      ("Feeds of the whole site: RSS · Atom · JSON Feed", ["../../feed.xml", "../../atom.xml",
                                                                          "../../feed.json"]), opml]
    assert [" ".join(p.text_content().split()) for p in pages["index.html"].xpath("//footer/p")] == [
        "Feeds of the whole site: RSS · Atom · JSON Feed", "All feeds, for a feed reader (OPML)"]


def test_hand_edited_summaries_are_marked(site):
    pages = render_all(site, [entry("mine", ["aukus"], edited=True), entry("made", ["aukus"])])
    for path in ("articles/mine/index.html", "topics/aukus/index.html"):
        assert texts(pages[path], "//span[@class='edited']") == ["Summary edited by hand"], path
    assert not pages["articles/made/index.html"].xpath("//span[@class='edited']")


@pytest.mark.parametrize("language, one, many, minutes", [
    ("en", "1 article", "2 articles", "1 min read"),
    ("zh-Hant", "1 篇文章", "2 篇文章", "1 分鐘閱讀"),
    ("zh-Hans", "1 篇文章", "2 篇文章", "1 分钟阅读"),
])
def test_counts_read_right_in_every_language(site, language, one, many, minutes):
    pages = render_all(site, [entry("a", ["aukus"]), entry("b", ["us-china"]), entry("c", ["us-china"])], language)
    assert texts(pages["topics/aukus/index.html"], "//p[@class='count']") == [one]
    assert texts(pages["topics/us-china/index.html"], "//p[@class='count']") == [many]
    assert minutes in pages["articles/a/index.html"].xpath("string(//p[@class='meta'])")


def test_every_counting_label_has_the_plural_forms_its_language_needs():
    """CLDR's categories (Babel) of 0-1000 in each language of labels.toml: each one a counting
    label meets has its own form (a language with "one" and "other" must give both)."""
    import tomllib

    from generator.site.render import plural_category

    labels = tomllib.loads((REPO / "templates" / "labels.toml").read_text(encoding="utf-8"))
    assert {"en", "zh-Hant", "zh-Hans"} <= set(labels)
    for language, table in labels.items():
        needed = {plural_category(language, n) for n in range(1001)}
        counting = {k: v for k, v in table.items() if isinstance(v, dict)}
        assert "articles" in counting
        for key, forms in counting.items():
            assert set(forms) == needed, (language, key, sorted(forms), sorted(needed))
            assert all("{n}" in f for f in forms.values()), (language, key)


def test_a_plural_label_without_other_is_a_config_error(site):
    from generator.errors import ConfigError
    from generator.site.render import load_labels

    templates = site.own_templates()
    path = templates / "labels.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('other = "{n} articles"', 'many = "{n} articles"', 1),
                    encoding="utf-8")
    with pytest.raises(ConfigError, match="articles: a table of plural forms needs `other`"):
        load_labels(templates, "en")


@pytest.mark.parametrize("value, shown", [
    ("2025-10-21", "2025-10-21"), ("2025-10-21T09:15:02+08:00", "2025-10-21"),
    ("2026-01-10T09:15:02 (UTC +08:00)", "2026-01-10"), ("2025-02-30", ""), ("yesterday", ""), ("", ""), (None, ""),
])
def test_day_shows_a_real_date_or_nothing(value, shown):
    from generator.site.render import day

    assert day(value) == shown


def test_article_page_indexes_text_only_and_its_simplified_form(site):
    hant = entry("hant", ["aukus"], language="zh-Hant", title="美國調高關稅", summary="美國宣布對中國商品加徵關稅。",
                 key_points=("兩國關係緊張。",), url="https://news.example.com/a", outlet="範例新聞", author="記者")
    pages = render_all(site, [hant, entry("english", ["aukus"])])
    page = pages["articles/hant/index.html"]
    body = page.xpath("//*[@data-pagefind-body]")[0]
    for xpath in ("p[@class='meta']", "ul[@class='tags']", ".//h2[@id='kp']", "p[@class='source']"):
        assert body.xpath(f"{xpath}/@data-pagefind-ignore") == [""], xpath
    form = body.xpath("div[@class='search-form']")[0]
    assert form.get("hidden") is not None and form.get("lang") == "zh-Hans"
    assert form.text_content().split("\n") == ["美国调高关税", "美国宣布对中国商品加征关税。", "两国关系紧张。"]
    assert not pages["articles/english/index.html"].xpath("//div[@class='search-form']")


def test_search_page_has_one_search_box(site):
    pages = render_all(site, [entry("one")])
    search = pages["search/index.html"]
    assert not search.xpath("//form[@class='search-box']") and search.xpath("//div[@id='search']")
    scripts = search.xpath("//script/@src")
    assert scripts[-2:] == ["../assets/opencc-js/t2cn.js", "../assets/search.js"]
    assert all(pages[p].xpath("//form[@class='search-box']") for p in pages if p != "search/index.html")


def test_the_vendored_opencc_js_is_the_published_file():
    """templates/static/opencc-js/t2cn.js is opencc-js 1.4.2's dist/umd/t2cn.js as npm ships it
    (`npm pack opencc-js@1.4.2`), with its licences beside it: an upgrade is a new file and hash."""
    import hashlib

    folder = REPO / "templates" / "static" / "opencc-js"
    data = (folder / "t2cn.js").read_bytes()
    assert hashlib.sha256(data).hexdigest() == "5009384a6bdc904babee967a8bb9928e3c92288ec8a89ed036d53257e74cd8ab"
    assert {p.name for p in folder.iterdir()} == {"t2cn.js", "LICENSE", "LICENSE-Apache-2.0.txt",
                                                  "THIRD_PARTY_LICENSES.md"}
    assert b"eval(" not in data and b"new Function" not in data  # runs under the pages' CSP

import pytest
from hypothesis import given, strategies as st

from generator.markup import render_markdown, safe_url
from generator.render import paginate, relative_link
from generator.slugs import make_slug, unique_slug


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

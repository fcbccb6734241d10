"""Property tests (hypothesis) for the stages that read untrusted text: the text-dump and HTML
extractors, front matter, slugs, and safe_url / render_markdown.

`make test` runs ~50 examples per test; `make fuzz` (HYPOTHESIS_PROFILE=fuzz) runs 2,500.
"""

from __future__ import annotations

import os
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import html as lxml_html

from generator.errors import DigestError
from generator.articles.extract.html import extract_html
from generator.articles.extract.markdown import extract_markdown
from generator.articles.extract.text import extract_dump
from generator.articles.frontmatter import FrontMatterError, split_front_matter
from generator.markup import render_markdown, safe_url, strip_controls
from generator.site.slugs import make_slug
from test_hostile import SAFE_SCHEMES, browser_scheme, check_tree

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "default")  # the profiles are in conftest.py

# Words from the languages the site handles, plus the punctuation and markers the extractors key on.
WORDS = ["the", "minister", "said", "deal", "Taipei", "US–China", "稀土", "關鍵礦產", "美國", "记者", "報導",
         "▲", "（圖／路透）", "Share", "Menu", "Home", "|", "»", "2025-10-21", "2025年10月21日", "By",
         "記者王小明／綜合報導", "*", "[", "]", "(", ")", "http://x.org/a", "javascript:alert(1)", "#",
         "---", "```", ">", "-", "1.", "<b>", "&amp;", "\t", "\u3000", "é", "ß", "Ω", "ж"]
word = st.one_of(st.sampled_from(WORDS), st.text(min_size=1, max_size=12))
line = st.lists(word, max_size=30).map(" ".join)
document = st.lists(st.one_of(line, st.just("")), max_size=60).map("\n".join)
OUR_ERRORS = (DigestError, ValueError)


def _nonspace(text: str) -> str:
    return "".join(text.split())


def _is_subsequence(needle: str, hay: str) -> bool:
    it = iter(hay)
    return all(ch in it for ch in needle)


@given(document)
def test_dump_blocks_come_from_the_input(text):
    try:
        doc = extract_dump(text)
    except OUR_ERRORS:
        return
    # A block may join consecutive lines (reflow): its characters are a sub-sequence of the
    # input's characters (whitespace aside).
    for block in doc.blocks:
        assert block.text.strip()
        assert _is_subsequence(_nonspace(block.text), _nonspace(text)), (block.text[:200], text[:200])
    assert isinstance(doc.title, str)


# Found by `make fuzz`: a line with no column gap was cut where the next lines have a two-space
# gap (itself no column edge), and its tail was read after them.
COLUMN_CASE = ("the the said 2025-10-21 00 the the the the the the 0.\n"
               "the 2025年10月21日 0000\u0e5c  the the the the the the the the the the the the the the\n"
               "the 2025年10月21日 0000\u0e5c  the the the the the the the the the the the the minister")


def test_dump_blocks_keep_the_input_order():
    doc = extract_dump(COLUMN_CASE)
    joined = _nonspace("".join(b.text for b in doc.blocks))
    assert joined
    assert _is_subsequence(joined, _nonspace(COLUMN_CASE)), joined


def _single_spaced(text: str) -> str:
    """No gap of two or more spaces inside a line (indentation kept): a dump without columns."""
    return re.sub(r"(?<=\S)[ \t]{2,}|(?<=\S)\t", " ", text)


@given(document.map(_single_spaced))
def test_dump_without_columns_keeps_the_input_order(text):
    try:
        doc = extract_dump(text)
    except OUR_ERRORS:
        return
    joined = _nonspace("".join(b.text for b in doc.blocks))
    assert _is_subsequence(joined, _nonspace(text)), (joined[:200], text[:200])


@given(st.text(max_size=3000))
def test_dump_never_crashes_on_any_text(text):
    try:
        extract_dump(text)
    except OUR_ERRORS:
        pass


TAGS = ["p", "div", "article", "h1", "h2", "span", "script", "style", "svg", "math", "table", "td", "li",
        "ul", "figure", "figcaption", "title", "meta", "head", "body", "html", "a", "br", "template", "!--"]
attr = st.sampled_from(['', ' class="content"', ' style="display:none"', ' hidden', ' href="javascript:x"',
                        ' property="og:title" content="T"', ' name="author" content="<b>A</b>"', " onload=x",
                        ' charset="big5"', ' type="application/ld+json"'])
tag_piece = st.builds(lambda t, a, close: f"</{t}>" if close else f"<{t}{a}>", st.sampled_from(TAGS), attr,
                      st.booleans())
html_doc = st.lists(st.one_of(tag_piece, line, st.sampled_from(["&nbsp;", "&#0;", "&#x110000;", "<", ">", "\x00",
                                                                 "<![CDATA[", "]]>", "<?xml?>"])),
                    max_size=80).map("".join)


@given(html_doc)
def test_html_extractor_raises_only_our_errors(html):
    try:
        doc = extract_html(html)
    except OUR_ERRORS:
        return
    for block in doc.blocks:
        assert "<script" not in block.text.lower() or "<script" in html.lower()


@given(st.text(max_size=2000))
def test_html_extractor_on_any_text(text):
    try:
        extract_html(text)
    except OUR_ERRORS:
        pass


yaml_value = st.one_of(st.text(max_size=30), st.sampled_from(
    ["[a, b", "{x: 1", "&a x", "*a", "!!python/object:os.system x", "!!binary aGk=", "2025-10-21", "~", "yes",
     "- a\n- b", ": :", "'unterminated", '"\\x01"', "|\n  block", "? complex", "%YAML 1.1", "{{ 7*7 }}"]))
front = st.lists(st.tuples(st.text(min_size=0, max_size=12), yaml_value), max_size=8).map(
    lambda kv: "\n".join(f"{k}: {v}" for k, v in kv))
fenced = st.builds(lambda fm, body, close: f"---\n{fm}\n{close}\n{body}", front, document,
                   st.sampled_from(["---", "...", "--- ", "", "----"]))


@given(st.one_of(fenced, st.text(max_size=500)))
def test_front_matter_raises_only_front_matter_errors(text):
    try:
        meta, body = split_front_matter(text)
    except FrontMatterError:
        return
    assert isinstance(meta, dict) and isinstance(body, str)
    assert all(isinstance(k, str) for k in meta)


@given(st.one_of(fenced, st.text(max_size=500)))
def test_markdown_extractor_raises_only_source_errors(text):
    try:
        doc = extract_markdown(text)
    except DigestError:
        return
    assert isinstance(doc.title, str)
    assert doc.url is None or doc.url.lower().startswith(("http://", "https://"))
    assert all(isinstance(t, str) for t in doc.tags)
    for value in (doc.author, doc.published, doc.site_name, doc.language):
        assert value is None or isinstance(value, str)


@given(st.text(max_size=200), st.text(max_size=20))
def test_slugs_are_safe_and_stable(title, fallback):
    slug = make_slug(title, fallback)
    assert slug
    assert "/" not in slug and "\\" not in slug and ".." not in slug and slug not in (".", "..")
    assert not any(ch.isspace() for ch in slug)
    assert not any(ord(ch) < 0x20 or ord(ch) == 0x7f for ch in slug)
    assert make_slug(title, fallback) == slug
    assert len(slug) <= 80


url_text = st.one_of(
    st.text(max_size=40),
    st.builds(lambda pre, scheme, mid, rest: pre + scheme[:2] + mid + scheme[2:] + ":" + rest,
              st.sampled_from(["", " ", "\x01", "\t", "\n", "\x00", "\u00a0", "\x7f"]),
              st.sampled_from(["javascript", "JaVaScRiPt", "vbscript", "data", "http", "https", "mailto", "file"]),
              st.sampled_from(["", "\t", "\n", "\r", "\x00", " ", "\u200b"]),
              st.text(max_size=20)),
)


@given(url_text)
def test_safe_url_agrees_with_a_browser(url):
    ok = safe_url(url)
    assert isinstance(ok, bool)
    if ok:
        assert browser_scheme(url) in SAFE_SCHEMES | {None}, url


md_piece = st.one_of(line, st.builds(lambda t, u: f"[{t}]({u})", st.text(max_size=8), url_text),
                     st.builds(lambda u: f"<{u}>", url_text), st.builds(lambda u: f"[r]\n\n[r]: {u}", url_text),
                     st.sampled_from(["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "![i](x.png)",
                                      "&#106;avascript:", "**", "_", "`", "```\n<script>\n```", "> quote"]))
md_doc = st.lists(md_piece, max_size=20).map("\n".join)


@given(md_doc, st.sampled_from([None, "https://example.org/a/"]))
def test_render_markdown_output_is_safe(text, base):
    out = render_markdown(text, base=base)
    problems = check_tree(lxml_html.fromstring(f"<div>{out}</div>"), "md")
    assert not problems, (text, out, problems)
    assert "<script" not in out.lower() and "<img" not in out.lower()


@given(st.text(max_size=200))
def test_strip_controls_leaves_only_xml_characters(text):
    out = strip_controls(text)
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff\ufffe\uffff]", out.replace("\r", ""))
    assert strip_controls(out) == out



@given(st.text(st.sampled_from(["a", "稀", " ", "\t", "\n", "\r", "\x00", "\x08", "\x0b", "\x0c", "\x0e", "\x1f",
                                "\x7f", "\x80", "\ud800", "\udfff", "\ufffe", "\uffff", "\ufffd"]), max_size=30))
def test_strip_controls_is_its_two_substitutions(text):
    """The scan that leaves a clean text as it is gives what the two substitutions give."""
    from generator.markup import _CONTROL_RE, _VERTICAL_RE

    assert strip_controls(text) == _CONTROL_RE.sub("", _VERTICAL_RE.sub(" ", text))

@pytest.mark.skipif(PROFILE != "fuzz", reason="slow: `make fuzz` only (tests/test_kill.py runs 5 kill points)")
def test_killed_builds_at_twenty_points(tmp_path):
    from test_kill import check_killed_builds

    check_killed_builds(tmp_path, 20, seed=7)

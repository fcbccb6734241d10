import pytest

from generator.errors import SourceError
from generator.articles.extract.markdown import extract_markdown, markdown_blocks
from generator.articles.frontmatter import dump_yaml, front_matter, split_front_matter

from conftest import FIXTURES


def test_clipper_front_matter_and_blocks():
    doc = extract_markdown((FIXTURES / "articles" / "aukus-submarines.md").read_text(encoding="utf-8"))
    assert doc.title.startswith("AUKUS partners agree")
    assert doc.url == "https://news.example.com/world/aukus-submarine-rotations"
    assert doc.published == "2025-11-02"
    assert doc.author == "Jane Reporter"
    assert doc.tags == ("defence", "AUKUS")
    kinds = [b.kind for b in doc.blocks]
    # the title heading repeated in the body is dropped; the rest keeps its kinds and order
    assert kinds == ["paragraph", "paragraph", "heading", "paragraph", "quote", "list_item", "list_item", "paragraph"]
    assert doc.blocks[2].text == "Why it matters"


@pytest.mark.parametrize("body, expected", [
    ("Text with [a link](javascript:alert(1)) and **bold**.", "Text with a link and bold."),
    ("<script>alert(1)</script>\n\nAfter.", "After."),
    ("![img](x.png) Caption text", "Caption text"),
    ("line one\nline two", "line one line two"),
])
def test_inline_markup_becomes_plain_text(body, expected):
    assert [b.text for b in markdown_blocks(body)][-1] == expected


def test_non_http_url_is_dropped():
    doc = extract_markdown("---\ntitle: T\nsource: javascript:alert(1)\n---\n\nBody text.")
    assert doc.url is None


def test_malformed_front_matter_is_a_source_error():
    with pytest.raises(SourceError, match="malformed front matter"):
        extract_markdown("---\ntitle: [unclosed\n---\n\nBody.")


def test_front_matter_round_trip_keeps_unicode_and_order():
    meta = {"title": "美中關係", "topics": ["us-china"], "published": "2025-10-21"}
    text = front_matter(dump_yaml(meta), "摘要。")
    assert "美中關係" in text
    back, body = split_front_matter(text)
    assert back == meta and list(back) == list(meta)
    assert body.strip() == "摘要。"

"""HTML extraction: parse once, read metadata, clean, find the article container, write blocks.

    parse.py   string -> lxml tree (bulk stripped, hostile input contained)
    clean.py   chrome, hidden elements, comment sections and forms removed, captions collected
    score.py   the article container (readability's scoring in CJK-aware units)
    blocks.py  container -> typed blocks, boilerplate pruned, short edge lines trimmed
"""

from __future__ import annotations

from generator.articles.lang import detect_language
from generator.records import Block, Extracted
from generator.articles.extract.metadata import extract_metadata, split_title
from generator.articles.extract.htmlx.blocks import trim_edges, write_blocks
from generator.articles.extract.htmlx.clean import clean_tree
from generator.articles.extract.htmlx.parse import parse_html
from generator.articles.extract.htmlx.score import find_content
from generator.articles.extract.htmlx.text import collapse

__all__ = ["extract_html", "split_title"]

# Characters of body text given to language detection: plenty for CLD2 and for the
# Traditional/Simplified decision, and detection cost grows with the sample.
LANGUAGE_SAMPLE = 1500


def _same(a: str, b: str) -> bool:
    return collapse(a).casefold() == collapse(b).casefold()


def _drop_headline(blocks: list[Block], title: str) -> list[Block]:
    """The headline is shown as the title: drop its first occurrence among the leading blocks."""
    for i, block in enumerate(blocks[:3]):
        if title and _same(block.text, title):
            return blocks[:i] + blocks[i + 1:]
    return blocks


def _article_blocks(root, title: str) -> list[Block]:
    return trim_edges(_drop_headline(write_blocks(find_content(root)), title))


def extract_html(html: str) -> Extracted:
    root = parse_html(html)
    meta = extract_metadata(root)
    captions = clean_tree(root)
    blocks = _article_blocks(root, meta.title)
    if not blocks:
        # The comment and form rules can take a whole page on a site that names its article
        # wrapper oddly ("with-comments"): read the page again without them.
        root = parse_html(html)
        captions = clean_tree(root, sections=False)
        blocks = _article_blocks(root, meta.title)
    body = "\n".join(b.text for b in blocks[:40])[:LANGUAGE_SAMPLE]
    language = detect_language(meta.title + "\n" + body) if body else None
    return Extracted(
        title=meta.title,
        blocks=tuple(blocks),
        published=meta.published,
        author=meta.author,
        site_name=meta.site_name,
        url=meta.url,
        language=language if language != "und" else None,
        section=meta.section,
        tags=meta.tags,
        captions=captions,
    )

"""The plain-text dump extractor on real dumps: the seed page against its gold file, and
must-contain / must-not-contain snippets on benchmark dev pages (skipped when absent)."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

from generator.extract import extract_article
from generator.extract.text import extract_dump
from generator.records import Source

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO.parent / "shared" / "samples"
SEED = SAMPLES / "ettoday-critical-minerals.txt"
SEED_GOLD = SAMPLES / "ettoday-critical-minerals.gold.json"


def _source(path: Path, data: bytes) -> Source:
    return Source(path=path, rel=path.name, kind="text", digest=hashlib.sha256(data).hexdigest(), data=data)


def _char_f1(pred: str, gold: str) -> float:
    from collections import Counter

    p, g = Counter(pred), Counter(gold)
    tp = sum((p & g).values())
    if not tp:
        return 0.0
    precision, recall = tp / sum(p.values()), tp / sum(g.values())
    return 2 * precision * recall / (precision + recall)


@pytest.fixture(scope="module")
def seed():
    if not SEED.exists() or not SEED_GOLD.exists():
        pytest.skip("seed sample not present")
    data = SEED.read_bytes()
    return extract_article(_source(SEED, data)), json.loads(SEED_GOLD.read_text(encoding="utf-8"))


def test_seed_metadata(seed):
    article, gold = seed
    assert article.title == gold["title"]
    assert article.published == gold["published"]
    assert article.author == gold["author"]
    assert article.site_name == gold["site_name"]
    assert article.language == gold["language"]
    assert article.section == gold["section"]


def test_seed_blocks_are_the_gold_body_in_order(seed):
    article, gold = seed
    assert [b.text for b in article.blocks] == gold["body"]
    headings = [b.text for b in article.blocks if b.kind == "heading"]
    assert headings == gold["subheadings"]
    assert _char_f1(article.text, "\n\n".join(gold["body"])) >= 0.98


def test_seed_captions_are_not_blocks(seed):
    article, gold = seed
    assert list(article.captions) == gold["captions"]
    assert not any(b.text.startswith("▲") for b in article.blocks)


def test_seed_leaves_out_boilerplate(seed):
    article, gold = seed
    for snippet in gold["not_body_examples"]:
        assert snippet not in article.text
    for snippet in ("相關新聞", "熱門新聞", "版權所有", "記者張方瑀"):
        assert snippet not in article.text


@pytest.mark.parametrize(
    "text",
    ["", "\n\n\n", "x", "a" * 200_000, "\x00\x01\ufffd" * 5000, "• a\n" * 100_000, "   |   |   \n" * 1000],
)
def test_any_text_gives_an_extracted(text):
    doc = extract_dump(text)
    assert isinstance(doc.blocks, tuple)

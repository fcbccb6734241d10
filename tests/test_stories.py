"""The story stage: grouping across languages, stable ids, incremental = from scratch, hand overrides,
determinism, and `digest stories`. The articles are short reports written for these tests (invented
events, in the form of wire copy), in English, Traditional and Simplified Chinese."""

from __future__ import annotations

import argparse
import json
import random

import pytest

from generator.records import Article, Block
from generator.stories import (NEW, StoryItem, assign_stories, default_params, group_stories, split_id,
                               story_features, story_id)
from generator.stories import command

# Story A: an agreement, reported the same day in three scripts and the next day in one.
# Story B: a measure by another government the next day (same week, same beat, other event).
# C: a third event, alone.
ARTICLES = {
    "a-en": ("en", "2026-03-02", "Japan and Australia sign gallium supply pact in Canberra",
             "CANBERRA, March 2 - Japan and Australia on Monday signed an agreement on the supply of gallium worth "
             "A$1.2 billion, the two governments said, as Tokyo seeks to cut its reliance on Chinese processing.",
             "Prime Minister Anthony Albanese said the deal would fund a refinery in Western Australia."),
    "a-hant": ("zh-Hant", "2026-03-02", "日澳簽署鎵供應協議 金額12億澳元",
               "日本與澳洲2日在坎培拉簽署鎵供應協議，金額達12億澳元，日方希望降低對中國加工的依賴。"
               "澳洲總理艾班尼斯表示，協議將資助西澳的一座精煉廠。"),
    "a-hans": ("zh-Hans", "2026-03-03", "日本澳大利亚签署镓供应协议",
               "日本和澳大利亚3月2日在堪培拉签署镓供应协议，价值12亿澳元。"
               "澳大利亚总理阿尔巴尼斯说，该协议将为西澳大利亚的一座精炼厂提供资金。"),
    "b-en": ("en", "2026-03-03", "China to curb antimony exports from March 15",
             "BEIJING - China's Ministry of Commerce on Tuesday announced export controls on antimony and antimony "
             "oxide, to take effect on March 15, saying the measures protect national security.",
             "Exporters will need a licence for each shipment."),
    "b-hans": ("zh-Hans", "2026-03-03", "商务部宣布对锑实施出口管制",
               "中国商务部3日宣布，自3月15日起对锑及氧化锑实施出口管制，出口商须逐批申请许可证。"
               "商务部表示，此举是为了维护国家安全。"),
    "c-en": ("en", "2026-03-04", "Senate passes bill to build a strategic stockpile of rare earths",
             "WASHINGTON - The US Senate on Wednesday passed a bill that would build a strategic stockpile of rare "
             "earth elements, sending it to the House."),
}
GOLD = {"a-en": "A", "a-hant": "A", "a-hans": "A", "b-en": "B", "b-hans": "B", "c-en": "C"}


def article(key: str) -> Article:
    language, published, title, *paragraphs = ARTICLES[key]
    return Article(source=key, sha256="", title=title, published=published, author=None, site_name=None, url=None,
                   language=language, blocks=tuple(Block("paragraph", p) for p in paragraphs))


@pytest.fixture(scope="module")
def items() -> dict[str, StoryItem]:
    return {key: StoryItem(key, story_features(article(key))) for key in ARTICLES}


@pytest.fixture(scope="module")
def params():
    return default_params()


def partition(stories: dict[str, str]) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for key, story in stories.items():
        groups.setdefault(story, set()).add(key)
    return {frozenset(g) for g in groups.values()}


def test_reports_of_one_event_are_grouped_across_languages_and_other_events_kept_apart(items, params):
    stories = group_stories(items.values(), params)
    assert partition(stories) == partition(GOLD)


def test_figures_and_days_read_the_same_in_every_script(items):
    en, hant, hans = items["a-en"].features, items["a-hant"].features, items["a-hans"].features
    money = {k for k, _ in en.numbers if k.startswith("aud:")}
    assert money == {"aud:1.2e+09"}
    assert money <= {k for k, _ in hant.numbers} and money <= {k for k, _ in hans.numbers}
    day = {d for d, _ in en.days}
    assert day & {d for d, _ in hant.days} and day & {d for d, _ in hans.days}
    assert {"gallium", "albanese", "japan", "australia"} <= {c for c, _ in hant.concepts} & {c for c, _ in en.concepts}


def test_a_story_is_named_by_its_first_article_and_keeps_its_id_as_articles_join(items, params):
    first = assign_stories([items["a-en"]], [], {}, params)
    assert first == {"a-en": story_id("a-en")}
    later = assign_stories([items["a-hant"], items["a-hans"]], [items["a-en"]], first, params)
    assert set(later.values()) == {story_id("a-en")}


def test_assigning_newer_articles_to_an_archive_equals_grouping_from_scratch(items, params):
    whole = group_stories(items.values(), params)
    older = [items[k] for k in ("a-en", "a-hant")]
    archive = group_stories(older, params)
    newer = [items[k] for k in ARTICLES if k not in archive]
    assert assign_stories(newer, older, archive, params) == whole


def test_the_archive_is_never_regrouped(items, params):
    # a-en was (say) filed alone by an earlier build: new articles may join it, but it does not move
    existing = {"a-en": "kept-alone", "a-hant": "other"}
    stories = assign_stories([items["a-hans"], items["b-en"]], [items["a-en"], items["a-hant"]], existing, params)
    assert stories["a-en"] == "kept-alone" and stories["a-hant"] == "other"


def test_a_hand_edit_moves_an_article_or_splits_it_off(items, params):
    whole = group_stories(items.values(), params)
    moved = group_stories(items.values(), params, {"c-en": whole["b-en"]})
    assert moved["c-en"] == whole["b-en"] and moved["b-hans"] == whole["b-en"]
    split = group_stories(items.values(), params, {"a-hans": NEW})
    assert split["a-hans"] == split_id("a-hans") != split["a-en"]
    assert split["a-en"] == split["a-hant"] == story_id("a-en")
    # the edit wins over the stored assignment of an earlier build too
    again = assign_stories([], list(items.values()), whole, params, {"a-hans": " new "})
    assert again["a-hans"] == split_id("a-hans") and again["a-en"] == whole["a-en"]


def test_grouping_is_deterministic_in_any_input_order(items, params):
    expected = group_stories(items.values(), params)
    for seed in range(5):
        shuffled = list(items.values())
        random.Random(seed).shuffle(shuffled)
        assert group_stories(shuffled, params) == expected
    assert story_features(article("a-hant")) == items["a-hant"].features


def test_an_undated_article_is_a_story_of_its_own(params):
    language, _, title, *paragraphs = ARTICLES["a-en"]
    undated = Article(source="u", sha256="", title=title, published=None, author=None, site_name=None, url=None,
                      language=language, blocks=tuple(Block("paragraph", p) for p in paragraphs))
    items = [StoryItem("u", story_features(undated)), StoryItem("a-en", story_features(article("a-en")))]
    stories = group_stories(items, params)
    assert stories["u"] == story_id("u") != stories["a-en"]


def _markdown(key: str) -> str:
    language, published, title, *paragraphs = ARTICLES[key]
    return f"---\ntitle: {title}\npublished: {published}\n---\n\n" + "\n\n".join(paragraphs) + "\n"


def test_the_command_prints_one_story_per_file_and_names_a_bad_file(tmp_path, capsys):
    names = []
    for key in ("a-en", "a-hant", "b-en"):
        path = tmp_path / f"{key}.md"
        path.write_text(_markdown(key), encoding="utf-8")
        names.append(str(path))
    empty = tmp_path / "empty.md"
    empty.write_text("", encoding="utf-8")
    parser = argparse.ArgumentParser()
    command.register(parser.add_subparsers())
    args = parser.parse_args(["stories", *names, str(empty), "--json", "--config", str(tmp_path / "none.toml")])
    assert args.func(args) == 1
    out, err = capsys.readouterr()
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["file"] for r in rows] == names
    story = {r["file"]: r["story"] for r in rows}
    assert story[names[0]] == story[names[1]] != story[names[2]]
    assert err.strip() == f"{empty}: empty file"


def test_the_command_lists_stories_with_their_articles(tmp_path, capsys):
    names = []
    for key in ("a-en", "a-hans"):
        path = tmp_path / f"{key}.md"
        path.write_text(_markdown(key), encoding="utf-8")
        names.append(str(path))
    parser = argparse.ArgumentParser()
    command.register(parser.add_subparsers())
    args = parser.parse_args(["stories", *names, "--config", str(tmp_path / "none.toml"),
                              "--override", f"{names[1]}=new"])
    assert args.func(args) == 0
    out = capsys.readouterr().out
    assert out.count("== story ") == 2 and split_id(names[1]) in out
    assert "2026-03-02  en" in out and "日本澳大利亚签署镓供应协议" in out

"""Topics as concepts (entities and relations), the fitted layer, folds by source, corrections as
examples, and `digest topics --explain`."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest

from generator.articles.classify import attach_examples, classify_article, corrections, explain_article, parse_topics
from generator.articles.classify.entities import parse_entities
from generator.articles.classify.explain import explain_dict, explain_lines
from generator.articles.classify.model import FEATURES, fit_logistic, fit_weights, source_folds, source_group
from generator.records import Article, Block

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def rules():
    data = tomllib.loads((REPO / "site.toml").read_text(encoding="utf-8"))
    found, problems = parse_topics(data["topics"], "topics", data["entities"])
    assert problems == []
    return found


def article(title: str, *paragraphs: str, language: str = "en") -> Article:
    return Article(source="t.txt", sha256="", title=title, published=None, author=None, site_name=None,
                   url=None, language=language, blocks=tuple(Block("paragraph", p) for p in paragraphs))


def topics_of(art: Article, rules) -> set[str]:
    return {s.slug for s in classify_article(art, rules) if s.assigned}


CONCEPTS = [
    ("the US acting on a Chinese firm", article(
        "US adds Huawei to the Entity List",
        "The Commerce Department added Huawei and 68 affiliates to the Entity List, barring American firms from "
        "selling it parts without a licence.", "Beijing said it would take necessary measures to protect Chinese "
        "companies.", "Analysts expect the trade war to escalate."), {"us-china"}),
    ("a Chinese firm's ordinary business", article(
        "Huawei unveils new smartphone", "Huawei launched its latest Mate phone in Shenzhen on Tuesday, with a "
        "faster chip and a bigger battery.", "The Chinese company said sales in Europe and the Middle East grew "
        "strongly.", "Analysts expect strong demand in China this year."), set()),
    ("the pact described without its acronym", article(
        "Australia to buy Virginia-class submarines", "Australia will buy three Virginia-class nuclear-powered "
        "submarines from the United States under the trilateral security pact with Britain.", "Canberra, London "
        "and Washington announced the plan in San Diego.", "The first boats will arrive in the 2030s."), {"aukus"}),
    ("a Chinese submarine is not the pact", article(
        "Chinese nuclear submarine spotted near Japan", "Japan's defence ministry said a Chinese nuclear-powered "
        "submarine sailed submerged near its southern islands.", "Tokyo lodged a protest with Beijing.",
        "The submarine later headed into the East China Sea."), set()),
    ("zh-Hant: the pact described", article(
        "澳洲將採購維吉尼亞級潛艦", "根據澳英美三方安全夥伴關係，澳洲將向美國購買三艘維吉尼亞級核動力潛艦。",
        "英國將與澳洲共同建造新一代潛艦。", "首批潛艦預計在2030年代交付。", language="zh-Hant"), {"aukus"}),
    ("zh-Hans: tariffs on China, Beijing answers", article(
        "美国宣布对中国商品加征关税", "美国白宫周三宣布对中国商品加征百分之二十五的关税。",
        "中国商务部表示将采取反制措施，坚决维护自身权益。", "分析人士认为双方的贸易摩擦可能升级。", language="zh-Hans"),
     {"us-china"}),
    ("zh-Hant: a Chinese firm's product", article(
        "華為發表新手機", "華為周二在深圳發表新款手機，搭載更快的晶片。", "這家中國企業表示，歐洲與中東的銷售強勁成長。",
        "分析師預期今年中國市場需求強勁。", language="zh-Hant"), set()),
]


@pytest.mark.parametrize("name,art,expected", CONCEPTS, ids=[c[0] for c in CONCEPTS])
def test_topics_follow_who_acts_on_whom(rules, name, art, expected):
    assert topics_of(art, rules) == expected


def test_entities_are_shared_not_copied(rules):
    """Two topics that name the US refer to the one entity site.toml defines."""
    us = [e for r in rules for rel in r.relations for e in rel.between if e.id == "us"]
    assert len(us) >= 3 and all(e is us[0] for e in us)


@pytest.mark.parametrize("table,problem", [
    ({"us": {"kind": "country", "names": ["US"]}}, "entities.us.kind: expected one of"),
    ({"us": {"kind": "government", "names": []}}, "entities.us.names: expected a non-empty list of strings, got []"),
    ({"US": {"kind": "government", "names": ["US"]}}, "entities.US: expected a lowercase id"),
    ({"us": {"kind": "government", "names": ["US"], "nmaes": 1}}, "entities.us.nmaes: unknown key (did you mean 'names'?)"),
    ([1], "entities: expected a table of entities"),
])
def test_entity_problems_are_named_by_key(table, problem):
    found, problems = parse_entities(table)
    assert any(p.startswith(problem) for p in problems), problems
    assert found == {}


def test_a_capitalised_name_matches_case_only():
    found, _ = parse_entities({"us": {"kind": "government", "names": ["US", "United States"]}})
    assert [n.match_case for n in found["us"].names] == [True, False]


@pytest.mark.parametrize("source,group", [
    ("https://def.ltn.com.tw/article/breakingnews/1", "ltn.com.tw"),
    ("https://news.ltn.com.tw/news/world/paper/2", "ltn.com.tw"),
    ("https://www.abc.net.au/news/2022-04-06/x", "abc.net.au"),
    ("http://www.hkcna.hk/docDetail.jsp?id=1", "hkcna.hk"),
    ("someone/txt@abc:content/gnews/1/README.md", "repo:txt"),
    ("other/txt@def:content/gnews/2.md", "repo:txt"),
    ("a/banned-news2@1:pages/x.md", "repo:banned-news"),
    ("a/cctv_news@f:news/2022.md#title", "repo:cctv_news"),
])
def test_source_group_is_the_outlet(source, group):
    assert source_group(source) == group


def test_folds_keep_each_source_on_one_side():
    groups = ["a"] * 9 + ["b"] * 7 + ["c"] * 5 + ["d"] * 5 + ["e"] * 3 + ["f"] * 2 + ["g"] + ["h"]
    folds = source_folds(groups, 3)
    assert set(folds) == {0, 1, 2}
    for g in set(groups):
        assert len({f for f, h in zip(folds, groups) if h == g}) == 1
    sizes = [folds.count(f) for f in range(3)]
    assert max(sizes) - min(sizes) <= 2  # balanced: largest groups first, each to the emptiest fold
    assert source_folds(list(reversed(groups)), 3)[::-1] == folds  # by group, not by position


def test_logistic_regression_learns_which_feature_matters():
    rows = [(x, noise) for x in (0.0, 0.2, 0.4, 0.6, 0.8, 1.0) for noise in (0.0, 1.0)]
    model = fit_logistic(rows, [x > 0.5 for x, _ in rows], l2=0.1)
    assert model.weights[0] > 3 and abs(model.weights[1]) < 0.5
    assert model.logit((0.9, 0.0)) > 0 > model.logit((0.1, 1.0))


def test_a_topic_gets_its_own_weights_only_with_enough_examples():
    rows = [("big", (i / 50, 0.0), i >= 25) for i in range(50)] + [("small", (i / 10, 0.0), i >= 5) for i in range(10)]
    weights = fit_weights(rows)
    assert set(weights.by_topic) == {"big"} and weights.generic is not None


def test_shipped_weights_fit_the_features_and_the_shipped_topics(rules):
    from generator.articles.classify.fitted import WEIGHTS

    assert WEIGHTS.features == FEATURES
    assert {r.slug for r in rules} <= set(WEIGHTS.by_topic)
    assert all(len(m.weights) == len(FEATURES) for m in [*WEIGHTS.by_topic.values(), WEIGHTS.generic])


def test_explain_names_entities_relations_and_passages(rules):
    art = CONCEPTS[0][1]
    decisions = {d.slug: d for d in explain_article(art, rules)}
    lines = "\n".join(explain_lines(decisions["us-china"]))
    assert "+ us-china: assigned" in lines
    assert re.search(r"chinese-firms: [^;]*Huawei", lines) and "us + chinese-firms + measures" in lines
    assert "passage [title" in lines and "US adds Huawei to the Entity List" in lines
    assert "carried by:" in lines
    # a topic requiring a relation that no sentence shows says so
    plain = {d.slug: d for d in explain_article(article("Markets", "China's exports rose in May.", "Shares fell."), rules)}
    assert not plain["us-china"].assigned and "no sentence shows a relation" in plain["us-china"].reason
    assert json.dumps(explain_dict(decisions["us-china"]), ensure_ascii=False)


def test_cli_topics_explain(tmp_path, capsys):
    from generator.cli import main

    page = tmp_path / "a.md"
    page.write_text("---\ntitle: 美國商務部將華為列入實體清單\n---\n\n美國商務部宣布將華為列入實體清單，禁止美國企業向華為出售零件。\n\n"
                    "北京表示將採取必要措施，維護中國企業權益。\n", encoding="utf-8")
    assert main(["topics", str(page), "--explain", "--config", str(REPO / "site.toml")]) == 0
    out = capsys.readouterr().out
    assert "+ us-china: assigned" in out and "華為" in out and "aukus: not assigned" in out
    assert main(["topics", str(page), "--explain", "--json", "--config", str(REPO / "site.toml")]) == 0
    obj = json.loads(capsys.readouterr().out)
    assert obj["topics"] == ["us-china"] and obj["explain"]["us-china"]["relations"]


FILLER = ["The ministry gave no further details.", "Officials said talks would go on next month."]
SUBMARINES = ["Australia will host rotations of US nuclear-powered submarines at a base near Perth.",
              "Australian sailors will train aboard the boats before the country receives its own.",
              "The Australian navy said maintenance crews would be trained at the base."]


def test_a_correction_changes_a_similar_articles_decision(rules):
    """A person says an article is not AUKUS: a near copy of it (another outlet's version) follows;
    an unrelated article on the pact does not move."""
    corrected = article("US submarines to rotate through Perth", *SUBMARINES, *FILLER)
    similar = article("US nuclear submarines to rotate through Perth", *SUBMARINES, "The base opens next year.")
    unrelated = CONCEPTS[2][1]
    assert "aukus" in topics_of(corrected, rules) and "aukus" in topics_of(similar, rules)
    slugs = [r.slug for r in rules]
    example = corrections(corrected, generated=["aukus"], corrected=[], slugs=slugs, name="perth.md")
    taught = attach_examples(rules, [example])
    assert "aukus" not in topics_of(similar, taught)
    assert "aukus" in topics_of(unrelated, taught)
    reason = next(d for d in explain_article(similar, taught) if d.slug == "aukus").reason
    assert "perth.md" in reason and "does not belong" in reason


def test_a_correction_adds_a_topic_to_similar_articles(rules):
    text = ["The Australian government confirmed the cost of its submarine programme on Tuesday.",
            "Officials in Canberra said the boats would be built in Adelaide.", *FILLER]
    corrected, similar = article("Submarine costs", *text), article("Submarine costs confirmed", *text)
    assert "aukus" not in topics_of(similar, rules)
    example = corrections(corrected, generated=[], corrected=["aukus"], slugs=[r.slug for r in rules])
    assert "aukus" in topics_of(similar, attach_examples(rules, [example]))


def test_unchanged_topics_make_no_example_and_examples_change_the_rules_key(rules):
    from generator.articles.process import rules_key

    art = CONCEPTS[0][1]
    assert corrections(art, ["us-china"], ["us-china"], [r.slug for r in rules]) is None
    example = corrections(art, ["us-china"], [], [r.slug for r in rules], name="x.md")
    assert dict(example.topics) == {"rare-earths": False, "aukus": False, "us-china": False}
    assert rules_key(attach_examples(rules, [example])) != rules_key(rules)
    assert attach_examples(rules, [example]) == attach_examples(rules, [example])  # deterministic


def test_an_edit_stays_an_example_once_it_has_taught_the_rules(rules, tmp_path):
    """The hook a build calls with its hand-edited summaries: only edits that disagree with the rules
    alone become examples, and they still do after the rules learned from them (no flip-flop)."""
    from generator.articles.classify import examples_from_edits, load_examples, save_examples

    corrected = article("US submarines to rotate through Perth", *SUBMARINES, *FILLER)
    agreeing = CONCEPTS[0][1]
    edits = [(corrected, [], "perth.md"), (agreeing, ["us-china"], "huawei.md"), (agreeing, ["no-such-topic", "us-china"], "x.md")]
    found = examples_from_edits(edits, rules)
    assert [e.name for e in found] == ["perth.md"]
    taught = attach_examples(rules, found)
    assert "aukus" not in topics_of(corrected, taught)
    assert [e.name for e in examples_from_edits(edits, taught)] == ["perth.md"]
    path = tmp_path / "examples.json"
    save_examples(path, found)
    assert load_examples(path) == (found, "")
    path.write_text("{oops", encoding="utf-8")
    assert load_examples(path)[0] == [] and "unreadable examples" in load_examples(path)[1]


def test_a_topic_written_only_in_configuration_is_decided_by_the_weights_across_topics():
    data = tomllib.loads((REPO / "site.toml").read_text(encoding="utf-8"))
    data["entities"]["chips"] = {"kind": "thing", "names": ["chip", "semiconductor", "晶片", "芯片"]}
    data["topics"].append({"slug": "semiconductors", "names": {"zh-Hant": "半導體", "en": "Semiconductors"},
                           "threshold": 8, "aliases": [{"text": "semiconductor", "weight": 3}, {"text": "晶片", "weight": 3}],
                           "relations": [{"between": ["chips", "measures"], "weight": 3}]})
    rules, problems = parse_topics(data["topics"], "topics", data["entities"])
    assert problems == []
    chips = article("US tightens semiconductor export rules", "The Commerce Department restricted exports of "
                    "advanced semiconductor chips and chipmaking tools.", "Semiconductor makers said the rules "
                    "would cut their sales.", "Chip shares fell on the news.")
    decision = next(d for d in explain_article(chips, rules) if d.slug == "semiconductors")
    assert decision.assigned and decision.weights == "fitted across topics"
    assert "semiconductors" not in topics_of(CONCEPTS[2][1], rules)


def test_without_fitted_weights_the_hand_set_score_meets_the_threshold(rules):
    from generator.articles.classify import decide, read_signals
    from generator.articles.classify.evidence import prior_score
    from generator.articles.classify.model import Weights

    arts = [c[1] for c in CONCEPTS] + [article("AUKUS", "AUKUS partners met.", *FILLER)]
    for art in arts:
        signals = read_signals(art, rules)
        for d, rule in zip(decide(signals, rules, Weights({}, None)), rules):
            assert d.weights == "hand-set score"
            assert d.assigned == (d.evidence.anchored and prior_score(d.evidence) >= rule.threshold - 1e-9)


def test_a_hand_corrected_summary_teaches_the_next_build(site):
    """A person removes a topic from one article's summary file; from the next build on, a near copy
    of that article (another outlet's version) is decided like it; the corrected file is kept."""
    import re

    from generator.articles.frontmatter import split_front_matter

    body = "\n\n".join([*SUBMARINES, *FILLER])
    site.add("perth.md", f"---\ntitle: US submarines to rotate through Perth\n---\n\n{body}\n")
    site.build()
    def summary_of(source: str):
        return next(p for p in site.summaries.glob("*.md")
                    if split_front_matter(p.read_text(encoding="utf-8"))[0]["source"] == source)

    summary = summary_of("perth.md")
    meta, _ = split_front_matter(summary.read_text(encoding="utf-8"))
    assert "aukus" in meta["topics"]
    text = summary.read_text(encoding="utf-8")
    summary.write_text(re.sub(r"topics:\n(?:- .*\n)+", "topics: []\n", text), encoding="utf-8")
    site.build()  # learns the correction
    copy = "\n\n".join([  # another outlet's version: the same facts in other words (not a duplicate)
        "US nuclear-powered submarines will rotate through a naval base near Perth, Australia said.",
        "Before the country receives boats of its own, Australian sailors will train aboard them.",
        "Maintenance crews are to be trained at the base, according to the Australian navy.",
        "The base opens next year."])
    site.add("perth-copy.md", f"---\ntitle: US nuclear submarines to rotate through Perth\n---\n\n{copy}\n")
    site.build()
    other = summary_of("perth-copy.md")
    assert "aukus" not in split_front_matter(other.read_text(encoding="utf-8"))[0]["topics"]
    assert "topics: []" in summary.read_text(encoding="utf-8")  # the person's edit is kept

"""classify: site.toml's topics (entities, relations, fitted weights) on short articles in three scripts,
near-misses, and config errors."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from generator.articles.classify import TopicRule, classify_article, parse_topics
from generator.articles.classify.evidence import gather_evidence, prior_score
from generator.records import Article, Block

REPO = Path(__file__).resolve().parent.parent
SEED_GOLD = Path(__file__).resolve().parent / "fixtures" / "real" / "ettoday-critical-minerals.gold.json"


@pytest.fixture(scope="module")
def rules() -> tuple[TopicRule, ...]:
    with (REPO / "site.toml").open("rb") as fh:
        data = tomllib.load(fh)
    found, problems = parse_topics(data["topics"], "topics", data["entities"])
    assert problems == []
    return found


def article(title: str, *paragraphs: str, language: str = "zh-Hant") -> Article:
    return Article(source="t.txt", sha256="", title=title, published=None, author=None, site_name=None,
                   url=None, language=language, blocks=tuple(Block("paragraph", p) for p in paragraphs))


def topics_of(art: Article, rules) -> set[str]:
    return {s.slug for s in classify_article(art, rules) if s.assigned}


# (case, title, paragraphs, expected topics). Filler paragraphs make the articles article-sized.
FILLER = "當天天氣晴朗，記者在現場看到不少民眾。"
CASES = [
    ("zh-Hant rare earths", "中國限制稀土出口", ["北京宣布限制稀土與鎵、鍺出口，關鍵礦物供應鏈受衝擊。", "業者擔心稀土永磁價格上漲。", FILLER],
     {"rare-earths"}),
    ("zh-Hans rare earths", "中国限制稀土出口", ["北京宣布限制稀土与镓、锗出口，关键矿产供应链受冲击。", "业者担心稀土永磁价格上涨。", FILLER],
     {"rare-earths"}),
    ("en rare earths", "China curbs rare-earth exports", ["Beijing restricted exports of rare earths, gallium and germanium.",
     "Critical minerals supply chains are under strain.", "Prices of permanent magnets rose."], {"rare-earths"}),
    ("zh-Hant AUKUS", "澳英美三方安全夥伴關係：澳洲將取得核動力潛艦", ["根據AUKUS協議，澳洲將購買維吉尼亞級核動力潛艦。", "英國與澳洲將共同建造新艦。", FILLER],
     {"aukus"}),
    ("zh-Hans AUKUS", "澳英美联盟：澳大利亚将获得核动力潜艇", ["根据奥库斯协议，澳大利亚将购买弗吉尼亚级核动力潜艇。", "英国与澳大利亚将共同建造新艇。", FILLER],
     {"aukus"}),
    ("en AUKUS", "AUKUS partners agree on submarine plan", ["Australia will buy Virginia-class nuclear-powered submarines under AUKUS.",
     "Pillar II covers advanced capabilities.", "The weather was fine."], {"aukus"}),
    ("zh-Hant US-China (Taiwan)", "美中關係再度緊張", ["川普政府宣布對中國晶片實施新限制，北京表示將反制。", "美中貿易戰可能再起。", FILLER],
     {"us-china"}),
    ("zh-Hans US-China (mainland)", "中美关系再度紧张", ["特朗普政府宣布对中国芯片实施新限制，北京表示将反制。", "中美贸易战可能再起。", FILLER],
     {"us-china"}),
    ("en US-China with en dash", "US–China talks resume in Geneva", ["Washington and Beijing agreed to cut tariffs.",
     "The U.S.-China trade war had hurt both economies.", "The weather was fine."], {"us-china"}),
    # near-misses
    ("完美中 is not 美中", "這場比賽完美中帶有遺憾", ["球隊在完美中留下一點遺憾，教練表示滿意。", "球迷在場外慶祝。", FILLER], set()),
    ("美中不足 is not 美中", "新館開幕", ["新館設計精巧，美中不足的是停車位太少。", "館方表示將改善。", FILLER], set()),
    ("Australian defence without AUKUS", "Australian Navy joins Pacific exercise", ["Australian frigates sailed with Japan and South Korea.",
     "The Australian Defence Force said the drill went well.", "Sailors trained in anti-submarine warfare."], set()),
    ("other submarines", "日本潛艇首次在南海演習", ["日本海上自衛隊潛艇首次參加南海演習。", "潛艇與護衛艦進行反潛訓練。", FILLER], set()),
    ("gold mining", "金礦開採創新高", ["澳洲金礦公司今年產量創新高，礦工人數增加。", "金價上漲帶動礦業股。", FILLER], set()),
    ("trade dispute without the pair", "中印貿易戰悄然開打", ["印度對中國商品加徵關稅，中國商務部表示反對。", "中印貿易戰可能擴大。", FILLER], set()),
    ("US and EU tariffs", "多國反對美國加徵鋼鋁關稅", ["歐盟、德國與加拿大反對美國加徵關稅。", "歐盟表示將採取反制措施。", FILLER], set()),
]


@pytest.mark.parametrize("name,title,paragraphs,expected", CASES, ids=[c[0] for c in CASES])
def test_topics_of_short_articles(rules, name, title, paragraphs, expected):
    language = "en" if title.isascii() else "zh-Hant"
    assert topics_of(article(title, *paragraphs, language=language), rules) == expected


REGIONAL = [  # (Taiwan form, mainland form, a sentence around {}, the topic it must give a score in)
    ("川普", "特朗普", "{}與習近平通電話。", "us-china"),
    ("核潛艦", "核潜艇", "澳洲將取得{}。", "aukus"),
    ("晶片禁令", "芯片禁令", "美方擴大{}。", "us-china"),
    ("維吉尼亞級", "弗吉尼亚级", "澳洲將購買{}潛艦。", "aukus"),
    ("關鍵礦物", "关键矿产", "澳洲擴大{}開採。", "rare-earths"),
]


@pytest.mark.parametrize("hant,hans,sentence,slug", REGIONAL, ids=[r[0] for r in REGIONAL])
def test_regional_vocabulary_pairs_both_count(rules, hant, hans, sentence, slug):
    rule = next(r for r in rules if r.slug == slug)
    from generator.articles.classify.alias import make_alias

    # Written once where only the characters differ (t2s reads them the same), each where words differ.
    forms = {a.form for a in rule.aliases} | {n.form for rel in rule.relations for e in rel.between for n in e.names}
    assert {make_alias(hant, 1).form, make_alias(hans, 1).form} <= forms
    for word in (hant, hans):
        evidence = next(e for e in gather_evidence(article("", sentence.format(word)), rules) if e.slug == slug)
        assert evidence.mass > 0


@pytest.mark.parametrize("text,expected", [("美中關係", True), ("完美中", False), ("中美貿易戰", True), ("集中美元", False)])
def test_short_chinese_aliases_match_whole_words(rules, text, expected):
    us_china = next(s for s in classify_article(article("", f"文章寫道{text}。"), rules) if s.slug == "us-china")
    assert any(m in ("中美", "美中", "美中關係", "美中关系", "中美貿易", "中美贸易") for m in us_china.matches) is expected


@pytest.mark.parametrize("text", ["US–China", "U.S.-China", "US-China", "US—China", "Sino-American"])
def test_english_bilateral_variants(rules, text):
    us_china = next(s for s in classify_article(article("", f"The {text} summit ended.", language="en"), rules)
                    if s.slug == "us-china")
    assert us_china.matches and us_china.score > 0


def evidence(art: Article, rules, slug: str):
    return next(e for e in gather_evidence(art, rules) if e.slug == slug)


def hand_score(art: Article, rules, slug: str) -> float:
    return prior_score(evidence(art, rules, slug))


def test_us_pronoun_is_not_the_united_states(rules):
    text = "Let us talk about China and its economy. Tell us more about China."
    assert hand_score(article("", text, language="en"), rules, "us-china") == 0


def test_title_counts_more_than_body(rules):
    body = [FILLER, "澳洲將取得核潛艦。", FILLER, "核潛艦將在2030年代交付。", FILLER]
    in_title = article("澳英美聯盟擴大合作", *body)
    in_body = article("今日新聞", *body, "澳英美聯盟擴大合作。")
    score = {a.title: hand_score(a, rules, "aukus") for a in (in_title, in_body)}
    assert score["澳英美聯盟擴大合作"] > score["今日新聞"]


def test_a_title_hit_alone_is_a_hook_not_the_subject(rules):
    hook = article("澳英美聯盟擴大合作", *[FILLER] * 8)
    assert "aukus" not in topics_of(hook, rules)


def test_third_party_makes_a_sentence_multilateral(rules):
    bilateral = article("", "美國與中國談判。", FILLER)
    crowded = article("", "美國、日本與中國談判。", FILLER)
    scores = [hand_score(a, rules, "us-china") for a in (bilateral, crowded)]
    assert scores[0] > scores[1] > 0


def test_lead_counts_more_than_later_paragraphs(rules):
    lead = article("今日新聞", "澳英美聯盟擴大合作。", *[FILLER] * 6)
    late = article("今日新聞", *[FILLER] * 6, "澳英美聯盟擴大合作。")
    scores = [hand_score(a, rules, "aukus") for a in (lead, late)]
    assert scores[0] > scores[1]


def test_one_score_per_rule_in_order_and_deterministic(rules):
    art = article("美中關係與稀土", "中國限制稀土出口，美國表示關切。", "AUKUS 也受影響。")
    first, second = classify_article(art, rules), classify_article(art, rules)
    assert first == second
    assert [s.slug for s in first] == [r.slug for r in rules]
    for s in first:
        assert list(s.matches) == sorted(set(s.matches))


def test_seed_article_is_about_minerals_and_aukus_not_us_china(rules):
    """The seed article (a US-Australia minerals deal; Trump backs AUKUS submarines for Australia)
    names China only as the supplier to depend less on and in two closing sentences: by the topic
    benchmark's labelling rule (the same story's White House framework is labelled rare-earths only)
    that is not an article about US-China relations."""
    gold = json.loads(SEED_GOLD.read_text(encoding="utf-8"))
    body = gold["body"] if isinstance(gold["body"], list) else gold["body"].split("\n\n")
    blocks = tuple(Block("heading" if p in gold.get("subheadings", ()) else "paragraph", p) for p in body)
    seed = Article(source="seed", sha256="", title=gold["title"], published=None, author=None, site_name=None,
                   url=None, language="zh-Hant", blocks=blocks)
    assert topics_of(seed, rules) == {"rare-earths", "aukus"}


def test_only_the_opening_of_a_huge_article_is_read(rules):
    """Work is bounded (sentences.ANALYSIS_CHARS): an alias placed only after the cap does not count."""
    from generator.articles.sentences import ANALYSIS_CHARS

    filler = FILLER * (ANALYSIS_CHARS // len(FILLER) + 1)
    hit = "澳英美聯盟擴大合作，澳洲將取得核潛艦。"
    before = evidence(article("今日新聞", hit + filler), rules, "aukus")
    after = evidence(article("今日新聞", filler + hit), rules, "aukus")
    beyond = evidence(article("今日新聞", filler, hit), rules, "aukus")
    assert prior_score(before) > 0 and "澳英美聯盟" in before.matches
    assert prior_score(after) == 0 and after.matches == () and prior_score(beyond) == 0


def us_china(art: Article, rules):
    return next(s for s in classify_article(art, rules) if s.slug == "us-china")


def test_a_country_in_an_assets_name_does_not_act(rules):
    holdings = article("10月中國減持美國國債", "10月中國所持有的美國國債減少142億美元。", "中國仍是美國國債最大持有國。", FILLER)
    talks = article("10月中國與美國會談", "10月中國與美國在日內瓦會談。", "中國表示美國應取消關稅。", FILLER)
    assert not us_china(holdings, rules).assigned and hand_score(holdings, rules, "us-china") == 0
    assert us_china(talks, rules).assigned


def test_a_source_attribution_names_no_side(rules):
    quoted = article("", "據美國之聲報導，中國宣布新的出口規定。", FILLER)
    acting = article("", "美國政府表示，中國宣布新的出口規定。", FILLER)
    assert hand_score(quoted, rules, "us-china") == 0
    assert hand_score(acting, rules, "us-china") > 0
    english = article("", "According to the US Treasury, China sold bonds in October.", language="en")
    assert hand_score(english, rules, "us-china") == 0


GOOD = {"slug": "x", "names": {"zh-Hant": "X", "en": "X"}, "threshold": 5, "aliases": [{"text": "x", "weight": 1}]}


@pytest.mark.parametrize("change,problem", [
    ({"threshhold": 5}, "topics[0].threshhold: unknown key (did you mean 'threshold'?)"),
    ({"threshold": -1}, "topics[0].threshold: expected a positive number, got -1"),
    ({"slug": "Not a slug"}, "topics[0].slug: expected a lowercase slug like 'rare-earths', got 'Not a slug'"),
    ({"names": {"en": "X"}}, "topics[0].names.zh-Hant: missing (names need at least zh-Hant and en)"),
    ({"aliases": [{"text": "x", "weight": 1}, {"text": "y", "weight": "x"}]},
     "topics[0].aliases[1].weight: expected a positive number, got 'x'"),
    ({"aliases": [{"text": "x", "wieght": 1}]}, "topics[0].aliases[0].wieght: unknown key (did you mean 'weight'?)"),
    ({"aliases": []}, "topics[0].aliases: expected a non-empty list of { text = ..., weight = ... }, got []"),
    ({"relations": [{"between": ["us", "chna"], "weight": 3}]},
     "topics[0].relations[0].between: unknown entity 'chna' (did you mean 'china'?): define it under [entities.chna]"),
    ({"relations": [{"between": ["us"], "weight": 3}]},
     "topics[0].relations[0].between: expected a list of at least 2 entity ids, got ['us']"),
    ({"require_relation": True}, "topics[0].require_relation: the topic has no relations to require"),
])
def test_parse_topics_names_each_problem_by_key(change, problem):
    entities = {"us": {"kind": "government", "names": ["US"]}, "china": {"kind": "government", "names": ["China"]}}
    rules, problems = parse_topics([{**GOOD, **change}], "topics", entities)
    assert problem in problems
    assert rules == ()


def test_unknown_keys_read_the_same_in_topics_and_site_sections():
    from generator.errors import unknown_keys

    _, problems = parse_topics([{**GOOD, "threshhold": 5, "zzz": 1}])
    assert problems == unknown_keys({"threshhold": 5, "zzz": 1}, ("threshold", "slug"), "topics[0].")
    assert problems == ["topics[0].threshhold: unknown key (did you mean 'threshold'?)", "topics[0].zzz: unknown key"]


def test_parse_topics_reports_duplicates_and_never_raises():
    rules, problems = parse_topics([GOOD, GOOD, "oops", {"slug": 3}])
    assert [r.slug for r in rules] == ["x"]
    assert "topics[1].slug: duplicate slug 'x'" in problems
    assert "topics[2]: expected a table, got 'oops'" in problems
    assert any(p.startswith("topics[3].slug:") for p in problems)
    assert parse_topics("nope")[1] == ["topics: expected a list of [[topics]] tables, got 'nope'"]


def test_attribution_spans_are_those_of_the_full_patterns():
    """Each attribution pattern is only run on text holding what all its matches hold: the same spans."""
    from types import SimpleNamespace

    from generator.articles.classify.text import ATTRIBUTION_RES, attribution_intervals

    texts = ["据美国之声报道，美中贸易谈判继续。", "美国财政部公布的报告显示，中国持有的美债下降。",
             "according to the us treasury, china sold bonds. data from the imf show growth.",
             "美中关系紧张，双方官员称会谈将继续。", "no attribution here at all.", ""]
    for text in texts:
        full = sorted((m.start(), m.end()) for p in ATTRIBUTION_RES for m in p.finditer(text))
        assert attribution_intervals(SimpleNamespace(folded=text)) == full
    assert sum(bool(attribution_intervals(SimpleNamespace(folded=t))) for t in texts) == 3


def _site_aliases(rules):
    from generator.articles.classify.rules import make_alias
    from generator.articles.classify.evidence import all_terms

    # Beside the site's: aliases that overlap themselves, share a first piece, or begin with a dash
    # (searched alone), and a match_case one.
    extra = [make_alias(t, 1.0) for t in ("美国美国", "国美", "rare earth magnets", "-rare earth", "U.S.-China")]
    return all_terms(rules) + extra + [make_alias("US", 1.0, match_case=True)]


def test_one_pass_finds_what_each_alias_finds_alone(rules):
    """The automata find, for every alias, exactly the occurrences its own search finds (the
    pattern's finditer for word aliases, every overlapping occurrence for Chinese ones)."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from generator.articles.classify.text import _automata, _find_all, _spans, analyse_article

    aliases = _site_aliases(rules)
    automata = _automata(frozenset(aliases))
    assert automata.alone and len(automata.alone) < 3  # the dash-led alias only (the site's have first pieces)
    words = sorted({a.text for a in aliases} | {a.text.upper() for a in aliases} | {a.text + "s" for a in aliases})
    pieces = st.one_of(st.sampled_from(words), st.sampled_from(["美國", "國美", "中", "美", "US", "us", " ", "-", "—",
                                                               "rare", "earths", "x", "。", "，", ". ", "\n", "𠮷"]))

    @settings(max_examples=300, deadline=None, derandomize=True)
    @given(st.lists(st.lists(pieces, max_size=14).map("".join), min_size=1, max_size=4), st.sampled_from(words))
    def check(paragraphs, title):
        analysed = analyse_article(article(title, *paragraphs))
        expected = {alias: _spans(analysed, alias) for alias in set(aliases)}
        assert _find_all(analysed, automata) == expected

    check()
    # and on the seed article, where the site's aliases occur many times over
    gold = json.loads(SEED_GOLD.read_text(encoding="utf-8")) if SEED_GOLD.exists() else None
    if gold:
        analysed = analyse_article(article(gold["title"], *gold["body"]))
        found = _find_all(analysed, automata)
        assert found == {alias: _spans(analysed, alias) for alias in set(aliases)}
        assert sum(map(len, found.values())) > 20


@pytest.mark.parametrize("language, paragraph", [
    ("en", "Prof. Li spoke in Washington. Rare earths, e.g. dysprosium, came up.  The U.S. Navy said nothing."),
    ("zh-Hant", "美國總統川普週四表示：「稀土很重要！」北京隨即回應。\n中方稱，將「依法」管制出口；外界關注。"),
])
def test_topics_read_the_sentences_summaries_read(language, paragraph):
    """Topics and summaries split a paragraph at the same places (sentences.split_sentences): the
    lead a topic weighs is the lead a summary opens with."""
    import unicodedata

    from generator.articles.classify.text import analyse_article
    from generator.articles.sentences import split_sentences

    analysed = analyse_article(article("T", paragraph, language=language))
    body = analysed.cased.split("\n")[1:]  # NFKC: full-width "；" is ";" there
    assert body == [" ".join(unicodedata.normalize("NFKC", s).split()) for s in split_sentences(paragraph, language)]
    assert len(body) == 3 if language == "en" else len(body) >= 4
    assert [s.zone for s in analysed.sentences[1:]] == ["lead"] * 3 + ["body"] * (len(body) - 3)

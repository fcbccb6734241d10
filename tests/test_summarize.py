"""Summarizer behaviour on hand-built articles (no benchmark thresholds here)."""

from generator.records import Article, Block
from generator.summarize import summarize_article


def make_article(paragraphs, language, title=""):
    return Article(
        source="t.txt", digest="0", title=title, published=None, author=None, site_name=None,
        url=None, language=language, blocks=tuple(Block("paragraph", p) for p in paragraphs),
    )


EN_REPORT = [
    "By Jane Doe",
    "The city council approved a new budget for public transport on Tuesday.",
    "The plan adds forty buses and extends two tram lines to the northern suburbs.",
    "Photo: A tram waits at the central station.",
    "Council members said the budget would be funded by a new parking levy.",
    "Opposition members argued that the levy would hurt small shops in the centre.",
    "The first new buses are expected to run in the spring.",
    "Officials said fares would stay the same for at least two years.",
    "A public consultation on the tram routes will open next month.",
]

ZH_HANT_REPORT = [
    "記者王小明／台北報導",
    "行政院今天通過關鍵礦產供應鏈計畫，將投入新台幣一百億元強化稀土與鋰的儲備。",
    "▲經濟部長說明關鍵礦產計畫。（圖／記者李大華攝）",
    "經濟部表示，計畫將與澳洲、日本等國合作，確保半導體產業所需原料穩定供應。",
    "官員指出，稀土價格近年大幅波動，對台灣製造業造成壓力。",
    "計畫也包括回收電子廢棄物中的金屬，預計五年內回收率提高到三成。",
    "業者普遍歡迎這項政策，但也擔心審批流程過長。",
    "立法院將在下個會期審查相關預算。",
]


def test_brief_gets_one_sentence():
    brief = make_article(["The central bank kept interest rates unchanged at 4.5 percent."], "en")
    summary = summarize_article(brief)
    assert summary.summary == "The central bank kept interest rates unchanged at 4.5 percent."
    assert summary.key_points == ()


def test_bylines_and_captions_never_chosen():
    for paragraphs, language in ((EN_REPORT, "en"), (ZH_HANT_REPORT, "zh-Hant")):
        summary = summarize_article(make_article(paragraphs, language))
        shown = [summary.summary, *summary.key_points]
        for text in shown:
            for marker in ("By Jane", "Photo:", "記者王小明", "▲", "（圖／"):
                assert marker not in text


def test_traditional_input_keeps_traditional_script():
    summary = summarize_article(make_article(ZH_HANT_REPORT, "zh-Hant"))
    shown = summary.summary + "".join(summary.key_points)
    assert "關鍵礦產" in shown or "經濟部" in shown
    for simplified in ("关键", "经济", "计画", "计划", "这项"):
        assert simplified not in shown
    assert summary.language == "zh-Hant"


def test_chinese_summary_joined_without_spaces():
    summary = summarize_article(make_article(ZH_HANT_REPORT, "zh-Hant"))
    assert " " not in summary.summary


def test_key_points_three_to_five_disjoint_and_in_order():
    for paragraphs, language in ((EN_REPORT, "en"), (ZH_HANT_REPORT, "zh-Hant")):
        article = make_article(paragraphs, language)
        summary = summarize_article(article)
        assert 3 <= len(summary.key_points) <= 5
        for point in summary.key_points:
            assert point not in summary.summary
            assert summary.summary not in point
        positions = [article.text.index(p) for p in summary.key_points]
        assert positions == sorted(positions)


def test_summary_sentences_come_from_the_article_in_order():
    article = make_article(EN_REPORT, "en")
    summary = summarize_article(article)
    assert summary.summary
    assert summary.summary.split(". ")[0] in article.text


def test_deterministic_across_calls():
    for paragraphs, language in ((EN_REPORT, "en"), (ZH_HANT_REPORT, "zh-Hant")):
        article = make_article(paragraphs, language)
        assert summarize_article(article) == summarize_article(article)


def test_empty_article():
    summary = summarize_article(make_article([], "en"))
    assert summary.summary == "" and summary.key_points == ()

"""Summarizer behaviour on hand-built articles (no benchmark thresholds here)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.records import Article, Block
from generator.articles.summarize import summarize_article


def make_article(paragraphs, language, title=""):
    return Article(
        source="t.txt", sha256="0", title=title, published=None, author=None, site_name=None,
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


LONG_EN = [
    "LONDON (Reuters) - The Bank of England raised interest rates to a 15-year high on Thursday to fight inflation.",
    "The nine members of the Monetary Policy Committee voted seven to two for the increase.",
    "Governor Andrew Bailey said the bank would do what was needed to bring inflation back to target.",
    "Mortgage holders face higher monthly payments as lenders pass on the increase.",
    "Economists had expected the move after figures showed prices rising faster than wages.",
    "The pound rose against the dollar after the announcement.",
    "Some business groups warned that higher borrowing costs could push the economy into recession.",
    "The bank said it would keep watching wage growth and services inflation closely.",
    "Retailers reported weaker sales in the spring as households cut spending.",
    "House prices have fallen for four months in a row, according to the Nationwide index.",
    "The government said it backed the bank's independence and its decision.",
    "Opposition politicians blamed the government's economic record for the rise.",
    "Markets expect at least one more increase before the end of the year.",
    "The next decision is due in six weeks.",
    "Analysts said the committee was split over how far rates still had to rise.",
    "Unemployment remains low, which has kept pressure on wages.",
]


def test_leading_datelines_are_stripped_not_dropped():
    cases = [
        (["LONDON (Reuters) - The Bank of England raised interest rates on Thursday."], "en",
         "The Bank of England raised interest rates on Thursday."),
        (["(CNN) -- A gray whale swam farther than any mammal ever recorded."], "en",
         "A gray whale swam farther than any mammal ever recorded."),
        (["（中央社記者王小明台北20日電）行政院今天通過關鍵礦產供應鏈計畫。"], "zh-Hant",
         "行政院今天通過關鍵礦產供應鏈計畫。"),
    ]
    for paragraphs, language, expected in cases:
        assert summarize_article(make_article(paragraphs, language)).summary == expected


def test_long_report_gets_more_than_one_sentence_within_budget():
    summary = summarize_article(make_article(LONG_EN, "en"))
    assert summary.summary.startswith("The Bank of England raised interest rates")
    assert 2 <= summary.summary.count(". ") + 1 <= 3
    assert 3 <= len(summary.key_points) <= 5


def test_questions_and_headings_are_not_summaries():
    article = make_article(
        ["Is this the end of cheap money?", "Rates rose again", "The central bank raised rates by half a point on Monday."],
        "en",
    )
    assert summarize_article(article).summary == "The central bank raised rates by half a point on Monday."


def test_title_overlap_can_lift_a_later_sentence():
    paragraphs = [
        "It was a quiet morning in the harbour town of Kinsale.",
        "Fishermen prepared their boats as usual.",
        "The council voted to close the lifeboat station after 150 years of service.",
        "Residents said they would appeal.",
    ]
    without = summarize_article(make_article(paragraphs, "en"))
    with_title = summarize_article(make_article(paragraphs, "en", title="Council votes to close lifeboat station"))
    assert "lifeboat station" not in without.summary
    assert "lifeboat station" in with_title.summary


def test_long_key_points_cut_at_a_clause_with_quotes_balanced():
    long_sentence = (
        "川普強調，這項協議已談判了約4至5個月，將有助美國掌握更多戰略性資源，"
        "「大約一年後，我們將擁有大量的關鍵礦產與稀土，多到不知道該怎麼處理」，"
        "他也表示美方會持續推動供應鏈自給自足，並與盟友合作。"
    )
    paragraphs = [ZH_HANT_REPORT[1], long_sentence, *ZH_HANT_REPORT[3:]]
    points = summarize_article(make_article(paragraphs, "zh-Hant")).key_points
    cut = [p for p in points if p.startswith("川普強調")]
    assert cut and len(cut[0]) < len(long_sentence)
    assert cut[0].count("「") == cut[0].count("」")


def test_credits_and_time_stamps_before_the_news_are_stripped():
    cases = [
        (["据媒体报道，瑞思教育与一家科技公司达成合并协议。"], "zh-Hans", "瑞思教育与一家科技公司达成合并协议。"),
        (["山西衛健委消息，山西省本地新增確診病例1例。"], "zh-Hant", "山西省本地新增確診病例1例。"),
        (["Updated Jul 7, 2012 6:40 PM ET Juventus are leading the chase for the striker."], "en",
         "Juventus are leading the chase for the striker."),
        (["Tuesday, August 25, 2015, 12:41 AM A Kansas man used his dog to fend off an officer."], "en",
         "A Kansas man used his dog to fend off an officer."),
        (["消息人士稱，他將在下月辭職。"], "zh-Hant", "消息人士稱，他將在下月辭職。"),  # a source, not a credit
    ]
    for paragraphs, language, expected in cases:
        assert summarize_article(make_article(paragraphs, language)).summary == expected


def test_only_the_opening_of_a_huge_article_is_read():
    """Work is bounded: text after ANALYSIS_CHARS characters is never split, scored or shown."""
    from generator.articles.sentences import ANALYSIS_CHARS
    from generator.articles.summarize import usable_sentences

    filler = " ".join(f"Officials met for the {n}th time to discuss the budget." for n in range(600))
    assert len(filler) > ANALYSIS_CHARS
    late = "The lifeboat station will close, the council confirmed."
    for blocks in ([filler + " " + late], [filler, late]):  # one huge paragraph, or a paragraph after it
        article = make_article(blocks, "en", title="Lifeboat station to close")
        texts = [s.text for s in usable_sentences(article)]
        assert late not in texts and sum(len(t) for t in texts) <= ANALYSIS_CHARS
        summary = summarize_article(article)
        assert late not in summary.summary and all(late not in p for p in summary.key_points)
    early = make_article([late, filler], "en", title="Lifeboat station to close")
    assert late in [s.text for s in usable_sentences(early)]


# Pieces the dateline and boilerplate patterns key on, so that generated sentences hit them often.
_PIECES = ["LONDON", "(Reuters)", "-", "–", "By", "Gary", "Graves,", "USA", "TODAY", "（中央社記者", "台北",
           "電）", "【財經新報】", "2月8日，", "据媒体报道，", "▲", "（圖／路透）", "Updated", "6:40", "PM", "ET",
           "Photo:", "Read more", "美國", "稀土", "the", "deal.", " ", "JAE", "S.", "LEE", "/", "THE", "TENNESSEAN",
           "Tuesday,", "August", "25,", "2015,", "12:41", "AM", "消息：", "记者", "获悉，"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=12).map(" ".join) | st.text(max_size=40))
def test_one_pass_dateline_and_boilerplate_checks_agree_with_each_pattern(text):
    """The combined patterns decide as the patterns one by one did."""
    from generator.articles import summarize as sm

    def strip_one_by_one(t: str) -> str:
        changed = True
        while changed:
            changed = False
            for pattern in sm._DATELINE_RES:
                stripped = pattern.sub("", t, count=1)
                if stripped != t and stripped.strip():
                    t, changed = stripped, True
        return t.strip()

    assert sm.strip_dateline(text) == strip_one_by_one(text)
    assert sm.is_boilerplate(text) == any(r.search(text) for r in sm._BOILERPLATE_RES)

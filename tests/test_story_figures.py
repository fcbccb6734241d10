"""Key figures of an article (generator/stories/figures.py): the figure as written, one language-free key
across outlets and scripts, its kind and its sentence. The articles are reports written for these tests in
the form of wire copy, in English, Traditional and Simplified Chinese, after the US–Australia
critical-minerals framework signed at the White House on 20 October 2025."""

from __future__ import annotations

import datetime as dt

import pytest

from generator.articles.lang import normalize
from generator.records import Article, Block
from generator.stories.features import OPENING_CHARS
from generator.stories.figures import MAX_SENTENCE, Figure, key_figures
from generator.stories.mentions import quantities, quantity_spans

OCT_21 = dt.date(2025, 10, 21).toordinal()
NOV_10 = dt.date(2025, 11, 10).toordinal()

REPORTS = {
    "en": ("US and Australia sign critical minerals framework worth US$8.5 billion",
           "WASHINGTON, Oct. 20 - President Donald Trump and Australian Prime Minister Anthony Albanese signed a "
           "framework on critical minerals and rare earths at the White House, committing a pipeline of projects "
           "worth US$8.5 billion.",
           "Trump has threatened a 100 percent tariff on Chinese goods, and officials said talks would resume "
           "on Nov. 10."),
    "zh-Hant": ("美澳簽署關鍵礦產框架協議 規模85億美元",
                "美國總統川普與澳洲總理艾班尼斯20日在白宮簽署關鍵礦產與稀土框架協議，雙方承諾的項目規模達85億美元。"
                "川普先前揚言對中國商品加徵100%關稅，官員表示雙方將於11月10日恢復談判。"),
    "zh-Hans": ("美澳签署关键矿产框架协议 涉及85亿美元",
                "美国总统特朗普与澳大利亚总理阿尔巴尼斯当地时间10月20日在白宫签署关键矿产和稀土框架协议，"
                "双方承诺的项目规模达85亿美元。特朗普此前威胁对中国商品加征100%关税，官员称双方将于11月10日恢复谈判。"),
}


def article(language: str, title: str, *paragraphs: str) -> Article:
    return Article(source=language, sha256="", title=title, published=None, author=None, site_name=None, url=None,
                   language=language, blocks=tuple(Block("paragraph", p) for p in paragraphs))


def report(language: str) -> Article:
    return article(language, *REPORTS[language])


def by_key(figures: tuple[Figure, ...]) -> dict[str, Figure]:
    return {f.key: f for f in figures}


@pytest.mark.parametrize("language", list(REPORTS))
def test_every_figure_is_written_so_in_the_article_and_in_its_sentence(language):
    a = report(language)
    figures = key_figures(a, OCT_21)
    assert figures
    for f in figures:
        assert f.text in a.title or f.text in a.text
        assert f.text in f.sentence


def test_one_sum_in_three_scripts_has_one_key_and_is_written_as_each_report_writes_it():
    money = {lang: [f for f in key_figures(report(lang), OCT_21) if f.kind == "money"] for lang in REPORTS}
    assert {lang: [(f.text, f.key) for f in found] for lang, found in money.items()} == {
        "en": [("US$8.5 billion", "usd:8.5e+09")],
        "zh-Hant": [("85億美元", "usd:8.5e+09")],
        "zh-Hans": [("85亿美元", "usd:8.5e+09")],
    }


def test_a_rate_and_a_date_have_one_key_across_languages():
    keyed = {lang: by_key(key_figures(report(lang), OCT_21)) for lang in REPORTS}
    date = f"day:{NOV_10}"
    assert [keyed[lang][date].text for lang in REPORTS] == ["Nov. 10", "11月10日", "11月10日"]
    assert [keyed[lang]["pct:100"].text for lang in REPORTS] == ["100 percent", "100%", "100%"]
    assert {keyed[lang][date].kind for lang in REPORTS} == {"date"}
    assert {keyed[lang]["pct:100"].kind for lang in REPORTS} == {"rate"}


def test_the_day_of_the_event_counts_but_not_the_publication_day():
    event = f"day:{dt.date(2025, 10, 20).toordinal()}"
    for lang in REPORTS:
        assert event in by_key(key_figures(report(lang), OCT_21))
        assert event not in by_key(key_figures(report(lang), OCT_21 - 1))


def test_figures_come_in_order_of_appearance_one_per_key_from_its_first_occurrence():
    figures = key_figures(report("en"), OCT_21)
    assert [f.key for f in figures] == ["usd:8.5e+09", f"day:{OCT_21 - 1}", "pct:100", f"day:{NOV_10}"]
    assert figures[0].sentence == REPORTS["en"][0]  # the title, not the lead that says it again


def test_kinds_of_quantities():
    a = article("en", "China adds 26 entities to export control list",
                "Exports of 1,260 tonnes of gallium and a fee of $50 per net ton on 12 vessels were named, "
                "and tariffs rise to 57 percent.")
    assert [(f.text, f.kind) for f in key_figures(a, OCT_21)] == [
        ("26 entities", "quantity"), ("1,260 tonnes", "quantity"), ("$50", "money"), ("12 vessels", "quantity"),
        ("57 percent", "rate")]


def test_bare_years_and_numbers_without_a_unit_are_no_figures():
    a = article("en", "G20 leaders meet as Section 301 probe widens",
                "In 2025, after the 12th round of talks, 47 countries said 26 firms would be listed by 2030.")
    assert [f.text for f in key_figures(a, OCT_21)] == ["26 firms"]
    zh = article("zh-Hant", "第15屆論壇開幕", "2025年共有15個國家參加，涉及26家企業。")
    assert [f.text for f in key_figures(zh, OCT_21)] == ["26家"]


def test_at_most_eight_figures_the_first_ones():
    amounts = [f"US${n} million" for n in range(11, 21)]
    a = article("en", "Ten grants announced", "The grants are " + ", ".join(amounts) + ".")
    figures = key_figures(a, OCT_21)
    assert len(figures) == 8
    assert [f.text for f in figures] == amounts[:8]


def test_only_the_opening_is_read():
    filler = "The ministry repeated its earlier position on the matter. " * (OPENING_CHARS // 50)
    a = article("en", "Talks continue", filler, "The deal is worth US$4 billion.")
    assert key_figures(a, OCT_21) == ()
    assert [f.text for f in key_figures(article("en", "Talks continue", "The deal is worth US$4 billion."),
                                        OCT_21)] == ["US$4 billion"]


def test_offsets_map_back_through_a_normalisation_that_changes_lengths():
    # "…" becomes "...", "ß" "ss" and full-width digits ASCII in the form mentions.py reads.
    a = article("zh-Hant", "", "消息人士稱…Straße公司獲得８５億美元，另有　２５％　股權。")
    assert [(f.text, f.key) for f in key_figures(a, OCT_21)] == [("８５億美元", "usd:8.5e+09"), ("２５％", "pct:25")]


def test_a_day_in_brackets_is_written_without_the_bracket_it_does_not_close_and_weekdays_are_no_figures():
    a = article("zh-Hant", "", "美國商務部週一（20 日）公布新規，雙方將於下週五再談。")
    assert [(f.text, f.key) for f in key_figures(a, OCT_21 + 1)] == [("20 日", f"day:{OCT_21 - 1}")]
    b = article("en", "", "The ministry said on Monday that 12 vessels were affected.")
    assert [f.text for f in key_figures(b, OCT_21 + 1)] == ["12 vessels"]


def test_the_sentence_is_white_space_collapsed_and_the_figure_is_not():
    # mentions.py reads white space collapsed (as the story features do): "US$  8.5" is US$8.5.
    a = article("en", "", "The  framework   is worth\tUS$ \u00a0 8.5 billion.")
    assert [(f.text, f.key, f.sentence) for f in key_figures(a, OCT_21)] == [
        ("US$ \u00a0 8.5 billion", "usd:8.5e+09", "The framework is worth US$ 8.5 billion.")]


def test_the_sentence_is_the_one_of_the_paragraph_the_figure_stands_in():
    figures = by_key(key_figures(report("zh-Hant"), OCT_21))
    assert figures["pct:100"].sentence == "川普先前揚言對中國商品加徵100%關稅，官員表示雙方將於11月10日恢復談判。"
    assert figures["usd:8.5e+09"].sentence == REPORTS["zh-Hant"][0]


WORDS = "the agreement covers processing, refining and stockpiles of rare earths and other critical minerals"


@pytest.mark.parametrize("lead", ["", "Officials said", "Officials in Canberra said that",
                                  "A day later, officials said"])
@pytest.mark.parametrize("where", ["early", "middle", "late"])
def test_a_long_sentence_is_cut_between_words_with_an_ellipsis_and_keeps_its_figure(lead, where):
    figure = "US$1 billion"
    parts = {"early": [f"{lead} Australia will commit {figure} as {WORDS}", WORDS, WORDS, WORDS],
             "middle": [f"{lead} under the framework {WORDS}", WORDS, f"Australia will commit {figure}", WORDS, WORDS],
             "late": [f"{lead} under the framework {WORDS}", WORDS, f"and Australia will commit {figure} by March"]}
    text = ", ".join(parts[where]).strip() + "."
    shown = key_figures(article("en", "", text), OCT_21)[0].sentence
    assert len(text) > MAX_SENTENCE >= len(shown)
    assert figure in shown
    assert shown.startswith("…") == (where != "early")
    assert shown.endswith("…") == (where != "late")
    body = shown.strip("…")
    assert body in text
    at = text.index(body)  # each cut falls between words
    assert at == 0 or text[at - 1] == " "
    assert at + len(body) == len(text) or text[at + len(body)] in " ,"


def test_a_long_chinese_sentence_is_cut_at_a_character():
    text = "美方表示，" + "雙方將在稀土加工與關鍵礦產供應鏈方面深化合作，" * 12 + "總額85億美元。"
    shown = key_figures(article("zh-Hant", "", text), OCT_21)[0].sentence
    assert len(shown) <= MAX_SENTENCE and shown.startswith("…") and shown.endswith("85億美元。")
    assert shown[1:] in text


def test_quantity_spans_are_where_quantities_finds_its_keys():
    text = normalize("美國對中國商品加徵100%關稅，並向澳洲提供US$8.5 billion，涉及26個實體")
    spans = quantity_spans(text)
    assert [key for _, _, key in spans] == quantities(text)
    assert [text[a:b] for a, b, _ in spans] == ["100%", "us$8.5 billion", "26个实体"]


def test_offsets_map_back_when_the_script_conversion_changes_a_length(monkeypatch):
    # No OpenCC phrase known here changes its length; one that did must not shift the figures after it.
    from generator.stories import figures as module

    real = module.to_simplified
    monkeypatch.setattr(module, "to_simplified", lambda text: real(text).replace("后来", "后"))
    a = article("zh-Hant", "", "後來雙方同意加徵１００％關稅，規模85億美元。")
    assert [(f.text, f.key) for f in key_figures(a, OCT_21)] == [("１００％", "pct:100"), ("85億美元", "usd:8.5e+09")]

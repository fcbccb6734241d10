"""Table-driven unit tests of the text-dump classifier: layout, features, labels, metadata."""

from __future__ import annotations

import pytest

from generator.articles.extract.dump import extract_dump
from generator.articles.extract.dump.features import classify, count_texts, is_stop, looks_like_menu, measure
from generator.articles.extract.dump.layout import MAX_LINE_CHARS, Para, reflow_lines, split_columns
from generator.articles.extract.dump.meta import find_author, find_date, find_site_name, find_tags, is_byline
from generator.articles.extract.dump.select import best_span


def _features(text: str, bullet: bool = False, others: tuple[str, ...] = ()):
    para = Para(line=0, col=0, text=text, nlines=1, bullet=bullet)
    paras = [para] + [Para(line=1, col=0, text=t, nlines=1, bullet=False) for t in others]
    return measure(para, count_texts(paras))


@pytest.mark.parametrize(
    "text, bullet, others, label",
    [
        ("Home | World | Business | Sport | Tech", False, (), "bad"),  # one-line menu
        ("• Politics", True, (), "bad"),  # bullet navigation item
        ("國際 國際焦點 北美要聞 日韓要聞 東南亞要聞", False, (), "bad"),  # CJK menu laid out on one line
        ("Login: [                    ] [Go]", False, (), "bad"),  # form fields
        ("▲川普與澳洲總理艾班尼斯20日在白宮簽署關鍵礦產協議。（圖／路透）", False, (), "caption"),
        ("Photo: Reuters", False, (), "caption"),
        ("The mayor said (Photo: John Smith)", False, (), "caption"),
        (
            "川普強調，這項協議已談判了約4至5個月，將有助美國掌握更多戰略性資，「大約一年後，我們將擁有大量的關鍵礦產與稀土。」",
            False,
            (),
            "good",
        ),
        (
            "A bottle of whisky auctioned to celebrate the life of Scotland's oldest person has broken "
            "a world record by being sold for more than 45,000 pounds.",
            False,
            (),
            "good",
        ),
        ("Share this page", False, (), "short"),
        ("Malt whisky breaks world record", False, ("Malt whisky breaks world record",), "bad"),  # repeated
        (
            "* Eggs with a dirty or cracked shell should be avoided, since they may carry bacteria into the kitchen.",
            True,
            (),
            "good",
        ),  # a list whose items are sentences is body
    ],
)
def test_classify(text, bullet, others, label):
    assert classify(_features(text, bullet, others)) == label


@pytest.mark.parametrize(
    "text, menu",
    [
        ("Home | World | Business", True),
        ("影音│行動│理財│追星│時尚│電子報", True),
        ("He said the vote, held on Monday, was close.", False),
    ],
)
def test_looks_like_menu(text, menu):
    assert looks_like_menu(_features(text)) is menu


@pytest.mark.parametrize(
    "text, stop",
    [
        ("© The Canadian Press, 2012", True),
        ("Related Stories", True),
        ("相關新聞", True),
        ("Читайте также", True),
        ("The related stories were published on Monday and read by many people around the world.", False),
    ],
)
def test_is_stop(text, stop):
    assert is_stop(text) is stop


@pytest.mark.parametrize(
    "text, author",
    [
        ("記者張方瑀／綜合報導", "張方瑀"),
        ("【聯合報╱記者張嘉芳／台北報導】", "張嘉芳"),
        ("By John Smith", "John Smith"),
        ("文／李明", "李明"),
        ("The weather was fine", None),
    ],
)
def test_find_author(text, author):
    assert find_author(text) == author


def test_byline_is_short_and_named():
    assert is_byline("記者張方瑀／綜合報導", _features("記者張方瑀／綜合報導"))
    assert not is_byline("Byzantine art", _features("Byzantine art"))


@pytest.mark.parametrize(
    "text, date",
    [
        ("date 2025-10-21 　", "2025-10-21"),
        ("2012年01月12日 11:21", "2012-01-12T11:21:00"),
        ("2012.01.12 02:09 am", "2012-01-12T02:09:00"),
        ("14 December 2011 Last updated at 17:09 GMT", "2011-12-14"),
        ("November 20, 2019", "2019-11-20"),
        ("2012-13-45", None),  # not a date
        ("no date here", None),
    ],
)
def test_find_date(text, date):
    assert find_date(text) == date


def test_site_name_from_copyright_line():
    assert find_site_name(["© ETtoday.net All Rights Reserved."]) == "ETtoday"
    assert find_site_name(["Copyright © 2010 udn.com All Rights Reserved."]) == "udn"
    assert find_site_name(["nothing here"]) is None


def test_tags_after_a_label_line():
    assert find_tags(["關鍵字：", "稀土 礦產"]) == ("稀土", "礦產")
    assert find_tags(["Tags: whisky, auction"]) == ("whisky", "auction")


def test_wrapped_english_paragraph_is_reflowed():
    text = (
        "A bottle of whisky auctioned to celebrate the life of Scotland's oldest person\n"
        "has broken a world record by being sold for more than £45,000.\n"
        "\n"
        "The 55-year-old Glenfiddich single malt was put on sale to honour Janet Sheed\n"
        "Roberts, granddaughter of Glenfiddich distillery founder William Grant.\n"
    )
    paras = reflow_lines(text)
    assert [p.nlines for p in paras] == [2, 2]
    assert paras[0].text.endswith("oldest person has broken a world record by being sold for more than £45,000.")


def test_lynx_lines_without_blank_separators_split_at_short_lines():
    text = (
        "   Egyptian scientists proved that gold can treat cancer. At a press conference\n"
        "   in Cairo the scientists said they stopped the growth of cancer cells.\n"
        "   In the experiment gold nanoparticles were delivered to the tumour.\n"
    )
    assert [p.text[:8] for p in reflow_lines(text)] == ["Egyptian", "In the e"]


def test_wrapped_cjk_lines_join_without_spaces():
    line = "春節九天長假將至，期間生病該怎麼辦？健保局表示，近期將陸續彙整特約醫療院所的開"
    paras = reflow_lines(line + "\n診時間，提供民眾網路查詢。\n")
    assert paras[0].text == line + "診時間，提供民眾網路查詢。"


def test_side_by_side_columns_are_separate_paragraphs():
    text = (
        "Menu item one           The article text starts here and goes on for a\n"
        "Menu item two           while, wrapped inside its own table column by w3m\n"
        "Three                   until the paragraph ends.\n"
    )
    article = [p for p in reflow_lines(text) if p.col == 24]
    assert len(article) == 1
    assert article[0].text.startswith("The article text starts here") and article[0].text.endswith("paragraph ends.")
    assert "Menu" not in article[0].text


def test_narrow_gutter_confirmed_by_neighbours():
    lines = [
        "Left column                The article column",
        "short                      continues here",
        "a longer left cell text of article text",
        "x                          and ends.",
    ]
    assert [c for c, _ in split_columns(lines)[2]] == [0, 27]


def test_one_space_gap_needs_neighbours_that_are_cut_there():
    # The two lines below have a two-space gap at column 27 that is no column edge (only one
    # other line has it); the first line's single space at 27 is then no edge either.
    lines = [
        "the the said 2025-10-21 00 the the the the the the 0.",
        "the 2025-10-21 and then 0  the the the the the the the the the the the the the",
        "the 2025-10-21 and then 0  the the the the the the the the the the the the minister",
    ]
    assert [[c for c, _ in row] for row in split_columns(lines)] == [[0], [0], [0]]
    # With three-space gaps below, the same single space is a column edge.
    lines[1:] = [ln.replace("then 0  the", "them    the") for ln in lines[1:]]
    assert [[c for c, _ in row] for row in split_columns(lines)] == [[0, 27], [0, 27], [0, 27]]


def test_a_line_across_an_open_column_ends_the_table():
    text = ("the left cell of the row    the right cell of the row\n" + "the full line " * 7 + "\n"
            + "the next line " * 7 + "\n")
    paras = reflow_lines(text)
    assert [(p.line, p.col, p.nlines) for p in paras] == [(0, 0, 1), (0, 28, 1), (1, 0, 2)]
    assert paras[0].text == "the left cell of the row"


def test_a_line_too_long_for_columns_is_one_cell_kept_whole():
    long = "  " + "cell   " * (MAX_LINE_CHARS // 5)
    rows = split_columns(["left   right", long, "left   right"])
    assert rows[1] == [(2, long.strip())]
    assert [c for c, _ in rows[0]] == [0, 7]


def test_best_span_is_the_maximum_sum_span():
    assert best_span([-6, 20, -2, 30, -6, -6, 10]) == (1, 4)
    assert best_span([-1, -2]) == (0, 0)
    assert best_span([]) == (0, 0)


def test_teasers_and_menus_stay_out():
    body = (
        "Parliament voted on Monday to extend the programme by two years, after a debate that "
        "lasted well into the night and ended with a narrow majority."
    )
    teaser = "Another story: the council approved a new budget on Tuesday, with funds for schools and roads."
    text = "\n".join(
        ["  • Home", "  • World", "", "Vote extends programme", "", body, "", body.replace("Monday", "Friday"), "",
         "Related Stories", "", "Budget approved", "", teaser, "", "Roads fixed", "", teaser.replace("Tuesday", "May")]
    )
    doc = extract_dump(text)
    assert doc.title == "Vote extends programme"
    assert [b.text[:11] for b in doc.blocks] == ["Parliament ", "Parliament "]

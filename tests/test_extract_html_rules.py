"""extract_html: one synthetic page per failure mode found on the benchmark's dev split.

Each test builds the smallest page that shows the mode (comments kept, teaser lines kept, the
article split over <br>s losing to one long comment, ...) and checks what must and must not come
out.
"""

from __future__ import annotations

import pytest

from generator.articles.extract.html import extract_html

P1 = ("The city council approved the new transport plan on Monday, after a debate that lasted "
      "most of the afternoon and drew a large crowd to the public gallery.")
P2 = ("Under the plan, bus lanes will be added on the three busiest roads, and the tram line "
      "will be extended to the hospital by the end of next year, officials said.")
P3 = ("Opponents said the cost, estimated at forty million, was too high for a city of its size, "
      "but the mayor said most of the money would come from the national government.")
P4 = ("Work on the first bus lane is due to start in the spring, and residents will be able to "
      "comment on the detailed designs at meetings in each district before then.")
COMMENT = ("I have lived here for thirty years, and honestly, this is the worst idea yet, because "
           "nobody asked us, nobody listened, and the buses are empty anyway, so why bother, "
           "why spend the money, why not fix the roads, why not lower the taxes instead?")


PARAS = (P1, P2, P3, P4)


def text_of(html: str) -> str:
    return "\n".join(b.text for b in extract_html(html).blocks)


def page(body: str) -> str:
    return f"<html><head><title>Transport plan</title></head><body>{body}</body></html>"


def test_comment_section_is_dropped_however_long():
    comments = "".join(
        f"<div class='item'><span>reader{i}</span><p>{COMMENT}</p></div>" for i in range(8)
    )
    html = page(f"<div id='story'><h1>Transport plan</h1><p>{P1}</p><p>{P2}</p><p>{P3}</p><p>{P4}</p>"
                f"<div id='reader-comments' class='max-comments-10 article-id-7'>{comments}</div></div>")
    text = text_of(html)
    assert P1 in text and P3 in text
    assert "worst idea" not in text and "reader3" not in text


def test_comment_named_wrapper_holding_the_headline_is_kept():
    html = page(f"<div class='page-with-comments'><h1>Transport plan</h1><p>{P1}</p><p>{P2}</p>"
                f"<p>{P3}</p></div>")
    assert P2 in text_of(html)


def test_one_long_comment_does_not_beat_the_article():
    """The article is one <p> of <br>-separated paragraphs: each counts as a paragraph."""
    article = f"<div class='pub'><h1>Transport plan</h1><p>{P1}<br><br>{P2}<br><br>{P3}<br><br>{P4}</p></div>"
    other = f"<table><tr><td><div class='c4'>{COMMENT}</div></td></tr></table>"
    text = text_of(page(f"<div>{article}<div class='c3'>{other}</div></div>"))
    assert P1 in text and P4 in text
    assert "worst idea" not in text


def test_comment_form_is_dropped_but_a_page_wide_form_is_kept():
    rules = "<div>Rules: " + ", ".join(f"rule number {i} says be polite" for i in range(5)) + "</div>"
    html = page(f"<article><p>{P1}</p><p>{P2}</p><p>{P3}</p><form action='/post'><fieldset>{rules}"
                "<textarea></textarea></fieldset></form></article>")
    text = text_of(html)
    assert P1 in text and "rule number" not in text
    aspnet = page(f"<form id='aspnetForm'><div id='story'><p>{P1}</p><p>{P2}</p><p>{P3}</p></div></form>")
    assert P2 in text_of(aspnet)


def test_lines_of_time_and_headline_links_are_navigation():
    wire = "".join(f"{10 + i}:0{i} <a href='/n{i}'>Another story headline number {i} today</a><br>" for i in range(9))
    html = page(f"<div id='arttext'><p>{P1}</p><p>{P2}</p><p>{P3}</p><div class='newswire'>{wire}</div></div>")
    text = text_of(html)
    assert P3 in text and "Another story headline" not in text


def test_sentence_with_a_long_inline_link_is_kept():
    sentence = ("The investigation had been shelved in 2017 but was "
                "<a href='/x'>re-opened earlier this year following the release of new evidence</a>.")
    html = page(f"<article><p>{P1}</p><p>{sentence}</p><p>{P2}</p></article>")
    assert "re-opened earlier this year" in text_of(html)


def test_bare_numbers_are_dropped_but_table_numbers_kept():
    html = page(f"<article><p>{P1}</p><div class='rating'>4.5</div><p>{P2}</p><div>12 / 40</div>"
                "<table><tr><th>Team</th><th>Points</th></tr><tr><td>North</td><td>5040</td></tr></table>"
                f"<p>{P3}</p></article>")
    blocks = [b.text for b in extract_html(html).blocks]
    assert "4.5" not in blocks and "12 / 40" not in blocks
    assert "5040" in blocks


def test_source_newlines_are_spaces_and_br_breaks_lines():
    html = page(f"<article><p>The council approved\nthe plan on Monday.<br>A second line follows here, "
                f"after a break.</p><p>{P1}</p><p>{P2}</p></article>")
    blocks = [b.text for b in extract_html(html).blocks]
    assert "The council approved the plan on Monday." in blocks
    assert "A second line follows here, after a break." in blocks


def test_chinese_layout_newlines_join_without_space():
    zh = "立法院今天三讀通過預算案，包括學校、道路和醫院的經費，\n多位委員對成本表示關切，行政院將在下週提出說明。"
    html = page(f"<article><p>{zh}</p><p>{zh}</p><p>{zh}</p></article>")
    assert "經費，多位委員" in extract_html(html).blocks[0].text


def test_title_of_dropped_navigation_goes_with_it():
    related = "<ul>" + "".join(f"<li><a href='/r{i}'>Other story {i} about the city</a></li>" for i in range(5)) + "</ul>"
    html = page(f"<article><p>{P1}</p><p>{P2}</p><h3>Related stories</h3>{related}"
                f"<p>Читайте также:</p><p><a href='/x'>Другая новость о городе и транспорте</a></p><p>{P3}</p></article>")
    blocks = [b.text for b in extract_html(html).blocks]
    assert "Related stories" not in blocks and "Читайте также:" not in blocks
    assert blocks[-1] == P3


def test_short_heading_before_text_is_kept():
    html = page(f"<article><p>{P1}</p><h3>What changes</h3><p>{P2}</p><p>{P3}</p></article>")
    assert "What changes" in [b.text for b in extract_html(html).blocks]


def test_paragraphs_wrapped_in_divs_next_to_the_body_are_kept():
    """Lead paragraphs in their own <div><p> wrappers beside the main body div."""
    body = "".join(f"<p>{p}</p>" for p in (P3, P4, P3.replace("forty", "fifty"), P4.replace("spring", "summer")))
    html = page(f"<div id='main-area'><div class='firstPar'><p>{P1}</p></div><div class='secondPar'><p>{P2}</p></div>"
                f"<div class='body'>{body}</div></div><div class='sidebar'><p>Most read</p></div>")
    text = text_of(html)
    assert P1 in text and P2 in text and P4 in text


def test_article_split_by_an_ad_into_blocks_of_one_class():
    first = "".join(f"<p>{p}</p>" for p in (P1, P2, P3))
    second = "".join(f"<p>{p}</p>" for p in (P4, P2.replace("tram", "metro"), P3.replace("forty", "fifty")))
    html = page(
        "<main><div class='chunks'>"
        f"<div class='grid'><div class='article-part body'>{first}</div><div class='rail'>Advertisement</div></div>"
        "<figure><img src='a.jpg'></figure>"
        f"<div class='grid'><div class='article-part body'>{second}</div><div class='rail'>Advertisement</div></div>"
        "</div></main>"
    )
    text = text_of(html)
    assert P1 in text and P4 in text and "metro line" in text
    assert text.index(P1) < text.index(P4)


def test_short_lines_at_the_edges_are_trimmed():
    html = page(f"<article><p>By Jane Roe, Transport reporter</p><p>12 January 2012 10:52 GMT</p>"
                f"<p>{P1}</p><p>{P2}</p><p>{P3}</p><p>Photo: City Archive</p><p>Tags: transport, council</p></article>")
    blocks = [b.text for b in extract_html(html).blocks]
    assert blocks == [P1, P2, P3]


def test_short_closing_sentence_and_inner_short_lines_stay():
    html = page(f"<article><p>{P1}</p><p>Why now</p><p>{P2}</p><p>{P3}</p><p>The vote was 31 to 12.</p></article>")
    blocks = [b.text for b in extract_html(html).blocks]
    assert blocks == [P1, "Why now", P2, P3, "The vote was 31 to 12."]


def test_article_inside_a_comment_named_wrapper_is_still_found():
    """No <h1> inside to show it is a layout wrapper: the page is read again without the rule."""
    html = page(f"<div id='main' class='article-with-comments'><p>{P1}</p><p>{P2}</p><p>{P3}</p></div>")
    assert P2 in text_of(html)


@pytest.mark.parametrize("caption", [
    "Workers load rare earth ore at a port in Lianyungang, Jiangsu province, China, in 2023. – EPA Pic",
    "Prime Minister Anthony Albanese meets President Donald Trump at the White House. (Photo: Reuters)",
    "川普與澳洲總理艾班尼斯20日在白宮簽署關鍵礦產協議。（圖／路透）",
])
def test_a_photo_credit_line_opening_the_article_is_a_caption_not_its_lead(caption):
    body = "".join(f"<p>{p}</p>" for p in PARAS)
    blocks = [b.text for b in extract_html(f"<html><body><article><p>{caption}</p>{body}</article></body></html>").blocks]
    assert caption not in blocks and blocks[0] == PARAS[0]


def test_a_long_lead_that_merely_mentions_a_photo_stays():
    lead = "The photo agency said on Monday that its pictures of the mine were taken in 2023, before the controls."
    body = "".join(f"<p>{p}</p>" for p in PARAS)
    blocks = [b.text for b in extract_html(f"<html><body><article><p>{lead}</p>{body}</article></body></html>").blocks]
    assert blocks[0] == lead

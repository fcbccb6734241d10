"""Sentence splitting, table-driven: Chinese (both scripts), English, mixed."""

import pytest

from generator.articles.sentences import split_sentences

CASES = [
    # Chinese: 。！？ ends, closing quotes kept with their sentence
    ("zh-Hans", "他说：“我很高兴。”随后离开了。", ["他说：“我很高兴。”", "随后离开了。"]),
    ("zh-Hant", "他說：「我很高興。」隨後離開了。", ["他說：「我很高興。」", "隨後離開了。"]),
    ("zh-Hant", "『真的嗎？』她問。是的！", ["『真的嗎？』", "她問。", "是的！"]),
    ("zh-Hant", "股價上漲（約3.5%）。成交量放大。", ["股價上漲（約3.5%）。", "成交量放大。"]),
    ("zh-Hans", "他犹豫了……最后还是走了。", ["他犹豫了……", "最后还是走了。"]),
    ("zh-Hans", "一是降税；二是减费。", ["一是降税；", "二是减费。"]),
    ("zh-Hans", "净利润增长3.5%。营收1.2亿元。", ["净利润增长3.5%。", "营收1.2亿元。"]),
    ("zh-Hans", "品牌YES!IC走舒服路线。", ["品牌YES!IC走舒服路线。"]),
    ("zh-Hant", "第一段。\n第二段沒有句號", ["第一段。", "第二段沒有句號"]),
    # mixed: Latin sentences and abbreviations inside Chinese text
    ("zh-Hans", "Apple Inc.（苹果）发布新品。Tim Cook said so. 他没说话。",
     ["Apple Inc.（苹果）发布新品。", "Tim Cook said so.", "他没说话。"]),
    # English abbreviations, initials, decimals, ellipses, quotes
    ("en", "Mr. Smith met Dr. Jones. They talked.", ["Mr. Smith met Dr. Jones.", "They talked."]),
    ("en", "J. R. R. Tolkien wrote it. It sold.", ["J. R. R. Tolkien wrote it.", "It sold."]),
    ("en", "Prices rose 3.5 percent. Shares fell.", ["Prices rose 3.5 percent.", "Shares fell."]),
    ("en", "It opened on Jan. 5 in Ohio. Crowds came.", ["It opened on Jan. 5 in Ohio.", "Crowds came."]),
    ("en", "The U.S. Army left. The U.N. stayed in the U.S. The end.",
     ["The U.S. Army left.", "The U.N. stayed in the U.S.", "The end."]),
    ("en", "Wait... what happened? Nothing... Then rain.", ["Wait... what happened?", "Nothing...", "Then rain."]),
    ("en", '"Go now!" she said. "Why?" He left.', ['"Go now!" she said.', '"Why?"', "He left."]),
    ("en", 'He said "It is over." Then he left.', ['He said "It is over."', "Then he left."]),
    ("en", "Use tools, e.g. hammers. Done.", ["Use tools, e.g. hammers.", "Done."]),
    ("en", "V. Stiviano must pay $2.6 million.", ["V. Stiviano must pay $2.6 million."]),
    ("en", "It happened at 00:00 BST.Police said a man fled.", ["It happened at 00:00 BST.", "Police said a man fled."]),
    ("en", "Visit example.com today. The site loads.", ["Visit example.com today.", "The site loads."]),
    ("en", "", []),
]


@pytest.mark.parametrize("language, text, expected", CASES)
def test_split_sentences(language, text, expected):
    assert split_sentences(text, language) == expected


def test_output_keeps_original_script():
    text = "臺灣經濟成長。國際貿易擴大。"
    assert "".join(split_sentences(text, "zh-Hant")) == text

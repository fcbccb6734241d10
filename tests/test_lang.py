"""Language helpers: jieba's tokens from jieba-rs, the dictionary's common words, CLD2's language."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.articles.lang import (CJK_RE, WORD_RE, cjk_count, common_words, detect_language, normalize, normalize_each,
                           reading_minutes, segment, text_length)

SEED = Path(__file__).resolve().parent.parent / "content" / "articles"


def _chinese_text() -> str:
    return next(p for p in sorted(SEED.iterdir()) if p.suffix == ".txt").read_text(encoding="utf-8")


def test_segment_gives_jiebas_tokens_on_a_real_page():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    text = normalize(_chinese_text())
    expected = [t for t in jieba.lcut(text, HMM=True) if t.strip()]
    got = segment(text)
    # Runs of punctuation (......) are one token to jieba and several to jieba-rs: never words.
    words = lambda tokens: [t for t in tokens if any(ch.isalnum() for ch in t)]  # noqa: E731
    assert len(words(expected)) > 500
    assert words(got) == words(expected)


def test_segment_cuts_ascii_runs_as_jieba_does():
    assert segment("b-52轰炸机") == ["b", "-", "52", "轰炸机"]
    assert segment("australia-uk-us 三方") == ["australia", "-", "uk", "-", "us", "三方"]
    assert segment("增长3.5%的") == ["增长", "3.5%", "的"]
    assert segment("c++和c#") == ["c++", "和", "c#"]  # dictionary words stay whole


def test_common_words_are_the_dictionarys_frequent_ones():
    common = common_words(100)
    assert {"中国", "政府", "金属"} <= common
    assert "稀土金属" not in common_words(10**6)
    assert common_words(10**6) < common


def test_detect_language():
    assert detect_language("The talks on rare earth exports will continue next week, officials said.") == "en"
    assert detect_language("Les discussions sur les terres rares continueront la semaine prochaine.") == "fr"
    assert detect_language("美國與澳洲簽署關鍵礦產協議，雙方將共同投資稀土加工。") == "zh-Hant"
    assert detect_language("美国与澳大利亚签署关键矿产协议，双方将共同投资稀土加工。") == "zh-Hans"
    # CLD2 rejects control characters outright; they are blanked before it sees the text.
    assert detect_language("Officials\x00 said\x1b the rare earth talks\x7f would continue next week.") == "en"
    assert detect_language("1234 5678") == "und"
    assert detect_language("   ") == "und"


def test_normalize_survives_a_lone_surrogate():
    # YAML and JSON "\ud800" escapes give Python strings UTF-8 cannot encode; OpenCC needs UTF-8.
    assert normalize("臺灣\ud800ABC") == "台湾\ufffdabc"


def test_text_length_counts_chinese_characters_and_other_words():
    assert text_length("美國 said 3.5 tons") == 5  # 美, 國, said, 3.5, tons
    assert text_length("稀土出口管制。") == 6
    assert text_length("") == 0 and cjk_count("AUKUS 潛艦") == 2


def test_reading_minutes_at_300_characters_or_230_words_a_minute():
    assert reading_minutes("字" * 900) == 3
    assert reading_minutes("word " * 460 + "字" * 300) == 3
    assert reading_minutes("short") == 1  # never zero


@given(st.text(st.sampled_from("美国稀土 abc,.1'\n-ー\u3400")))
def test_counts_agree_with_their_definition(text):
    """CJK characters counted by subn, as findall listed them; the other words in what is left."""
    cjk = len(CJK_RE.findall(text))
    assert cjk_count(text) == cjk
    assert text_length(text) == cjk + len(WORD_RE.findall(CJK_RE.sub(" ", text)))


# Pieces whose forms depend on what is around them: OpenCC's phrases (頭髮, 乾隆 beside 乾燥), combining
# marks that NFKC composes with the letter before, case folding that grows (ß, ﬁ) or is special (Σς İ),
# full-width and compatibility forms, and line breaks other than \n.
_NORMALIZE_PIECES = ["頭髮", "發", "髮", "乾", "隆", "燥", "臺灣", "台", "e", "\u0301", "ß", "Σ", "ς", "İ", "Ａ", "ﬁ",
                     "㍿", "①", "\r", "\u2028", "\n", " ", "US", "中美"]


@given(st.lists(st.lists(st.sampled_from(_NORMALIZE_PIECES), max_size=6).map("".join), max_size=6))
def test_normalize_each_is_normalize_of_each(texts):
    """One conversion of the joined sentences gives what one conversion per sentence gives."""
    assert normalize_each(texts) == [normalize(t) for t in texts]


@pytest.mark.parametrize("threshold", [0, 1, 99, 100, 101, 5000, 10**6])
def test_common_words_are_every_line_at_or_above_the_threshold(threshold):
    """The one-pass read against its definition: each line of the dictionary in turn."""
    from generator.articles.lang import _dictionary_path

    expected = set()
    with open(_dictionary_path(), encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) > 1 and parts[1].isdigit() and int(parts[1]) >= threshold:
                expected.add(parts[0])
    assert common_words.__wrapped__(threshold) == expected

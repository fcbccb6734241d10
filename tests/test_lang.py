"""Language helpers: jieba's tokens from jieba-rs, the dictionary's common words, CLD2's language."""

from __future__ import annotations

import logging
from pathlib import Path

from generator.lang import common_words, detect_language, normalize, segment

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

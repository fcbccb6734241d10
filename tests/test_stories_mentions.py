"""Days and figures read language-free (generator/stories/mentions.py), table-driven."""

from __future__ import annotations

import datetime as dt

import pytest

from generator.articles.lang import normalize
from generator.stories.mentions import masked, mentioned_days, quantities, zh_number

PUBLISHED = dt.date(2025, 10, 15).toordinal()


def days(text: str, published: int | None = PUBLISHED) -> list[str]:
    return [dt.date.fromordinal(o).isoformat() for _, _, o in mentioned_days(normalize(text), published)]


@pytest.mark.parametrize("text, expected", [
    ("美國總統川普周二 (14 日) 再對中國出招", ["2025-10-14", "2025-10-14"]),
    ("川普政府29日宣布", ["2025-09-29"]),  # a day after the publication day's is last month's
    ("今（9）日上午發布", ["2025-10-09"]),
    ("美中兩國十四日起同步開徵", ["2025-10-14"]),
    ("川普卅日在南韓", ["2025-09-30"]),
    ("2025年10月30日，美國總統", ["2025-10-30"]),
    ("on Oct. 9, 2025 China said", ["2025-10-09"]),
    ("The ministry said on Monday", ["2025-10-13"]),
    ("talks on 3 November", ["2025-11-03"]),
    ("三日內答覆，日本與日元", []),  # within three days; Japan; yen
])
def test_days_named_in_the_text_are_placed_against_the_publication_day(text, expected):
    assert days(text) == expected


def test_without_a_publication_day_only_complete_dates_count():
    assert days("川普政府29日宣布，2025年10月30日會面", None) == ["2025-10-30"]


@pytest.mark.parametrize("text, expected", [
    ("85億美元", ["usd:8.5e+09"]),
    ("US$8.5 billion", ["usd:8.5e+09"]),
    ("$8.5bn", ["usd:8.5e+09"]),
    ("A$1.2 billion and 12億澳元", ["aud:1.2e+09", "aud:1.2e+09"]),
    ("100%關稅 and a 100 percent tariff, 百分之50", ["pct:100", "pct:100", "pct:50"]),
    ("暫停90天; a 90-day pause", ["day:90", "n:90"]),
    ("26個實體 and 1,260 tonnes", ["firm:26", "ton:1260"]),
    ("500萬人 and 3 billion people", ["n:5e+06", "n:3e+09"]),
    ("in 2025 at 9 am", []),  # years and small numbers are no figure
])
def test_figures_are_keyed_by_unit_and_value(text, expected):
    assert quantities(normalize(text)) == expected


def test_a_days_digits_are_not_read_again_as_a_figure():
    text = normalize("on Monday (Sep 29) it listed 26 firms")
    spans = mentioned_days(text, PUBLISHED)
    assert quantities(masked(text, spans)) == ["firm:26"]


@pytest.mark.parametrize("text, value", [("五", 5), ("十", 10), ("十四", 14), ("廿", 20), ("廿一", 21), ("卅", 30),
                                         ("二十八", 28), ("百", None)])
def test_chinese_numerals_of_dates(text, value):
    assert zh_number(text) == value

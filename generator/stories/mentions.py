"""Dates and quantities an article mentions, in forms that compare across languages.

Two reports of one event name its day and its figures: "周一 (29 日)" and "on Monday (Sep 29)"
are one day, "85億美元" and "US$8.5 billion" one sum, "100%關稅" and "a 100 percent tariff" one
rate. Both are read from the normalised text (NFKC, case-folded, Simplified) of an article's
opening and made language-free: a day as its ordinal, a quantity as a unit and a value rounded to
three significant figures.

A day written without its year or month is placed against the publication day: the nearest such
date not more than a day after it (news reports what happened, not what will), and never more than
a month before it for a day of the month alone. Without a publication day, only complete dates count.
"""

from __future__ import annotations

import datetime as dt
import math
import re

# How far back a date written without its year may lie from publication (a look back at an
# earlier event), and how far ahead (a scheduled meeting, a deadline): a year either way would
# make "Jan 5" ambiguous; news names coming dates within weeks and past ones within months.
MAX_DAYS_BACK, MAX_DAYS_AHEAD = 300, 60

MONTHS = {m: i + 1 for i, names in enumerate(
    ("jan january", "feb february", "mar march", "apr april", "may", "jun june", "jul july", "aug august",
     "sep sept september", "oct october", "nov november", "dec december")) for m in names.split()}
WEEKDAYS = {d: i for i, names in enumerate(
    ("monday mon", "tuesday tue tues", "wednesday wed", "thursday thu thur thurs", "friday fri", "saturday sat",
     "sunday sun")) for d in names.split()}
ZH_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
# Chinese numerals as dates and counts write them: 十四, 廿, 卅一.
_ZH_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_ZH_CHARS = "零〇一二两三四五六七八九十廿卅"
_ZH_NUM = f"[{_ZH_CHARS}]{{1,3}}"
# What follows 日 when it is not a day: 3日内 (within 3 days), 日本, 日元, 日韩.
_NOT_DAY = "(?![内间後后本元圆币韩])"

_MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))
_EN_MONTH_DAY = re.compile(rf"\b({_MONTH_RE})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(\d{{4}}))?")
_EN_DAY_MONTH = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH_RE})\b\.?(?:,?\s+(\d{{4}}))?")
_EN_WEEKDAY = re.compile(
    r"\b(?:on|last|this|late|early)\s+(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b")
_ISO = re.compile(r"\b(20\d\d)[-/.](\d{1,2})[-/.](\d{1,2})\b")
_ZH_FULL = re.compile(r"(20\d\d)\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")
_ZH_MONTH_DAY = re.compile(r"(?<![\d年])(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")
_ZH_MONTH_DAY_NUM = re.compile(rf"({_ZH_NUM})月({_ZH_NUM})[日号]")
# A day of the month alone: "29日", "(19 日)", "今(9)日", "廿日", "十四日"; not "9月", "3日内" (within 3 days).
_ZH_DAY = re.compile(r"(?<![\d月./\-])[(（]?\s*(\d{1,2})\s*[)）]?\s*日" + _NOT_DAY)
_ZH_DAY_NUM = re.compile(rf"(?<![月\d{_ZH_CHARS}])({_ZH_NUM})日" + _NOT_DAY)
_SLASH_DAY = re.compile(r"[(（]\s*(\d{1,2})/(\d{1,2})\s*[)）]")
_ZH_WEEKDAY = re.compile(r"(?:周|週|星期|礼拜)([一二三四五六日天])")


def zh_number(text: str) -> int | None:
    """十四 -> 14, 廿 -> 20, 卅一 -> 31, 五 -> 5 (the numerals of dates and small counts)."""
    if not text:
        return None
    if len(text) == 1 and text in _ZH_DIGITS:
        return _ZH_DIGITS[text]
    tens = {"十": 10, "廿": 20, "卅": 30}
    head, rest = text[0], text[1:]
    if head in tens:
        value = tens[head]
    elif len(text) >= 2 and text[1] == "十" and head in _ZH_DIGITS:
        value, rest = _ZH_DIGITS[head] * 10, text[2:]
    else:
        return None
    if rest == "":
        return value
    return value + _ZH_DIGITS[rest] if len(rest) == 1 and rest in _ZH_DIGITS else None


def _make(year: int, month: int, day: int) -> int | None:
    try:
        return dt.date(year, month, day).toordinal()
    except ValueError:
        return None


def _nearest_year(month: int, day: int, published: int) -> int | None:
    """The month-day placed in the year that puts it in the window around publication."""
    year = dt.date.fromordinal(published).year
    for y in (year, year - 1, year + 1):
        at = _make(y, month, day)
        if at is not None and -MAX_DAYS_BACK <= at - published <= MAX_DAYS_AHEAD:
            return at
    return None


def _day_of_month(day: int, published: int) -> int | None:
    """The latest date with this day of the month, at most a day after publication."""
    if not 1 <= day <= 31:
        return None
    base = dt.date.fromordinal(published + 1)
    year, month = base.year, base.month
    for _ in range(2):
        at = _make(year, month, day)
        if at is not None and at <= published + 1:
            return at
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return None


def _weekday(index: int, published: int) -> int:
    """The latest such weekday on or before the publication day."""
    return published - (dt.date.fromordinal(published).weekday() - index) % 7


def mentioned_days(text: str, published: int | None) -> list[tuple[int, int, int]]:
    """The days a (normalised) text names: (start, end, ordinal) in the order found, repeats kept."""
    found: list[tuple[int, int, int]] = []

    def add(m: re.Match, ordinal: int | None) -> None:
        if ordinal is not None and not any(a < m.end() and m.start() < b for a, b, _ in found):
            found.append((m.start(), m.end(), ordinal))

    for m in _ISO.finditer(text):
        add(m, _make(int(m[1]), int(m[2]), int(m[3])))
    for m in _ZH_FULL.finditer(text):
        add(m, _make(int(m[1]), int(m[2]), int(m[3])))
    for m in _EN_MONTH_DAY.finditer(text):
        add(m, _en_date(MONTHS[m[1]], int(m[2]), m[3], published))
    for m in _EN_DAY_MONTH.finditer(text):
        add(m, _en_date(MONTHS[m[2]], int(m[1]), m[3], published))
    if published is not None:
        _relative_days(text, published, add)
    return sorted(found)


def masked(text: str, spans: list[tuple[int, int, int]]) -> str:
    """The text with the spans blanked (so a date's digits are not read again as a figure)."""
    parts, at = [], 0
    for a, b, _ in spans:
        parts += [text[at:a], " " * (b - a)]
        at = b
    return "".join(parts) + text[at:]


def _relative_days(text: str, published: int, add) -> None:
    for m in _ZH_MONTH_DAY.finditer(text):
        add(m, _nearest_year(int(m[1]), int(m[2]), published))
    for m in _ZH_MONTH_DAY_NUM.finditer(text):
        month, day = zh_number(m[1]), zh_number(m[2])
        if month and day and month <= 12:
            add(m, _nearest_year(month, day, published))
    for m in _SLASH_DAY.finditer(text):
        add(m, _nearest_year(int(m[1]), int(m[2]), published) if 1 <= int(m[1]) <= 12 else None)
    for m in _ZH_DAY.finditer(text):
        add(m, _day_of_month(int(m[1]), published))
    for m in _ZH_DAY_NUM.finditer(text):
        day = zh_number(m[1])
        add(m, _day_of_month(day, published) if day else None)
    for m in _EN_WEEKDAY.finditer(text):
        add(m, _weekday(WEEKDAYS[m[1]], published))
    for m in _ZH_WEEKDAY.finditer(text):
        add(m, _weekday(ZH_WEEKDAYS[m[1]], published))


def _en_date(month: int, day: int, year: str | None, published: int | None) -> int | None:
    if year:
        return _make(int(year), month, day)
    return _nearest_year(month, day, published) if published is not None else None


# --- quantities ---

_SCALE_EN = {"thousand": 1e3, "k": 1e3, "million": 1e6, "mn": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9, "b": 1e9,
             "trillion": 1e12, "tn": 1e12}
_SCALE_ZH = {"千": 1e3, "万": 1e4, "十万": 1e5, "百万": 1e6, "千万": 1e7, "亿": 1e8, "万亿": 1e12, "兆": 1e12}
# Currencies by what the text calls them, after normalisation (Simplified, lower case). A bare "$"
# is the US dollar in this beat's English press; "元" alone is the yuan.
_CURRENCY_ZH = {"美元": "usd", "美金": "usd", "澳元": "aud", "澳币": "aud", "欧元": "eur", "日元": "jpy", "日圆": "jpy",
                "英镑": "gbp", "港元": "hkd", "港币": "hkd", "人民币": "cny", "元人民币": "cny", "韩元": "krw", "元": "cny"}
_CURRENCY_EN = {"us$": "usd", "$": "usd", "usd": "usd", "a$": "aud", "au$": "aud", "aud": "aud", "€": "eur",
                "eur": "eur",
                "£": "gbp", "¥": "jpy", "hk$": "hkd", "rmb": "cny", "cny": "cny", "yuan": "cny", "dollars": "usd",
                "euros": "eur", "yen": "jpy", "won": "krw", "pounds": "gbp"}
_NUM = r"\d+(?:,\d{3})*(?:\.\d+)?"
_MONEY_EN = re.compile(rf"(us\$|a\$|au\$|hk\$|\$|€|£|¥|usd|aud|eur|rmb|cny)\s?({_NUM})"
                       r"\s*(trillion|billion|million|thousand|bn|mn|tn|[bmk])?\b")
_MONEY_EN_AFTER = re.compile(rf"({_NUM})\s*(trillion|billion|million)?\s*(?:us\s)?"
                             r"(dollars|euros|yuan|yen|won|pounds)\b")
_MONEY_ZH = re.compile(rf"({_NUM})\s*(万亿|十万|百万|千万|亿|万|千|兆)?\s*(美元|美金|澳元|澳币|欧元|日元|日圆|英镑|港元|港币|元人民币|人民币|韩元|元)")
_PERCENT = re.compile(rf"({_NUM})\s*(?:%|％|percent\b|per cent\b|个百分点)|百分之({_NUM})")
_SCALED = re.compile(rf"({_NUM})\s*(万亿|亿|万|trillion\b|billion\b|million\b)")
_COUNT = re.compile(rf"({_NUM})\s*(天|日内|days?\b|吨|tonnes?\b|tons?\b|艘|ships?\b|vessels?\b|家|个实体|firms?\b|"
                    r"entities\b|companies\b|种|items?\b|架|aircraft\b)")
_COUNT_UNIT = {"天": "day", "日内": "day", "day": "day", "days": "day", "吨": "ton", "tonne": "ton", "tonnes": "ton",
               "ton": "ton", "tons": "ton", "艘": "ship", "ship": "ship", "ships": "ship", "vessel": "ship",
               "vessels": "ship", "家": "firm", "个实体": "firm", "firm": "firm", "firms": "firm", "entities": "firm",
               "companies": "firm",
               "种": "item", "item": "item", "items": "item", "架": "plane", "aircraft": "plane"}
# Bare numbers of at least this size that are not years: a figure (26 entities, 1,260 tonnes) that
# two reports of one event share; smaller ones (ages, counts of people) are everywhere.
MIN_BARE = 10
_BARE = re.compile(rf"(?<![\d.,])({_NUM})(?![\d.,]*\s*(?:年|月|日|号|时|点|:))")


def _value(text: str) -> float:
    return float(text.replace(",", ""))


def _key(unit: str, value: float) -> str | None:
    if value <= 0 or math.isinf(value):
        return None
    digits = 3 - int(math.floor(math.log10(value))) - 1
    return f"{unit}:{round(value, digits):g}"


def quantities(text: str) -> list[str]:
    """Money, rates and counts a (normalised) text names, as 'unit:value' keys, in order found."""
    return [key for _, _, key in quantity_spans(text)]


def quantity_spans(text: str) -> list[tuple[int, int, str]]:
    """The figures of quantities() with where they are: (start, end, key), offsets in the text, in order."""
    found: list[tuple[int, int, str]] = []

    def add(m: re.Match, key: str | None) -> None:
        if key is not None and not any(a < m.end() and m.start() < b for a, b, _ in found):
            found.append((m.start(), m.end(), key))

    for m in _MONEY_ZH.finditer(text):
        add(m, _key(_CURRENCY_ZH[m[3]], _value(m[1]) * _SCALE_ZH.get(m[2] or "", 1.0)))
    for m in _MONEY_EN.finditer(text):
        add(m, _key(_CURRENCY_EN[m[1]], _value(m[2]) * _SCALE_EN.get(m[3] or "", 1.0)))
    for m in _MONEY_EN_AFTER.finditer(text):
        add(m, _key(_CURRENCY_EN[m[3]], _value(m[1]) * _SCALE_EN.get(m[2] or "", 1.0)))
    for m in _PERCENT.finditer(text):
        add(m, _key("pct", _value(m[1] or m[2])))
    for m in _COUNT.finditer(text):
        add(m, _key(_COUNT_UNIT[m[2]], _value(m[1])))
    for m in _SCALED.finditer(text):
        add(m, _key("n", _value(m[1]) * (_SCALE_ZH.get(m[2]) or _SCALE_EN[m[2]])))
    for m in _BARE.finditer(text):
        value = _value(m[1])
        if value >= MIN_BARE and not (1900 <= value <= 2100 and "," not in m[1] and "." not in m[1]):
            add(m, _key("n", value))
    return sorted(found)

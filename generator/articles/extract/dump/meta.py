"""Metadata lines of a dump: title, byline, date, captions, site name, section, tags."""

from __future__ import annotations

import datetime as dt
import re

from generator.articles.extract.dump.features import Features

BYLINE_RES = (
    re.compile(r"記者\s*([^\s／/，,、】]{2,12}?)\s*[／/╱]"),
    re.compile(r"[文撰]\s*[／/╱:：]\s*([^\s／/，,、】)）]{2,12})"),
    re.compile(r"(?:作者|撰稿|編輯|编辑|責任編輯|责任编辑)\s*[:：]\s*([^\s，,、】)）]{2,12})"),
    re.compile(r"^\s*(?:By|BY|by)\s+([A-Z][\w.'’-]+(?:\s+(?:[A-Z][\w.'’-]+|de|van|von|and|&)){0,4})"),
)
BYLINE_LINE_RE = re.compile(r"記者|報導|报道|^\s*(?:By|BY)\s+[A-Z]|[文撰]\s*[／/╱]|作者\s*[:：]")
# Numeric dates: 2025-10-21, 2012/01/12, 2012.01.12, 2012年1月12日, optionally a time after.
NUM_DATE_RE = re.compile(
    r"((?:19|20)\d\d)\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[\sT]*(\d{1,2}):(\d\d)(?::(\d\d))?)?"
)
MONTHS = (
    "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|"
    "july|august|september|october|november|december"
)
WORD_DATE_RE = re.compile(
    rf"\b(?:(?:{MONTHS})\.?\s+\d{{1,2}},?\s+(?:19|20)\d\d|\d{{1,2}}\s+(?:{MONTHS})\.?,?\s+(?:19|20)\d\d)\b",
    re.I,
)
TAGS_LABEL_RE = re.compile(r"^\s*(?:關鍵字|关键字|關鍵詞|关键词|標籤|标签|Tags?|Topics?|Keywords?)\s*[:：]\s*(.*)$", re.I)
COPYRIGHT_RE = re.compile(
    r"(?:©|\(c\)|Copyright)\s*(?:©\s*)?(?:\d{4}(?:\s*[-–]\s*\d{4})?)?\s*([A-Za-z][\w.&' -]{1,40}?)"
    r"\s*(?:\.\s*)?(?:All Rights Reserved|版權所有|版权所有|$)",
    re.I,
)
SECTION_SEP_RE = re.compile(r"\s*(?:[>›»/|│]|\s)\s*")


def find_author(text: str) -> str | None:
    for pattern in BYLINE_RES:
        m = pattern.search(text)
        if m:
            return m.group(1).strip()
    return None


def is_byline(text: str, f: Features) -> bool:
    return f.units <= 20 and bool(BYLINE_LINE_RE.search(text)) and find_author(text) is not None


def find_date(text: str) -> str | None:
    """ISO date (or datetime when a time is shown) of the first date in `text` (a Taiwanese
    official date, "115年02月12日", read in the Gregorian calendar)."""
    from generator.dates import ROC_DATE_RE, roc_to_gregorian

    if ROC_DATE_RE.search(text):
        text = roc_to_gregorian(text)
    m = NUM_DATE_RE.search(text)
    if m:
        return _numeric_date(m)
    m = WORD_DATE_RE.search(text)
    if m:
        return _word_date(m.group(0))
    return None


def _numeric_date(m: re.Match) -> str | None:
    year, month, day, hour, minute, second = m.groups()
    try:
        date = dt.date(int(year), int(month), int(day))
        if hour is None:
            return date.isoformat()
        return dt.datetime(date.year, date.month, date.day, int(hour), int(minute), int(second or 0)).isoformat()
    except ValueError:
        return None


def _word_date(text: str) -> str | None:
    import dateparser

    parsed = dateparser.parse(text, languages=["en"], settings={"PREFER_DAY_OF_MONTH": "first"})
    return parsed.date().isoformat() if parsed else None


def find_site_name(texts: list[str]) -> str | None:
    """The name in the last copyright line, without its top-level domain."""
    for text in reversed(texts):
        m = COPYRIGHT_RE.search(text)
        if m:
            name = re.sub(r"\.(?:com|net|org|co|cn|tw|hk|uk|ca)(?:\.\w\w)?$", "", m.group(1).strip(" .,"))
            if name and not name.isdigit():
                return name
    return None


# A breadcrumb's first item is often the home page's link, which names no section.
HOME_WORDS = frozenset({"home", "homepage", "首頁", "首页", "主頁", "主页", "回首頁", "回首页", "skip to main content"})


def find_section(text: str) -> str | None:
    """First item of a breadcrumb or section menu line that is not the home page's link."""
    parts = [p for p in SECTION_SEP_RE.split(text.strip()) if p]
    if not 1 < len(parts) <= 12:
        return None
    first = next((p for p in parts if p.casefold() not in HOME_WORDS), None)
    return first if first and len(first) <= 20 else None


def split_tags(text: str) -> tuple[str, ...]:
    parts = re.split(r"\s*[,，、;；|/#]\s*|\s+", text.strip())
    return tuple(p for p in parts if p)


def find_tags(texts: list[str]) -> tuple[str, ...]:
    for i, text in enumerate(texts):
        m = TAGS_LABEL_RE.match(text)
        if not m:
            continue
        rest = m.group(1).strip()
        if not rest and i + 1 < len(texts):
            rest = texts[i + 1]
        return split_tags(rest)
    return ()

"""Dates as outlets and saving tools write them -> ISO 8601 strings that keep what was known.

    "2025-10-21"                  a day, no time
    "2025-10-21T14:30:00"         a time without a zone (a Taiwanese dump's "2025年10月21日 14:30")
    "2025-10-21T14:30:00+08:00"   an instant

A zone-less value gets a zone only where the site knows the article's zone (outlets.py, from
site.toml), never UTC by accident. Parsing is the libraries': datetime.fromisoformat for ISO
forms, email.utils for the RFC 2822 dates of MHTML headers, dateparser for the rest (words,
Chinese forms); relative phrases ("2 hours ago") and partial dates ("October 2025") are refused,
since they would be read against today's date.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# Years a news article's date can have; anything else is a parse of something that is not a date.
MIN_YEAR, MAX_YEAR = 1990, 2100
# Longest text tried as a date: a date line, not a paragraph that happens to hold one.
MAX_CHARS = 80

# Zone names in parentheses, as JavaScript's Date.toString() writes them (SingleFile's "saved
# date": "Wed Jan 10 2024 09:15:02 GMT+0800 (China Standard Time)"); MarkDownload writes the
# offset there ("2026-01-10T09:15:02 (UTC +08:00)"), which is kept.
_PAREN_OFFSET_RE = re.compile(r"\(\s*(?:UTC|GMT)\s*([+-]\d{1,2}(?::?\d{2})?)\s*\)")
_PAREN_RE = re.compile(r"\([^)]*\)")
_GMT_OFFSET_RE = re.compile(r"\b(?:GMT|UTC)\s*([+-]\d{2}:?\d{2})\b")
_TIME_RE = re.compile(r"\d{1,2}:\d{2}")
# Taiwan's official calendar counts years from 1912 (民國): "115年02月12日" is 2026-02-12. A year
# of two or three digits before 年, with a month and a day, is one (80-150: 1991-2061).
ROC_DATE_RE = re.compile(r"(?<!\d)(?:民國|民国)?\s*(8\d|9\d|1[0-4]\d|150)\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
ROC_OFFSET = 1911
_DATEPARSER_SETTINGS = {
    # No "relative-time" parser: "yesterday" would be read against the clock.
    "PARSERS": ["timestamp", "custom-formats", "absolute-time"],
    "REQUIRE_PARTS": ["day", "month", "year"],
    "PREFER_DAY_OF_MONTH": "first",
    "RELATIVE_BASE": dt.datetime(2000, 1, 1),
}


def _offset(text: str) -> str:
    """"+8", "+0800" or "+08:00" -> "+08:00"."""
    sign, digits = text[0], text[1:].replace(":", "")
    hours, minutes = (digits[:-2], digits[-2:]) if len(digits) > 2 else (digits, "00")
    return f"{sign}{int(hours):02d}:{minutes}"


def roc_to_gregorian(text: str) -> str:
    """Dates of the Republic of China calendar written as Gregorian ones ("115年2月12日" -> "2026年2月12日")."""
    return ROC_DATE_RE.sub(lambda m: f"{int(m.group(1)) + ROC_OFFSET}年{m.group(2)}月{m.group(3)}日", text)


def _normalized(text: str) -> str:
    text = roc_to_gregorian(text)
    text = _PAREN_OFFSET_RE.sub(lambda m: " " + _offset(m.group(1)), text)
    text = _PAREN_RE.sub(" ", text)
    text = _GMT_OFFSET_RE.sub(lambda m: _offset(m.group(1)), text)
    return " ".join(text.split())


def _iso(value: dt.datetime, has_time: bool) -> str | None:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        return None
    if not has_time:
        return value.date().isoformat()
    return value.replace(microsecond=0).isoformat()


def _from_iso(text: str) -> dt.datetime | None:
    candidate = text.replace(" ", "T", 1) if re.match(r"\d{4}-\d{2}-\d{2} \d", text) else text
    candidate = re.sub(r"T(\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s+([+-]\d{2}:?\d{2}|Z)$", r"T\1\2", candidate)
    try:
        return dt.datetime.fromisoformat(candidate.replace("Z", "+00:00"))
    except ValueError:
        return None


def _from_rfc2822(text: str) -> dt.datetime | None:
    if not re.search(r"[A-Za-z]{3},? +\d{1,2} +[A-Za-z]{3} +\d{4}", text):
        return None
    try:
        return email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None


def _from_words(text: str) -> dt.datetime | None:
    import dateparser  # slow to import (0.3 s): only for the forms the standard library cannot read

    try:
        return dateparser.parse(text, languages=["en", "zh"], settings=_DATEPARSER_SETTINGS)
    except (ValueError, OverflowError, TypeError, AttributeError):
        return None


def parse_date(value) -> str | None:
    """An ISO 8601 string for a date as written (a string, or a date/datetime from YAML), keeping
    its precision and zone; None when it is not a date of a plausible year."""
    if isinstance(value, dt.datetime):
        return _iso(value, True)
    if isinstance(value, dt.date):
        return _iso(dt.datetime.combine(value, dt.time()), False)
    if not isinstance(value, str):
        return None
    text = _normalized(value.strip())
    if not text or len(text) > MAX_CHARS or not re.search(r"\d", text):
        return None
    parsed = _from_iso(text) or _from_rfc2822(text) or _from_words(text)
    if parsed is None:
        return None
    return _iso(parsed, bool(_TIME_RE.search(text)) or parsed.tzinfo is not None)


def zone_named(name: str | None) -> dt.tzinfo | None:
    """The IANA zone of that name, or None (an unknown name is site.toml's problem, checked there)."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _zoneless_time(iso: str | None) -> dt.datetime | None:
    """The value of a time of day written without an offset, else None (a bare day has no time)."""
    value = _from_iso(iso) if iso and "T" in iso else None
    return value if value is not None and value.tzinfo is None else None


def is_zoneless(iso: str | None) -> bool:
    """A time of day without an offset (a bare day is not zone-less: it has no time)."""
    return _zoneless_time(iso) is not None


def with_zone(iso: str | None, zone: dt.tzinfo | None) -> str | None:
    """A zone-less time placed in `zone` ("2025-10-21T14:30:00" -> "…+08:00"); anything else as is."""
    value = _zoneless_time(iso) if zone is not None else None
    return value.replace(tzinfo=zone).isoformat() if value is not None else iso


def instant(iso: str | None, zone: dt.tzinfo | None = None) -> dt.datetime | None:
    """An aware datetime for feeds and sorting: a bare day is its first moment in `zone` (UTC when
    the site knows none), a zone-less time is read in `zone` likewise."""
    if not iso:
        return None
    value = _from_iso(iso)
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=zone or dt.timezone.utc)

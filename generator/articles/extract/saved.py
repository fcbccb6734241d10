"""What a saving tool records about the save itself: the page's address and when it was kept.

    Chrome / Edge "Save page as" (HTML)   <!-- saved from url=(0064)https://… -->  before <html>
    SingleFile                            <!-- Page saved with SingleFile / url: … / saved date: … -->
    Chrome MHTML                          headers Snapshot-Content-Location, Date (the save), Subject;
                                          the page part's Content-Location (mhtml.py reads them)

`saved` is when the person kept the page, never when the outlet published it: the two are kept
apart all the way to the feeds (a clip date shown as a publication date put old stories first).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.dates import parse_date
from generator.urls import http_url

# The marks stand at the top of the file; SingleFile's comment is the first node inside <html>,
# after a doctype and the html tag's attributes. 16 KB covers both with room to spare.
HEAD_CHARS = 16_384
_CHROME_RE = re.compile(r"<!--\s*saved from url=\(\d+\)\s*(\S+?)\s*-->", re.I)
_SINGLEFILE_RE = re.compile(r"<!--\s*(?:Page saved with SingleFile|Archive processed by SingleFile)(.*?)-->", re.S)
_FIELD_RE = re.compile(r"^\s*([a-z ]+?)\s*:\s*(.+?)\s*$", re.M)


@dataclass(frozen=True)
class SaveRecord:
    url: str | None = None  # the address the page was saved from (http(s) only)
    saved: str | None = None  # ISO 8601: when it was saved


def html_save_record(html: str) -> SaveRecord:
    """The record a browser or SingleFile left at the top of a saved HTML page."""
    head = html[:HEAD_CHARS]
    m = _SINGLEFILE_RE.search(head)
    if m:
        fields = {k.lower(): v for k, v in _FIELD_RE.findall(m.group(1))}
        return SaveRecord(http_url(fields.get("url")), parse_date(fields.get("saved date")))
    m = _CHROME_RE.search(head)
    if m:
        return SaveRecord(http_url(m.group(1)))
    return SaveRecord()

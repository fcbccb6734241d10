"""Tag sets and class/id patterns shared by the scorer and the block writer."""

from __future__ import annotations

import re

# Elements that start a new block of text in a browser; everything else flows inline.
BLOCK_TAGS = frozenset((
    "address", "article", "aside", "blockquote", "body", "center", "dd", "details", "dir", "div",
    "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4",
    "h5", "h6", "header", "hgroup", "hr", "html", "li", "main", "menu", "ol", "p", "pre",
    "section", "summary", "table", "tbody", "thead", "tfoot", "tr", "td", "th", "ul", "caption",
))
HEADING_TAGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
# Containers whose own text is a paragraph: they get credited to their parent (readability's rule).
PARAGRAPH_TAGS = frozenset(("p", "pre", "blockquote", "dd", "li", "dt")) | HEADING_TAGS

# readability-lxml's class/id vocabulary, extended with the chrome names of Chinese portals
# and comment sections in the benchmark's other languages (koment-, opinie: Polish; kommentar:
# German, Nordic), plus Chinese pinyin names (pinglun = comments, xiangguan = related, fenxiang = share, tuijian = recommended).
NEGATIVE_RE = re.compile(
    r"comment|koment|kommentar|opinie|reply|replies|discuss|talkback|disqus|forum|combx|com-|contact|foot|footnote|masthead|outbrain|promo|related|scroll|share|"
    r"shoutbox|sidebar|side-bar|skyscraper|sponsor|shopping|widget|social|breadcrumb|"
    r"byline-share|newsletter|subscribe|signup|login|popup|modal|cookie|banner|advert|"
    r"(?:^|[\s_-])ads?(?:$|[\s_-])|recommend|most-?popular|trending|pinglun|xiangguan|"
    r"fenxiang|tuijian|hot-?news|copyright|disclaimer|pager|pagination|toolbar|nav",
    re.I,
)
POSITIVE_RE = re.compile(
    r"article|body|content|entry|hentry|h-entry|main|page|post|text|blog|story|zhengwen|"
    r"detail|news_?txt|artic",
    re.I,
)


def class_id(el) -> str:
    return (el.get("class") or "") + " " + (el.get("id") or "")


def class_weight(el) -> int:
    """readability's ±25 for a chrome or an article class/id."""
    names = class_id(el)
    if not names.strip():
        return 0
    if NEGATIVE_RE.search(names):
        return -25  # "comment-body", "modal-window-body": the chrome word decides
    return 25 if POSITIVE_RE.search(names) else 0

"""Tree cleaning before any scoring: drop what is never article text, collect figure captions."""

from __future__ import annotations

import re

from lxml import etree

from generator.articles.extract.htmlx.text import collapse

# Elements removed with their content: interactive, embedded or structural chrome.
DROP_TAGS = (
    "script", "style", "noscript", "template", "svg", "math", "canvas", "iframe", "frame",
    "frameset", "object", "embed", "applet", "audio", "video", "map", "input", "select",
    "textarea", "button", "option", "label", "nav", "dialog", "head", "link", "meta",
)
CAPTION_TAGS = ("figcaption",)
# class/id tokens that mark an image caption (figcaption is not used by older news templates).
_CAPTION_RE = re.compile(r"(?:^|[\s_-])(?:caption|wp-caption-text|img-?desc|photo-?desc|pic-?text)", re.I)
_HIDDEN_STYLE_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


# Pre-selection in C; _is_hidden confirms in Python.
_MAYBE_HIDDEN = etree.XPath('//*[@hidden or @aria-hidden="true" or @style[contains(., "none") or contains(., "hidden")]]')


def _is_hidden(el: etree._Element) -> bool:
    if el.get("hidden") is not None or el.get("aria-hidden") == "true" and len(el) == 0:
        return True
    style = el.get("style")
    return bool(style and _HIDDEN_STYLE_RE.search(style))


# class/id words of comment sections in the benchmark's languages and in comment systems
# (readability's "unlikely candidates", narrowed to the comment ones: its header/footer/sidebar
# words also name the layout wrappers that hold the article).  koment-: Polish, kommentar:
# German and Nordic, opinie: Polish, pinglun: Chinese pinyin.
_COMMENTS_RE = re.compile(
    r"comment|koment|kommentar|disqus|reply|replies|talkback|opinie|pinglun|combx|shoutbox", re.I
)
_CLASSED = etree.XPath("//*[@class or @id]")


def _drop_comments(root: etree._Element) -> None:
    """Remove comment sections whole: however long, readers' comments are not the article.

    An element that holds the page's <h1> is a layout wrapper ("page-with-comments"), kept.
    """
    for el in _CLASSED(root):
        if _COMMENTS_RE.search((el.get("class") or "") + " " + (el.get("id") or "")):
            if el.tag not in ("html", "body") and el.getparent() is not None and el.find(".//h1") is None:
                el.drop_tree()


def _drop_forms(root: etree._Element) -> None:
    """Forms are comment boxes, searches and logins, except the one that wraps a whole ASP.NET
    page: a form holding half the page's text is a layout wrapper and stays (trafilatura's rule)."""
    forms = list(root.iter("form"))
    if not forms:
        return
    total = len("".join(root.itertext()))
    for form in forms:
        if form.getparent() is not None and len("".join(form.itertext())) <= total / 2:
            form.drop_tree()


def clean_tree(root: etree._Element, sections: bool = True) -> tuple[str, ...]:
    """Remove chrome in place; return the figure captions found (text, in document order).

    sections=False keeps comment sections and forms: the second reading of a page whose article
    those rules took away.
    """
    etree.strip_elements(root, *DROP_TAGS, with_tail=False)
    if sections:
        _drop_comments(root)
        _drop_forms(root)
    hidden = [el for el in _MAYBE_HIDDEN(root) if _is_hidden(el)]
    for el in hidden:
        if el.getparent() is not None:
            el.drop_tree()
    captions: list[str] = []
    for el in list(root.iter(*CAPTION_TAGS)):
        _take_caption(el, captions)
    for el in list(root.iter("div", "p", "span", "td")):
        cls = (el.get("class") or "") + " " + (el.get("id") or "")
        if el.getparent() is not None and _CAPTION_RE.search(cls):
            _take_caption(el, captions)
    return tuple(captions)


def _take_caption(el: etree._Element, captions: list[str]) -> None:
    text = collapse(" ".join(el.itertext()))
    if text and text not in captions and len(text) < 1000:
        captions.append(text)
    if len(text) < 1000:
        el.drop_tree()

"""Find the article container: readability's paragraph scoring, measured in CJK-aware units.

Each <br>-separated line of an element's inline text is a "paragraph" worth 1 + its clause
punctuation + its length (capped), times its share of non-link text; the worth flows to its
ancestors with decreasing weight.  A candidate's score is then scaled by class/id hints and by its
share of non-link text.  Lengths count one unit per CJK character and per Latin word, so Chinese
pages are neither favoured nor starved.  The best candidate takes along readability's siblings
(paragraphs, div-wrapped ones included) and, for an article cut in parts by ads, its same-class peers.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from generator.articles.extract.htmlx.inline import BR, inline_parts, inline_text
from generator.articles.extract.htmlx.tags import BLOCK_TAGS, PARAGRAPH_TAGS, class_weight
from generator.articles.extract.htmlx.text import collapse, commas, units

# readability ignores paragraphs under 25 characters; 25 Latin characters are about 4 words.
MIN_PARAGRAPH_UNITS = 4
# Length bonus: one point per 20 units, at most 3 (readability: one per 100 characters, max 3).
UNITS_PER_POINT = 20
MAX_LENGTH_POINTS = 3
# How far up a paragraph's worth flows, and the divisor at each level (readability >= 0.8).
ANCESTOR_DIVISORS = (1, 2, 6, 9)
# readability's base score per container tag.
TAG_BASE = {"div": 5, "article": 8, "main": 5, "section": 3, "td": 3, "pre": 3, "blockquote": 3,
            "form": -3, "ol": -3, "ul": -3, "dl": -3, "dd": -3, "dt": -3, "li": -3, "th": -5}
# Text the page marks as not-for-indexing is usually chrome (comment rules, promos) but holds
# article text on 9% of the dev pages that use it: a penalty, not a removal.
UNINDEXED_FACTOR = 0.25
# A candidate inside the third (or later) of same-tag, same-class siblings within 7 levels is
# probably one comment or teaser of many: its score is halved.
MIN_REPEATS = 3
REPEAT_LEVELS = 7
REPEATED_FACTOR = 0.5
# Candidates whose raw score is this share of the best are worth checking for link density.
SHORTLIST = 40
# An article split by ads or figures into blocks of one class: the other blocks join the best
# one when they score half as much and share an ancestor at most this many levels up.
PEER_SHARE = 0.5
PEER_LEVELS = 4


@dataclass(frozen=True)
class Candidate:
    element: object
    score: float
    text_units: float
    link_density: float


def _paragraph_worth(text: str) -> float:
    return 1 + commas(text) + min(units(text) / UNITS_PER_POINT, MAX_LENGTH_POINTS)


def _element_worth(el) -> float:
    """The paragraphs of el's own inline text: one per <br>-separated line, each discounted by
    its link share (a line that is mostly a link is a headline of another page)."""
    parts: list[str] = []
    links: list[str] = []
    inline_parts(el, parts, links)
    text = "".join(parts)
    if BR not in text:
        return _line_worth(text, "".join(links))
    worth = 0.0
    for line, link_line in zip(text.split(BR), "".join(links).split(BR)):
        worth += _line_worth(line, link_line)
    return worth


def _line_worth(text: str, link_text: str) -> float:
    text = collapse(text)
    n = units(text) if text else 0
    if n < MIN_PARAGRAPH_UNITS:
        return 0.0
    worth = _paragraph_worth(text)
    if link_text:
        worth *= max(0.0, 1 - units(collapse(link_text)) / n)
    return worth


_UNINDEXED = etree.XPath('//noindex | //*[@data-nosnippet or contains(@class, "robots-nocontent")]')


def _unindexed(root) -> dict[int, object]:
    """Elements the page asks search engines to skip (Yandex <noindex>, robots-nocontent)."""
    marked = _UNINDEXED(root)
    # Values keep the element proxies alive, so their ids stay valid while scoring.
    return {id(d): d for m in marked for d in m.iter()}


def score_paragraphs(root) -> dict:
    """Raw scores per candidate element (id(el) -> [el, score])."""
    scores: dict[int, list] = {}
    unindexed = _unindexed(root)
    for el in root.iter(*BLOCK_TAGS):
        worth = _element_worth(el)
        if not worth:
            continue
        if id(el) in unindexed:
            worth *= UNINDEXED_FACTOR
        targets = [] if el.tag in PARAGRAPH_TAGS else [el]
        targets.extend(el.iterancestors())
        level = 0
        for target in targets:
            if level >= len(ANCESTOR_DIVISORS):
                break
            if target.tag in ("html",):
                break
            entry = scores.get(id(target))
            if entry is None:
                base = TAG_BASE.get(target.tag, 0) + class_weight(target)
                entry = scores[id(target)] = [target, float(base), 0.0]
            entry[2] += worth / ANCESTOR_DIVISORS[level]
            level += 1
    for entry in scores.values():
        # The tag/class bonus can at most double what the paragraphs earned: an empty
        # <div class="main"> must not beat a real article body.
        base, worth = entry[1], entry[2]
        entry[1] = worth + (min(base, worth) if base > 0 else base)
    return scores


def _in_repeated_item(el) -> bool:
    """True inside one of several same-class siblings: a comment, a teaser, a list entry."""
    for _ in range(REPEAT_LEVELS):
        parent = el.getparent()
        if parent is None:
            return False
        cls = el.get("class")
        if cls or el.tag in ("li", "article"):
            same = sum(1 for sib in parent if sib.tag == el.tag and sib.get("class") == cls)
            if same >= MIN_REPEATS:
                return True
        el = parent
    return False


def subtree_text(el) -> tuple[float, float]:
    """(units of all text, units of link text) under el."""
    total = units(collapse(" ".join(el.itertext())))
    links = sum(units(collapse(" ".join(a.itertext()))) for a in el.iter("a"))
    return total, links


def find_content(root) -> list:
    """The elements holding the article, in document order ([] when nothing scores)."""
    scores = score_paragraphs(root)
    best = best_candidate(scores)
    if best is None:
        return []
    content = sibling_content(best, scores)
    peers = _peers(best, scores, content)
    if peers:
        content = _in_document_order(root, content + peers)
    return content


def _peers(best: Candidate, scores: dict, content: list) -> list:
    """Other parts of an article split by ads or figures: candidates of the best one's tag and
    class, under a common ancestor a few levels up, scoring a good share of it."""
    cls = best.element.get("class")
    if not cls:
        return []
    top = best.element
    for _ in range(PEER_LEVELS):
        if top.getparent() is None:
            break
        top = top.getparent()
    taken = set(map(id, content))
    peers = []
    for el, raw, _ in scores.values():
        if el.tag != best.element.tag or el.get("class") != cls or id(el) in taken:
            continue
        if raw < PEER_SHARE * best.score or _adjusted(el, raw) < PEER_SHARE * best.score:
            continue
        if any(a is top for a in el.iterancestors()) and not any(id(a) in taken for a in el.iterancestors()):
            if not any(id(d) in taken for d in el.iterdescendants(el.tag)):
                peers.append(el)
    return peers


def _in_document_order(root, elements: list) -> list:
    wanted = {id(e): e for e in elements}
    return [e for e in root.iter() if id(e) in wanted]


def best_candidate(scores: dict) -> Candidate | None:
    ranked = sorted(scores.values(), key=lambda e: e[1], reverse=True)[:SHORTLIST]
    best: Candidate | None = None
    for el, raw, _ in ranked:
        if best is not None and raw <= best.score:
            break
        total, links = subtree_text(el)
        density = min(1.0, links / total) if total else 1.0
        factor = REPEATED_FACTOR if _in_repeated_item(el) else 1.0
        cand = Candidate(el, raw * (1 - density) * factor, total, density)
        if best is None or cand.score > best.score:
            best = cand
    return best


def sibling_content(best: Candidate, scores: dict | None = None) -> list:
    """The candidate plus siblings that look like more of the same article (readability)."""
    parent = best.element.getparent()
    if parent is None:
        return [best.element]
    threshold = max(10.0, best.score * 0.2)
    out = []
    for sib in parent:
        if sib is best.element:
            out.append(sib)
            continue
        if not isinstance(sib.tag, str):
            continue
        entry = scores.get(id(sib)) if scores else None
        bonus = 0.2 * best.score if sib.get("class") and sib.get("class") == best.element.get("class") else 0
        if entry is not None and _adjusted(sib, entry[1]) + bonus >= threshold:
            out.append(sib)
        elif sib.tag == "p" and _good_paragraph(sib):
            out.append(sib)
        elif sib.tag == "div" and (para := _paragraph_in(sib)) is not None and _good_paragraph(para):
            out.append(sib)
    return out


def _paragraph_in(div):
    """The paragraph a div stands for: itself when it holds inline content only (readability
    turns such divs into <p>), or the single <p> it wraps; None for any other div."""
    blocks = [d for d in div.iterdescendants() if d.tag in BLOCK_TAGS]
    if not blocks:
        return div
    return blocks[0] if len(blocks) == 1 and blocks[0].tag == "p" else None


def _adjusted(el, raw: float) -> float:
    """A sibling's score after readability's link-density scaling, as for the best candidate."""
    total, links = subtree_text(el)
    return raw * (1 - min(1.0, links / total)) if total else 0.0


def _good_paragraph(el) -> bool:
    text, links = inline_text(el)
    text = collapse(text)
    n = units(text)
    density = units(links) / n if n else 1
    if n > 25 and density < 0.25:
        return True
    return 0 < n <= 25 and density == 0 and text[-1:] in ".。!?！？"

"""Plain-text dumps of web pages (w3m, lynx, copy-paste) -> Extracted.

    layout.py    lines -> paragraphs (table columns split, wrapped lines reflowed)
    features.py  per-paragraph features and the boilerplate label of each
    select.py    smoothing: the contiguous article span, the blocks kept inside it
    meta.py      title, byline, date, captions, site name, section, tags
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.records import Block, Extracted
from generator.articles.extract.dump.features import Features, classify, count_texts, is_stop, looks_like_menu, measure
from generator.articles.extract.dump.layout import Para, reflow_lines
from generator.articles.extract.dump.meta import find_author, find_date, find_section, find_site_name, find_tags, is_byline
from generator.articles.extract.dump.select import best_span, is_heading, keep_kind, span_weights

# How far above the article (in paragraphs) the headline, byline and dateline are looked for.
HEADER_WINDOW = 12
# A headline is a few words long: at least this many units, at most TITLE_MAX_UNITS.
TITLE_MIN_UNITS = 3
TITLE_MAX_UNITS = 40
# A line ending in one of these goes on into the next: a clause of the body, not a headline.
CLAUSE_ENDS = ",;:，；：、"


@dataclass(frozen=True)
class Page:
    paras: list[Para]
    feats: list[Features]
    labels: list[str]


def analyse_page(text: str) -> Page:
    paras = reflow_lines(text)
    counts = count_texts(paras)
    feats = [measure(p, counts) for p in paras]
    return Page(paras, feats, [classify(f) for f in feats])


def _is_meta(page: Page, i: int) -> bool:
    text, f = page.paras[i].text, page.feats[i]
    return is_byline(text, f) or (f.units <= 12 and find_date(text) is not None)


def _title_candidate(page: Page, i: int) -> bool:
    f, label = page.feats[i], page.labels[i]
    if label == "caption" or looks_like_menu(f) or _is_meta(page, i):
        return False
    return TITLE_MIN_UNITS <= f.units <= TITLE_MAX_UNITS and is_heading(f) or (
        TITLE_MIN_UNITS <= f.units <= TITLE_MAX_UNITS and page.paras[i].text.rstrip()[-1:] in "?!？！"
    )


def find_title(page: Page, start: int) -> int | None:
    """Index of the headline above the article: above its byline/dateline when there is one."""
    lo = max(0, start - HEADER_WINDOW)
    above = list(range(start - 1, lo - 1, -1))
    metas = [i for i in above if _is_meta(page, i)]
    if metas:
        # A dateline above the headline ("115年02月12日" / headline / body: government and many
        # Chinese sites): the headline is what stands between it and the article.
        below = [i for i in range(metas[0] + 1, start)
                 if _title_candidate(page, i) and page.paras[i].text.rstrip()[-1:] not in CLAUSE_ENDS]
        if below:
            return below[0]
        for i in range(metas[-1] - 1, max(lo, metas[-1] - 4) - 1, -1):
            if _title_candidate(page, i):
                return i
    return next((i for i in above if _title_candidate(page, i)), None)


def _header_range(start: int, title: int | None) -> range:
    top = max(0, (title if title is not None else start) - HEADER_WINDOW // 2)
    return range(top, start)


def extract_dump(text: str) -> Extracted:
    """The article of a plain-text dump: its blocks and what its header lines tell."""
    page = analyse_page(text)
    stops = [is_stop(p.text) for p in page.paras]
    start, end = best_span(span_weights(page.labels, page.feats, stops, [p.col for p in page.paras]))
    title = find_title(page, start) if end else None
    texts = [p.text for p in page.paras]
    header = [texts[i] for i in _header_range(start, title)]
    blocks, captions = [], []
    for i in range(start, end):
        if page.labels[i] == "caption":
            captions.append(texts[i])
            continue
        kind = None if _is_meta(page, i) else keep_kind(i, page.labels, page.feats, end)
        if kind:
            blocks.append(Block(kind, texts[i]))
    captions = [t for t in header if page.labels[texts.index(t)] == "caption"] + captions
    return Extracted(
        title=texts[title] if title is not None else "",
        blocks=tuple(blocks),
        published=_first(find_date(t) for t in header + texts[start:end][:3]) or _first(
            find_date(t) for t in texts[:end]
        ),
        author=_first(find_author(t) for t in header + texts[start:start + 3] if t),
        site_name=find_site_name(texts[-40:]),
        section=find_section(texts[title - 1]) if title else None,
        tags=find_tags(texts[end:]),
        captions=tuple(captions),
    )


def _first(values) -> str | None:
    return next((v for v in values if v), None)

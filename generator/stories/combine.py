"""Entries of one story -> the Story the site shows: a headline in the site's language where one of
its articles is in it, the summary of that article, key points de-duplicated across articles and
scripts, and the figures its articles give, each with every article that gives it. Pure.

Nothing is written that no article wrote: the headline, summary and points are each an article's
own (in its own language, marked as such where it is not the site's); figures are quoted as the
first article to give them wrote them.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace

from generator.articles.lang import to_simplified
from generator.records import Entry, Story, StoryFigure
from generator.stories.figures import Figure

# A story page's key points: the story in a screen, not every article's points again.
MAX_POINTS = 6
# Figures shown: the ones most articles give, then the first given.
MAX_FIGURES = 8
# Two points say the same when this share of their character pairs (in Simplified characters,
# case-folded, without punctuation) is shared: the same sentence from two wire copies, or lightly
# edited, shares most; two different facts about one event share under a third.
SAME_POINT = 0.6


def story_groups(entries: Iterable[Entry]) -> dict[str, list[Entry]]:
    """Entries by story id, in the order given."""
    groups: dict[str, list[Entry]] = {}
    for e in entries:
        if e.story:
            groups.setdefault(e.story, []).append(e)
    return groups


def _day(entry: Entry) -> str:
    return (entry.published or "")[:10]


def _chronological(entries: Sequence[Entry]) -> list[Entry]:
    """Oldest first; undated last; ties by slug."""
    return sorted(entries, key=lambda e: (not e.published, _day(e), e.slug))


def _family(language: str) -> str:
    return language.split("-")[0]


def _preferred(entries: Sequence[Entry], language: str) -> list[Entry]:
    """The entries in the site's language, else in its family (zh-Hans for zh-Hant), else all."""
    for same in (lambda e: e.language == language, lambda e: _family(e.language) == _family(language)):
        found = [e for e in entries if same(e)]
        if found:
            return found
    return list(entries)


def _shape(text: str) -> str:
    folded = unicodedata.normalize("NFKC", to_simplified(text)).casefold()
    return "".join(c for c in folded if c.isalnum())


def _pairs(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)} or {text}


def _same(pa: set[str], pb: set[str]) -> bool:
    return len(pa & pb) / max(1, min(len(pa), len(pb))) >= SAME_POINT


def same_point(a: str, b: str) -> bool:
    return _same(_pairs(_shape(a)), _pairs(_shape(b)))


def key_points(entries: Sequence[Entry], language: str) -> tuple[tuple[str, str, str], ...]:
    """(point, language, slug): the points of the articles in the site's language first, then the
    others', each once (a point another article already made is left out)."""
    preferred = _preferred(entries, language)
    chosen_ids = {id(e) for e in preferred}
    order = preferred + [e for e in entries if id(e) not in chosen_ids]
    chosen: list[tuple[str, str, str]] = []
    shapes: list[set[str]] = []  # of the chosen points, each made once
    for e in order:
        for point in e.key_points:
            if len(chosen) >= MAX_POINTS:
                return tuple(chosen)
            pairs = _pairs(_shape(point))
            if not any(_same(pairs, other) for other in shapes):
                chosen.append((point, e.language, e.slug))
                shapes.append(pairs)
    return tuple(chosen)


def story_figures(entries: Sequence[Entry], figures_of: Callable[[Entry], Sequence[Figure]],
                  language: str) -> tuple[StoryFigure, ...]:
    """Each figure once (by its language-free key), as the first article in the site's language
    (else the first article) wrote it, with every article giving it; most-given first."""
    preferred = set(id(e) for e in _preferred(entries, language))
    found: dict[str, tuple[Figure, Entry]] = {}
    slugs: dict[str, list[str]] = {}
    order: list[str] = []
    for e in entries:
        for fig in figures_of(e):
            if fig.key not in found:
                order.append(fig.key)
                found[fig.key] = (fig, e)
            elif id(e) in preferred and id(found[fig.key][1]) not in preferred:
                found[fig.key] = (fig, e)
            if e.slug not in slugs.setdefault(fig.key, []):
                slugs[fig.key].append(e.slug)
    ranked = sorted(order, key=lambda k: -len(slugs[k]))[:MAX_FIGURES]  # stable: ties stay in order
    return tuple(StoryFigure(found[k][0].text, found[k][0].sentence, found[k][1].language, found[k][0].kind,
                             tuple(slugs[k])) for k in ranked)


def make_story(story_id: str, entries: Sequence[Entry], language: str, topic_order: Sequence[str],
               figures_key: str = "") -> Story:
    """The story of these entries, its figures left out (with_figures adds them, for its page)."""
    members = _chronological(entries)
    lead = _preferred(members, language)[0]
    dates = [_day(e) for e in members if e.published]
    topics = {t for e in members for t in e.topics}
    return Story(
        id=story_id,
        headline=lead.title,
        language=lead.language,
        summary=lead.summary,
        summary_language=lead.language,
        key_points=key_points(members, language),
        figures=(),
        slugs=tuple(e.slug for e in members),
        topics=tuple(t for t in topic_order if t in topics),
        first=dates[0] if dates else None,
        last=max(dates) if dates else None,
        languages=tuple(sorted({e.language for e in members})),
        outlets=tuple(dict.fromkeys(e.outlet or e.site_name or "" for e in members if e.outlet or e.site_name)),
        made_from=(figures_key, *(e.sha256 for e in members)),
    )


def with_figures(story: Story, members: Sequence[Entry], figures_of: Callable[[Entry], Sequence[Figure]],
                 language: str) -> Story:
    """The story with its key figures (`members`: its entries, in Story.slugs order)."""
    return replace(story, figures=story_figures(members, figures_of, language))


def make_stories(entries: Sequence[Entry], language: str, topic_order: Sequence[str] = (),
                 figures_key: str = "") -> list[Story]:
    """The stories of two articles or more (an article alone is its own page), by id."""
    return [make_story(sid, members, language, topic_order, figures_key)
            for sid, members in sorted(story_groups(entries).items()) if len(members) >= 2]

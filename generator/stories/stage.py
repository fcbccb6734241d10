"""The story stage of a build: which story each article reports, kept in its summary file.

An article's story is decided once, when it first appears, and written to its summary file as
`story: <id>` beside its feed id; every later build keeps it (as it keeps the feed id), so stories
keep their ids and URLs, a new article joins or starts a story without regrouping the archive, and
the site is a function of content/ alone (a deleted cache regroups nothing). A person who edits
`story:` in a summary file moves the article to that story, or (`story: new`) splits it off into a
story of its own: the edited file wins, as every hand edit does.

Only a build that adds an article reads features, and only those of the new articles and of the
articles published within the grouping window around them (group.assign_stories).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from generator.records import Article, Head
from generator.stories.features import (Lexicon, StoryFeatures, build_lexicon, language_family, publication_day,
                                        story_features)
from generator.stories.figures import Figure, key_figures
from generator.stories.group import Params, StoryItem, assign_stories, resolved

# What a story id looks like: story_id's 12 hex digits, or what a person wrote ("new" or an id);
# anything longer or with other characters in a summary file is not a story (it would be a URL).
MAX_ID = 64


@dataclass(frozen=True)
class Placed:
    """An article as the story stage sees it: its stable key (feed id), its record, and the story
    its summary file names (None: none yet), and whether a person edited that file."""

    key: str
    item: Head
    story: str | None
    edited: bool


def clean_story(value) -> str | None:
    """A summary file's `story:` value, or None when it is not one (empty, a list, a URL...)."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    ok = 0 < len(value) <= MAX_ID and all(c.isascii() and (c.isalnum() or c in "-_") for c in value)
    return value.lower() if ok else None


def kept_stories(placed: Sequence[Placed]) -> dict[str, str] | None:
    """Every article's story when every summary file names one (a build that adds no article: no
    features, names table or model needed), else None."""
    if not all(p.story for p in placed):
        return None
    return {p.key: resolved(p.key, p.story) for p in placed}


def assign_build(placed: Sequence[Placed], features: Callable[[list[Head]], list[StoryFeatures]],
                 params: Params) -> dict[str, str]:
    """The story of every article: kept where its summary file names one, decided for the rest
    (the articles new to the site) against the stories within the window around them.
    `features(items)`: the StoryFeatures of each item, asked once, for those the decision reads."""
    existing = {p.key: p.story for p in placed if p.story}
    overrides = {p.key: p.story for p in placed if p.story and p.edited}
    fresh = [p for p in placed if not p.story]
    days = {p.key: publication_day(p.item.article.published) for p in placed}
    dated = [days[p.key] for p in fresh if days[p.key] is not None]
    lo, hi = (min(dated) - params.window, max(dated) + params.window) if dated else (0, -1)
    read = [p for p in placed if p.story and days[p.key] is not None and lo <= days[p.key] <= hi] + fresh
    found = dict(zip((p.key for p in read), features([p.item for p in read]))) if read else {}

    def item(p: Placed) -> StoryItem:
        if found.get(p.key) is not None:  # (None: its record could not be read; it is decided by its day)
            return StoryItem(p.key, found[p.key])
        # outside every new article's window: only its day and its story are used
        return StoryItem(p.key, StoryFeatures(day=days[p.key], language=language_family(p.item.article.language)))

    return assign_stories([item(p) for p in fresh], [item(p) for p in placed if p.story], existing, params, overrides)


@functools.lru_cache(maxsize=2)
def site_lexicon(entities: tuple) -> Lexicon:
    """The names table with the site's [entities] (built once per process and set of entities)."""
    return build_lexicon(entities)


def analyse(article: Article, entities: tuple = ()) -> tuple[StoryFeatures, tuple[Figure, ...]]:
    """What the story stage keeps of an article: its features (with the names table and the site's
    `entities`) and its key figures. Module-level, so a worker process can run it."""
    features = story_features(article, site_lexicon(entities))
    return features, key_figures(article, features.day)

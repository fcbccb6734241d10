"""Articles -> stories, one article at a time, with stable ids and a person's overrides.

An article joins the story it fits best among those whose members were all published within
`window` days of it, when its mean probability of reporting one story with that story's members
reaches the threshold; otherwise it starts a story. Articles are taken in order of publication
(then key), so the archive is never regrouped: a new article joins or starts a story, and nothing
already assigned moves. An undated article starts a story of its own (a date is what keeps two
rounds of the same talks apart).

Ids are stable: a story's id is derived from the key of the article that started it (its founder),
so it keeps its id, and its URL, as articles join it; the caller keeps the assignments (`existing`)
and hands them back. `group_stories(items)` is `assign_stories(items, [], {})`: grouping from
scratch and assigning a batch to an archive give the same stories when the batch is newer than the
archive; an article saved late, older than stories already formed, joins or starts one the same
way, but what was formed before it is not revisited.

A hand edit wins: `overrides` maps an article's key to a story id (the article is moved there, at
its turn in the order) or to NEW (it is split off into a story of its own, whose id is derived from
its key and differs from any story it founded; no article joins that story unless a person moves it
there). With the assignments kept, the rest of a story whose founder was split off keeps its id;
regrouped from scratch, it takes the id of its next article.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from generator.stories.features import StoryFeatures
from generator.stories.similarity import SCALE, Model, Packed, block_probabilities

NEW = "new"


@dataclass(frozen=True)
class StoryItem:
    key: str  # the article's stable identity (its feed id, or its source path)
    features: StoryFeatures


@dataclass(frozen=True)
class Params:
    """How articles are grouped: the pair model and the decision."""

    model: Model
    threshold: float  # mean pair probability an article needs to join a story
    window: int  # days: a story's members are published within this of each other
    concept_weights: Mapping[str, int]


def story_id(founder_key: str) -> str:
    """The id of the story an article starts: 12 hex digits of a hash of its key."""
    return hashlib.sha256(founder_key.encode()).hexdigest()[:12]


def split_id(key: str) -> str:
    """The id of the story an article split off by hand forms."""
    return story_id("split\n" + key)


def group_stories(items: Iterable[StoryItem], params: Params, overrides: Mapping[str, str] | None = None
                  ) -> dict[str, str]:
    """Story id per article key, from scratch."""
    return assign_stories(items, (), {}, params, overrides)


def assign_stories(new_items: Iterable[StoryItem], archive: Sequence[StoryItem], existing: Mapping[str, str],
                   params: Params, overrides: Mapping[str, str] | None = None) -> dict[str, str]:
    """Story id per article key: the archive's stories (`existing`) kept, and each new item joining
    or starting a story. An item whose key is in `existing` keeps its story; a key in `overrides`
    goes where the person said.

    Only the archive's articles within the window of a new one are compared (the others only make
    their stories too long to join), so assigning one new article costs the same in any archive."""
    overrides = {key: resolved(key, value) for key, value in (overrides or {}).items()}
    new_items = list(new_items)
    known = {item.key: item for item in (*archive, *new_items) if item.key in existing}
    fresh = {item.key: item for item in new_items if item.key not in known}
    days = [item.features.day for item in fresh.values() if item.features.day is not None]
    lo, hi = (min(days) - params.window, max(days) + params.window) if days else (0, -1)
    near = [item for item in known.values() if item.features.day is not None and lo <= item.features.day <= hi]
    state = _State(sorted([*near, *fresh.values()], key=_order), params, len(known) + len(fresh), overrides)
    for item in sorted(known.values(), key=_order):  # the archive first, as it was (or as a person put it)
        state.add(item, overrides.get(item.key, existing[item.key]))
    unassigned = [row for row, item in enumerate(state.items) if item.key not in state.story_of]
    for rows in _by_day(unassigned, state.packed):
        state.assign_day(rows)
    return {key: state.stories[s] for key, s in state.story_of.items()}


def _order(item: StoryItem) -> tuple:
    day = item.features.day
    return (day is None, day if day is not None else 0, item.key)


def _by_day(rows: list[int], packed: Packed):
    """The rows in runs of one publication day (undated rows one at a time)."""
    run: list[int] = []
    for row in rows:
        if run and (not packed.dated[row] or packed.day[row] != packed.day[run[0]]):
            yield run
            run = []
        run.append(row)
    if run:
        yield run


def resolved(key: str, value: str) -> str:
    """The story a person's `story:` names: its id, or (NEW) the story the article splits into."""
    value = value.strip()
    return split_id(key) if value.lower() == NEW else value


class _State:
    """The stories formed so far: each story's id, size and first and last day, and the story of
    each packed row (-1: not assigned yet)."""

    def __init__(self, items: list[StoryItem], params: Params, capacity: int, overrides: Mapping[str, str]):
        self.items, self.params, self.overrides = items, params, overrides
        # stories a person split an article into: it stands alone unless a person moves others there
        self.closed = {split_id(key) for key, story in overrides.items() if story == split_id(key)}
        self.row_of = {item.key: row for row, item in enumerate(items)}
        self.packed = Packed([i.features for i in items], params.concept_weights)
        self.story_row = np.full(len(items), -1, dtype=np.int64)
        self.stories: list[str] = []  # story index -> id
        self.index: dict[str, int] = {}
        self.size = np.zeros(capacity, dtype=np.int64)  # per story index (at most one story per article)
        self.first = np.full(capacity, np.inf)
        self.last = np.full(capacity, -np.inf)
        self.story_of: dict[str, int] = {}  # article key -> story index

    def add(self, item: StoryItem, story: str) -> None:
        s = self.index.get(story)
        if s is None:
            s = self.index[story] = len(self.stories)
            self.stories.append(story)
        self.size[s] += 1
        day = item.features.day
        if day is not None:
            self.first[s], self.last[s] = min(self.first[s], day), max(self.last[s], day)
        self.story_of[item.key] = s
        row = self.row_of.get(item.key)
        if row is not None:
            self.story_row[row] = s

    def assign_day(self, rows: list[int]) -> None:
        """Assign rows of one day, one at a time in order, each against the stories in the window
        around it (the probabilities of the day's rows computed together)."""
        p, packed = self.params, self.packed
        if not packed.dated[rows[0]]:
            for row in rows:
                key = self.items[row].key
                self.add(self.items[row], self.overrides.get(key) or story_id(key))
            return
        day = int(packed.day[rows[0]])
        dated_end = int(packed.dated.sum())  # undated rows sort last
        lo = int(np.searchsorted(packed.day[:dated_end], day - p.window, "left"))
        hi = int(np.searchsorted(packed.day[:dated_end], day + p.window, "right"))
        first = int(np.searchsorted(packed.day[:dated_end], day, "left"))
        last = int(np.searchsorted(packed.day[:dated_end], day, "right"))
        prob = block_probabilities(packed, range(first, last), range(lo, hi), p.window, p.model)
        for row in rows:
            key = self.items[row].key
            story = self.overrides.get(key) or self._best(prob[row - first], self.story_row[lo:hi], day)
            self.add(self.items[row], story or story_id(key))

    def _best(self, prob: np.ndarray, stories: np.ndarray, day: int) -> str | None:
        """The story whose members' mean probability is highest and reaches the threshold (ties:
        the smaller id), among stories lying wholly within the window around `day`."""
        p = self.params
        members = stories >= 0
        if not members.any():
            return None
        # stories of the window were formed recently: their indices lie in a short range from `base`
        base = int(stories[members].min())
        local = stories[members] - base
        sums = np.bincount(local, weights=prob[members])
        found = np.flatnonzero(np.bincount(local)) + base
        sums = sums[found - base]
        score = sums / self.size[found]
        within = (self.first[found] >= day - p.window) & (self.last[found] <= day + p.window)
        ok = within & (score >= p.threshold * SCALE)
        best = sorted((-score[i], self.stories[s]) for i, s in enumerate(found.tolist())
                      if ok[i] and self.stories[s] not in self.closed)
        return best[0][1] if best else None

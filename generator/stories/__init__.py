"""stories: articles -> stories (one event or development, across outlets, languages and scripts).

    features = story_features(article, lexicon)           # once per article; cache it with the record
    stories = group_stories([StoryItem(key, features), ...], default_params(lexicon))
    stories = assign_stories(new_items, archive_items, stories, params, overrides)   # a build later

features.py computes each article's StoryFeatures (names.py: the names table; mentions.py: days and
figures); similarity.py scores pairs of articles; group.py assigns articles to stories one at a
time, with ids derived from a story's first article and a person's overrides; command.py is
`digest stories`.
"""

from __future__ import annotations

from generator.stories import fitted
from generator.stories.features import Lexicon, StoryFeatures, build_lexicon, default_lexicon, story_features
from generator.stories.group import NEW, Params, StoryItem, assign_stories, group_stories, split_id, story_id
from generator.stories.similarity import Model


def default_params(lexicon: Lexicon | None = None) -> Params:
    """The fitted model and decision (fitted.py), with the lexicon's concept weights."""
    lexicon = lexicon or default_lexicon()
    return Params(Model(fitted.WEIGHTS, fitted.BIAS), fitted.THRESHOLD, fitted.WINDOW, lexicon.weights)


__all__ = ["NEW", "Lexicon", "Model", "Params", "StoryFeatures", "StoryItem", "assign_stories", "build_lexicon",
           "default_lexicon", "default_params", "group_stories", "split_id", "story_features", "story_id"]

"""classify: Article + TopicRules -> TopicScores (which topics an article belongs to).

rules.py reads the `[[topics]]` tables of site.toml, text.py splits and normalizes the article once
and finds the aliases, score.py turns where they fall into a score per topic.
"""

from .rules import Alias, Pair, TopicRule, parse_topics
from .score import classify_article, explain_article

__all__ = ["Alias", "Pair", "TopicRule", "classify_article", "explain_article", "parse_topics"]

"""classify: Article + TopicRules -> TopicScores (which topics an article belongs to).

entities.py and rules.py read site.toml's `[entities]` and `[[topics]]`; text.py splits and
normalizes the article once and finds every alias and name; evidence.py turns where they fall into
evidence per topic; model.py and fitted.py weigh it; examples.py brings in a person's corrections;
score.py decides and explains.
"""

from generator.articles.classify.examples import (Example, attach_examples, corrections, load_examples, make_example,
                       save_examples)
from generator.articles.classify.rules import Relation, TopicRule, parse_topics
from generator.articles.classify.score import classify_article, decide, examples_from_edits, explain_article, read_signals

__all__ = ["Example", "Relation", "TopicRule", "attach_examples", "classify_article", "corrections", "decide",
           "examples_from_edits", "explain_article", "load_examples", "make_example", "parse_topics", "read_signals",
           "save_examples"]

"""process_source(source, rules) -> Processed: everything the generator makes of one saved file.

The per-article work (extract, summarize, classify, the near-duplicate signature, reading time), a
pure function of the file's bytes and the topic rules: what the cache keeps (cache.py), keyed by
the code of this module and of what it imports (records_fingerprint).
"""

from __future__ import annotations

import hashlib
from dataclasses import replace

from generator.articles.classify import classify_article
from generator.articles.dedupe import body_signature
from generator.articles.extract import extract_article
from generator.articles.lang import reading_minutes
from generator.records import Processed, Source
from generator.articles.summarize import summarize_article

_LAST_RULES: tuple[tuple, str] | None = None


def rules_key(rules: tuple) -> str:
    """Fingerprint of the topic rules the topics of a record were assigned with (kept for the last
    rules object: their repr took 1.5 ms, asked for by every article)."""
    global _LAST_RULES
    if _LAST_RULES is not None and _LAST_RULES[0] is rules:
        return _LAST_RULES[1]
    key = hashlib.sha256(repr(rules).encode("utf-8", "surrogateescape")).hexdigest()
    _LAST_RULES = (rules, key)
    return key


def process_source(source: Source, rules: tuple) -> Processed:
    """Everything the generator makes of one saved file: extract, summarize, classify."""
    article = extract_article(source)
    summary = summarize_article(article)
    topics = tuple(s.slug for s in classify_article(article, rules) if s.assigned)
    return Processed(article=article, summary=summary, topics=topics, sources=(source.rel,),
                    signature=body_signature(article), rules=rules_key(rules),
                    minutes=reading_minutes(article.text))


def reclassify(item: Processed, rules: tuple) -> Processed:
    """A cached record under changed topic rules: only its topics are assigned again."""
    topics = tuple(s.slug for s in classify_article(item.article, rules) if s.assigned)
    return replace(item, topics=topics, rules=rules_key(rules))

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

def rules_key(rules: tuple) -> str:
    """Fingerprint of the topic rules the topics of a record were assigned with."""
    return hashlib.sha256(repr(rules).encode("utf-8", "surrogateescape")).hexdigest()


def process_source(source: Source, rules: tuple, key: str | None = None) -> Processed:
    """Everything the generator makes of one saved file: extract, summarize, classify. `key`:
    rules_key(rules), when the caller computed it once for many articles (the rules' repr takes
    about 2 ms, a tenth of an article's work)."""
    article = extract_article(source)
    summary = summarize_article(article)
    topics = tuple(s.slug for s in classify_article(article, rules) if s.assigned)
    return Processed(article=article, summary=summary, topics=topics, sources=(source.rel,),
                     signature=body_signature(article), rules=key or rules_key(rules),
                     minutes=reading_minutes(article.text))


def reclassify(item: Processed, rules: tuple, key: str | None = None) -> Processed:
    """A cached record under changed topic rules: only its topics are assigned again (`key` as in
    process_source)."""
    topics = tuple(s.slug for s in classify_article(item.article, rules) if s.assigned)
    return replace(item, topics=topics, rules=key or rules_key(rules))

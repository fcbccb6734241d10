"""Article -> Summary: an extractive summary and key points in the article's own script."""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.lang import text_length
from generator.records import Article, Summary
from generator.sentences import split_sentences

# Key points: the issue asks for 3 to 5 per article.
MIN_KEY_POINTS = 3
MAX_KEY_POINTS = 5

# Lines that are never content: bylines, captions, photo credits, datelines on their own.
_BOILERPLATE_RES = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        r"^[▲▼△►■□●◆◎★※]",  # caption bullets
        r"[（(]\s*[圖图照影]\s*[／/:：]",  # (圖／…) photo credits
        r"^\s*[圖图]\s*[／/:：]",
        r"記者\S{0,20}[／/]\S{0,20}報導|记者\S{0,20}[／/]\S{0,20}报道",
        r"^\s*(?:記者|记者|編輯|编辑|責任編輯|责任编辑|撰文|文|攝影|摄影|來源|来源)\s*[／/:：]",
        r"^\s*by\s+[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,3}\s*(?:[,|]|$)",
        r"^\s*(?:photo|image|picture|video|caption|credit|source|copyright)s?\s*[:：]",
        r"^\s*(?:read more|related|advertisement|share this|follow us|click here)\b",
    )
)
_BYLINE_NAME_RE = re.compile(r"^\s*by\s+[A-Z]", re.IGNORECASE)


@dataclass(frozen=True)
class Sentence:
    index: int  # position among the article's usable sentences
    text: str  # as shown: original script, dateline removed


def summarize_article(article: Article) -> Summary:
    """Pick the lead sentence(s) as summary and the next sentences as key points."""
    sentences = usable_sentences(article)
    chosen = sentences[:1]
    rest = [s for s in sentences if s not in chosen]
    points = tuple(s.text for s in rest[:MAX_KEY_POINTS])
    return Summary(summary=_join(chosen, article.language), key_points=points, language=article.language)


def usable_sentences(article: Article) -> list[Sentence]:
    texts = []
    for paragraph in article.paragraphs:
        texts.extend(split_sentences(paragraph, article.language))
    kept = [t for t in texts if not is_boilerplate(t) and text_length(t) > 0]
    return [Sentence(i, t) for i, t in enumerate(kept)]


def is_boilerplate(text: str) -> bool:
    return any(r.search(text) for r in _BOILERPLATE_RES)


def _join(sentences: list[Sentence], language: str) -> str:
    sep = "" if language.startswith("zh") else " "
    return sep.join(s.text for s in sorted(sentences, key=lambda s: s.index))

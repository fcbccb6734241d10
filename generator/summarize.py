"""Article -> Summary: an extractive summary and key points, shown in the article's own script.

Sentences are scored by position (news puts the point first), centrality (TF-IDF cosine with
the whole article) and overlap with the title; bylines, captions and credits are never
candidates, and a leading dateline is stripped from a chosen sentence.  The summary takes the
best sentences up to a length budget that grows with the square root of the article's length
(a brief gets one sentence, a long report two or three), shown in article order.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from generator.lang import normalize, segment, text_length
from generator.records import Article, Summary
from generator.sentences import CLOSERS, split_sentences

# Key points: the issue asks for 3 to 5 per article; sqrt(sentences) of them, so a 9-sentence
# brief gets 3 and a 25-sentence report 5.
MIN_KEY_POINTS = 3
MAX_KEY_POINTS = 5
# Budget in text_length units (English words, Chinese characters) = factor * sqrt(article
# length): ~22 words (one sentence) for a 150-word brief, ~48 words (two sentences) for a
# 700-word report; for Chinese ~18 characters (one sentence) for a 150-character brief and
# ~60-100 characters for a long feature.  Human summaries are that short, and ROUGE-L F1
# punishes padding as much as omissions.
BUDGET_FACTOR = {"en": 1.8, "zh": 1.5}
# A sentence that would take the summary past twice the budget is skipped: one long lead
# sentence is fine, a second long one doubles the length for little gain.
OVERSHOOT = 2.0
# A key point longer than this (English words / Chinese characters) is cut to its leading clauses.
KEY_POINT_MAX = {"en": 35, "zh": 60}
# Sentences shorter than this carry too little to summarise ("He left.", "是的！").
MIN_SUMMARY_LENGTH = {"en": 6, "zh": 8}
# Centrality and title overlap are cosines in [0, 1]; position is 1/(1+i) in (0, 1].  Half
# weight for centrality keeps the lead first unless a later sentence is clearly more central
# (news puts the point first; centrality alone scored below Lead-1 on the benchmark).  The title
# is an editor's one-line summary, so overlap with it counts as much as the whole position prior.
CENTRALITY_WEIGHT = 0.5
TITLE_WEIGHT = 1.0
# Two sentences this similar (TF-IDF cosine) say the same thing: keep only the first picked.
REDUNDANT_COSINE = 0.5

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
        r"^\s*[（(【\[][^（）()【】\[\]]{1,20}[）)】\]]\s*$",  # a bare source tag: （央视）
    )
)

# Leading datelines, credits and page furniture stripped from a sentence (repeatedly).
_DATELINE_RES = tuple(
    re.compile(p)
    for p in (
        r"^\((?:CNN|AP|Reuters|AFP|[0-9A-Z]{2,10})\)\s*(?:[-–—]+\s*)?",  # (CNN) --
        r"^[A-Z][A-Z.'-]+(?: [A-Z][A-Z.'-]+)*(?:, [A-Z][\w.]*(?: [A-Z][\w.]*)*)?"
        r"(?: \([A-Za-z. ]{2,20}\))? ?[-–—]+\s+",  # LONDON (Reuters) -, MUMBAI, India –
        r"^(?i:media playback is (?:not supported|unsupported) on (?:this|your) device)\s*",
        r"^(?:\d{1,2} \w+ \d{4} )?(?i:last )?(?i:updated)(?: at)? [\w:,. ]{4,40}?"
        r"\b(?:[AP]M|GMT|BST|UTC|E[SD]T|[CMP][SD]T|ET)\b,?(?: \w{3} \w+ \d{1,2}, \d{4})?\s*",
        r"^[（(](?:中央社|中央社記者|中央社记者|新華社|新华社|記者|记者)[^（）()]{0,30}電[）)]\s*",
        r"^[（(](?:中央社|中央社記者|中央社记者|新華社|新华社|記者|记者)[^（）()]{0,30}电[）)]\s*",
        r"^【[^】]{1,30}】\s*",  # 【財經新報】
        r"^(?:新華社|新华社|本報訊|本报讯)[^，,。]{0,20}?(?:電|电|訊|讯)\s*",
        r"^(?:據報導|据报道|據悉|据悉|據了解|据了解|記者(?:日前)?(?:獲悉|获悉|了解到)"
        r"|记者(?:日前)?(?:获悉|了解到))[，,：:]\s*",
        r"^(?:近日|日前|今日|今天|昨日|昨天|\d{4}年)?(?:\d{1,2}月)?(?:\d{1,2}日)?"
        r"(?:早間|早间|晚間|晚间|上午|下午|晚上|凌晨)?[，,]\s*",  # 2月8日，
    )
)


@dataclass(frozen=True)
class Sentence:
    index: int  # position among the article's usable sentences
    text: str  # as shown: original script, leading dateline removed
    length: int  # text_length: English words, Chinese characters
    vector: dict[str, float]  # TF-IDF of the normalised tokens


def summarize_article(article: Article) -> Summary:
    """The best-scoring sentences within the length budget, plus 3 to 5 key points."""
    family = _family(article.language)
    sentences = usable_sentences(article)
    scores = _score(sentences, article.title, family)
    chosen = _select_summary(sentences, scores, _budget(sentences, family), family)
    points = _select_key_points(sentences, scores, chosen, family)
    sep = "" if family == "zh" else " "
    return Summary(
        summary=sep.join(_drop_asides(s.text) for s in sorted(chosen, key=lambda s: s.index)),
        key_points=points,
        language=article.language,
    )


def usable_sentences(article: Article) -> list[Sentence]:
    """The article's sentences minus bylines, captions and credits, datelines stripped."""
    texts = []
    for paragraph in article.paragraphs:
        texts.extend(strip_dateline(t) for t in split_sentences(paragraph, article.language))
    kept = [t for t in texts if text_length(t) > 0 and not is_boilerplate(t)]
    family = _family(article.language)
    token_lists = [_tokens(t, family) for t in kept]
    vectors = _tfidf(token_lists)
    return [Sentence(i, t, text_length(t), v) for i, (t, v) in enumerate(zip(kept, vectors))]


def is_boilerplate(text: str) -> bool:
    return any(r.search(text) for r in _BOILERPLATE_RES)


def strip_dateline(text: str) -> str:
    """Remove leading datelines ('LONDON (Reuters) -', '（中央社記者…電）', '2月8日，')."""
    changed = True
    while changed:
        changed = False
        for pattern in _DATELINE_RES:
            stripped = pattern.sub("", text, count=1)
            if stripped != text and stripped.strip():
                text, changed = stripped, True
    return text.strip()


def _family(language: str) -> str:
    return "zh" if language.startswith(("zh", "ja", "ko")) else "en"


_EN_TOKEN_RE = re.compile(r"[a-z0-9]+")
_NOT_WORD_RE = re.compile(r"^[\W_]+$")
# Function words carry no topic; without them centrality and title overlap measure content.
_EN_STOPWORDS = frozenset(
    "a an the and or but if of to in on at by for with from as is are was were be been being it "
    "its this that these those he she they we i you his her their our my your not no so than then "
    "there here who whom which what when where why how will would can could should may might must "
    "do does did have has had said says say also about into over after before more most up out".split()
)
_ZH_STOPWORDS = frozenset(
    "的 了 在 是 和 与 及 等 也 都 就 而 对 为 将 把 被 从 到 这 那 其 之 以 于 中 上 下 个 有 并 或 但 "
    "又 我 你 他 她 它 们 我们 他们 一 不 让 向 说 表示".split()
)


def _tokens(text: str, family: str) -> list[str]:
    if family == "zh":
        return [t for t in segment(normalize(text)) if not _NOT_WORD_RE.match(t) and t not in _ZH_STOPWORDS]
    return [w for w in _EN_TOKEN_RE.findall(normalize(text)) if w not in _EN_STOPWORDS]


def _tfidf(token_lists: list[list[str]]) -> list[dict[str, float]]:
    df = Counter(t for tokens in token_lists for t in set(tokens))
    n = len(token_lists)
    return [{t: c * (math.log((n + 1) / df[t]) + 1) for t, c in sorted(Counter(tokens).items())} for tokens in token_lists]


def _cosine(a: dict[str, float], b: dict[str, float], b_norm: float | None = None) -> float:
    if not a or not b:
        return 0.0
    if len(a) > len(b):
        a, b, b_norm = b, a, None
    dot = sum(w * b.get(t, 0.0) for t, w in a.items())
    return dot / (_norm(a) * (b_norm or _norm(b)))


def _norm(v: dict[str, float]) -> float:
    return math.sqrt(sum(w * w for w in v.values()))


def _score(sentences: list[Sentence], title: str, family: str) -> list[float]:
    document: Counter = Counter()
    for s in sentences:
        document.update(s.vector)
    title_vector = dict(Counter(_tokens(title, family))) if title.strip() else {}
    document_norm = _norm(document)
    scores = []
    for s in sentences:
        score = 1 / (1 + s.index) + CENTRALITY_WEIGHT * _cosine(s.vector, document, document_norm)
        score += TITLE_WEIGHT * _cosine(s.vector, title_vector)
        scores.append(score)
    return scores


def _summary_worthy(s: Sentence, family: str) -> bool:
    """Questions, fragments and unterminated lines (headings, menus, labels) are poor summaries."""
    text = s.text.rstrip(CLOSERS + " ")
    return s.length >= MIN_SUMMARY_LENGTH[family] and text.endswith(_STATEMENT_ENDS)


_STATEMENT_ENDS = (".", "!", "。", "！", "；", ";", "…", "．")


def _budget(sentences: list[Sentence], family: str) -> float:
    return BUDGET_FACTOR[family] * math.sqrt(sum(s.length for s in sentences))


def _ranked(sentences: list[Sentence], scores: list[float]) -> list[Sentence]:
    return [sentences[i] for i in sorted(range(len(sentences)), key=lambda i: (-scores[i], i))]


def _select_summary(sentences: list[Sentence], scores: list[float], budget: float, family: str) -> list[Sentence]:
    """Best sentences until the budget is reached, never one that would pass OVERSHOOT x budget."""
    ranked = _ranked(sentences, scores)
    chosen: list[Sentence] = []
    total = 0
    for s in [s for s in ranked if _summary_worthy(s, family)] or ranked[:1]:
        if total >= budget:
            break
        if chosen and total + s.length > OVERSHOOT * budget:
            continue
        if any(_cosine(s.vector, c.vector) > REDUNDANT_COSINE for c in chosen):
            continue
        chosen.append(s)
        total += s.length
    return chosen


def _select_key_points(
    sentences: list[Sentence], scores: list[float], chosen: list[Sentence], family: str
) -> tuple[str, ...]:
    """The best-scoring remaining statements, none close to the summary or to each other."""
    taken = {s.index for s in chosen}
    candidates = [s for s in _ranked(sentences, scores) if s.index not in taken and _summary_worthy(s, family)]
    wanted = min(MAX_KEY_POINTS, max(MIN_KEY_POINTS, round(math.sqrt(len(sentences)))))
    points: list[Sentence] = []
    for s in candidates:
        if len(points) < wanted and not any(
            _cosine(s.vector, t.vector) > REDUNDANT_COSINE for t in [*chosen, *points]
        ):
            points.append(s)
    if len(points) < MIN_KEY_POINTS:  # too few distinct statements: relax the redundancy rule
        points += [s for s in candidates if s not in points][: MIN_KEY_POINTS - len(points)]
    return tuple(_shorten(s.text, family) for s in sorted(points, key=lambda s: s.index))


# Where a long key point may be cut: Chinese clauses after ，；：, English only at ; : and dashes
# (an English comma too often leaves a dangling participle or subordinate clause).
_CLAUSE_END_RE = {"zh": re.compile(r"[，；：,;:]"), "en": re.compile(r"[;:](?=\s)|\s[-–—]+\s")}


def _shorten(text: str, family: str) -> str:
    """A long sentence becomes its longest leading run of clauses within KEY_POINT_MAX."""
    limit = KEY_POINT_MAX[family]
    if text_length(text) <= limit:
        return text
    best = text
    for m in _CLAUSE_END_RE[family].finditer(text):
        head = text[: m.start()].rstrip()
        if text_length(head) > limit:
            break
        if text_length(head) >= limit // 2 and _balanced(head):
            best = head + "…"
    return best


# A short parenthetical aside: unit conversions, stock codes, "(pronounced kee-ahs)".
_ASIDE_RE = re.compile(r"\s*[（(][^（）()]{1,40}[）)]")


def _drop_asides(text: str) -> str:
    """The summary leaves out parenthetical asides; key points keep the full sentence."""
    return _ASIDE_RE.sub("", text).strip() or text


_PAIRS = ("「」", "『』", "“”", "‘’", "（）", "()", "《》", "【】", "[]")


def _balanced(text: str) -> bool:
    """No quote or bracket left open: a cut inside 「…」 would leave it dangling."""
    return all(text.count(a) == text.count(b) for a, b in _PAIRS) and text.count('"') % 2 == 0

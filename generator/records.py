"""Frozen records handed from one pipeline stage to the next.

discover -> Source -> extract -> Article -> summarize -> Summary
                                         -> classify  -> topics (TopicScore)
          all three -> Processed (the record cache keeps it) -> Head (it without the text)
Heads -> dedupe -> summaries (content/summaries/*.md) -> Entry (what the site shows) -> render/feed -> OutputFile
"""

from __future__ import annotations

import hashlib
import re
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path

BLOCK_KINDS = ("heading", "paragraph", "quote", "list_item")
# A stored lead image's name, as Article.image holds it once the cache kept its bytes (cache.py
# store_image), the summary files keep it and the site serves it: 128 bits of the bytes' sha256.
IMAGE_NAME_RE = re.compile(r"images/[0-9a-f]{32}\.jpg")


def image_name(data: bytes) -> str:
    """The stored name of a lead image with these bytes (IMAGE_NAME_RE)."""
    return f"images/{hashlib.sha256(data).hexdigest()[:32]}.jpg"


@dataclass(frozen=True)
class Source:
    """One saved article file, read once at the boundary."""

    path: Path  # absolute path on disk
    rel: str  # path relative to content/articles, POSIX separators
    kind: str  # "html" | "mhtml" | "text" | "markdown"
    sha256: str  # hex, of the raw bytes
    data: bytes | None  # None: not read, its sha256 was known from an unchanged stat (see read())
    mtime_ns: int = 0  # when the file was last saved (orders two saves of one story)
    stat: tuple[int, int, int] = ()  # (size, mtime_ns, inode) taken before the bytes were read

    def read(self) -> bytes:
        """The raw bytes: those discover read, or the file read now, checked against its sha256."""
        if self.data is not None:
            return self.data
        data = self.path.read_bytes()
        if hashlib.sha256(data).hexdigest() != self.sha256:
            raise ValueError("the file changed during the build; the next build picks it up")
        return data


@dataclass(frozen=True)
class Block:
    kind: str  # one of BLOCK_KINDS
    text: str


@dataclass(frozen=True)
class Extracted:
    """What one extractor (HTML, text dump, markdown) finds in a decoded document.

    `language` is None when the extractor cannot tell; the dispatcher then detects it from the body.
    """

    title: str
    blocks: tuple[Block, ...]
    published: str | None = None  # ISO 8601 date or datetime: when the outlet published it
    saved: str | None = None  # ISO 8601: when the person saved it (the saving tool's record)
    author: str | None = None
    site_name: str | None = None
    url: str | None = None
    language: str | None = None
    section: str | None = None
    tags: tuple[str, ...] = ()
    captions: tuple[str, ...] = ()
    image: str | None = None  # the lead image the saved file holds, as a JPEG data URI (extract/images.py)


@dataclass(frozen=True)
class ArticleMeta:
    """What extraction finds out about a saved page besides its text: all the site shows of it."""

    source: str  # Source.rel
    sha256: str  # Source.sha256
    title: str
    published: str | None  # ISO 8601 date or datetime: when the outlet published it (None: unknown)
    author: str | None
    site_name: str | None
    url: str | None
    language: str  # BCP 47: zh-Hant, zh-Hans, en, ...
    section: str | None = None
    tags: tuple[str, ...] = ()
    saved: str | None = None  # ISO 8601: when the person saved it, from the saving tool (None: unknown)
    # the lead image: a JPEG data URI as extracted, then "images/<sha256>.jpg" once the cache stored it
    image: str | None = None


@dataclass(frozen=True)
class Article(ArticleMeta):
    """What extraction makes of a saved page: its metadata and its text."""

    captions: tuple[str, ...] = ()
    blocks: tuple[Block, ...] = ()

    @property
    def text(self) -> str:
        return "\n\n".join(b.text for b in self.blocks)

    @property
    def paragraphs(self) -> tuple[str, ...]:
        return tuple(b.text for b in self.blocks if b.kind != "heading")

    def meta(self) -> ArticleMeta:
        """The article without its text (blocks, captions)."""
        return ArticleMeta(**{f.name: getattr(self, f.name) for f in fields(ArticleMeta)})


@dataclass(frozen=True)
class Summary:
    summary: str
    key_points: tuple[str, ...]
    language: str


@dataclass(frozen=True)
class TopicScore:
    slug: str
    score: float
    matches: tuple[str, ...]  # the aliases that matched, as written in site.toml
    assigned: bool
    reason: str = ""  # why a score at or above the threshold was not assigned ("" otherwise)


@dataclass(frozen=True)
class Processed:
    """Everything the per-article stage (articles/process.py) makes of one saved file, its text
    included: what the record cache keeps. Past that stage a build holds its Head."""

    article: Article
    summary: Summary
    topics: tuple[str, ...]  # assigned topic slugs, in site.toml order
    sources: tuple[str, ...]  # the saved file the record was made from
    signature: Sequence[int]  # near-duplicate signature of the body (dedupe.body_signature)
    minutes: int  # reading time of the article, in minutes
    rules: str  # fingerprint of the topic rules `topics` were assigned with

    def head(self) -> Head:
        """The record without the article's text, its signature packed."""
        return Head(article=self.article.meta(), summary=self.summary, topics=self.topics, sources=self.sources,
                    signature=packed_signature(self.signature), minutes=self.minutes, rules=self.rules)


@dataclass(frozen=True)
class Head:
    """A processed article without its text: all the rest of a build needs of it (collapsing
    duplicates, its summary file, its pages). The cache's heads file holds these, so a build holds
    no article text; the full record (Processed) is read only where the text is needed (topics
    assigned again, topic corrections learned)."""

    article: ArticleMeta
    summary: Summary
    topics: tuple[str, ...]  # assigned topic slugs, in site.toml order
    sources: tuple[str, ...]  # every saved file of this article (duplicates collapse into one)
    # near-duplicate signature of the body as an array('I'/'Q'): 4 bytes a value where a tuple of
    # ints takes 36 (45 MiB of a 10,000-article build's memory)
    signature: Sequence[int]
    minutes: int  # reading time of the article, in minutes
    rules: str  # fingerprint of the topic rules `topics` were assigned with
    saved_ns: int = 0  # Source.mtime_ns of this build's file (orders two saves of one story); never stored


def packed_signature(numbers: Sequence[int]) -> array:
    """A signature as an array of 32-bit values (64-bit if one needs it): how heads hold them."""
    return array("I" if all(0 <= n <= 0xFFFFFFFF for n in numbers) else "Q", numbers)


@dataclass(frozen=True)
class Entry:
    """One article as the site shows it: from its summary file in content/summaries/."""

    slug: str
    id: str  # feed item id, minted once and kept in the summary file
    title: str
    summary: str  # markdown
    key_points: tuple[str, ...]
    topics: tuple[str, ...]
    language: str
    published: str | None  # when the outlet published it; None: unknown, and shown as nothing
    author: str | None
    site_name: str | None  # the outlet's name as the page gives it (og:site_name, publisher)
    url: str | None  # the original article's address (None: unknown, no "Read the original")
    source: str
    sources: tuple[str, ...] = ()
    edited: bool = False  # a person edited the summary file
    reading_minutes: int = 1
    saved: str | None = None  # when the person saved it (orders undated articles; Atom's updated)
    outlet: str | None = None  # the outlet as the site names it (outlets.py): brand, table or domain
    section: str | None = None
    tags: tuple[str, ...] = ()
    image: str | None = None  # "images/<sha256>.jpg": the lead image, served from the site (og:image)
    story: str | None = None  # the id of the story it reports (stories/stage.py); None: none decided
    # of its saved file, as its summary file records it: the story store's key, and no page shows it
    # (out of repr, so out of every page's key: an article saved again unchanged renders nothing)
    sha256: str = field(default="", repr=False, compare=False)


@dataclass(frozen=True)
class StoryFigure:
    """A figure a story's articles give (a sum, a quantity, a rate, a date), as the first of them
    writes it, with that sentence, and every article that gives it (by slug)."""

    text: str
    sentence: str
    language: str
    kind: str
    slugs: tuple[str, ...]


@dataclass(frozen=True)
class StoryLink:
    """What a page that links a story shows of it: its id (its address) and headline. Only these, so
    that an article's page is not made again each time its story gains an article."""

    id: str
    headline: str
    language: str


@dataclass(frozen=True)
class Story:
    """One event or development as the site shows it: the articles that report it, across outlets,
    languages and scripts (stories/combine.py)."""

    id: str
    headline: str
    language: str  # of the headline
    summary: str  # markdown: the summary of the article the headline comes from
    summary_language: str
    key_points: tuple[tuple[str, str, str], ...]  # (point, its language, slug of its article)
    figures: tuple[StoryFigure, ...]
    slugs: tuple[str, ...]  # its articles, oldest first
    topics: tuple[str, ...]  # every topic of its articles, in site.toml order
    first: str | None  # the first and last publication dates (None: no article dated)
    last: str | None
    languages: tuple[str, ...]
    outlets: tuple[str, ...]
    # what its figures are made from (the sha256 of each article's file, and the story store's
    # key: the code that finds figures): the figures are found only for a page to be made
    made_from: tuple[str, ...] = ()

    @property
    def link(self) -> StoryLink:
        return StoryLink(self.id, self.headline, self.language)


@dataclass(frozen=True)
class OutputFile:
    path: str  # relative to the output folder, POSIX separators
    data: bytes | None  # None: unchanged since the last build, keep the file in the output folder


@dataclass
class BuildReport:
    """What a build did; the CLI prints it as one line."""

    articles: int = 0
    cached: int = 0
    merged: int = 0  # saved files folded into another article as duplicates
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    written: int = 0
    unchanged: int = 0
    removed: int = 0
    seconds: float = 0.0
    # digest serve: what is left to do once open pages were told to reload (search index, state)
    epilogue: object = None
    changed: tuple[str, ...] | None = None  # output files written or removed (None: all of them)
    summary_of: dict = field(default_factory=dict)  # digest serve: saved file -> its summary file

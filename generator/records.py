"""Frozen records handed from one pipeline stage to the next.

discover -> Source -> extract -> Article -> summarize -> Summary
                                         -> classify  -> topics (TopicScore)
summaries (content/summaries/*.md) -> Entry (what the site shows) -> render/feed -> OutputFile
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

BLOCK_KINDS = ("heading", "paragraph", "quote", "list_item")


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
        import hashlib

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
class Article:
    """What extraction makes of a saved page."""

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
    captions: tuple[str, ...] = ()
    blocks: tuple[Block, ...] = ()
    saved: str | None = None  # ISO 8601: when the person saved it, from the saving tool (None: unknown)
    # the lead image: a JPEG data URI as extracted, then "images/<sha256>.jpg" once the cache stored it
    image: str | None = None

    @property
    def text(self) -> str:
        return "\n\n".join(b.text for b in self.blocks)

    @property
    def paragraphs(self) -> tuple[str, ...]:
        return tuple(b.text for b in self.blocks if b.kind != "heading")


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
    """An article with what the generator made of it: the input of the summaries store."""

    article: Article
    summary: Summary
    topics: tuple[str, ...]  # assigned topic slugs, in site.toml order
    sources: tuple[str, ...] = ()  # every saved file of this article (duplicates collapse into one)
    # near-duplicate signature of the body (dedupe.body_signature); an array('I'/'Q') when read from
    # the cache's heads file (a tenth of the memory)
    signature: Sequence[int] = ()
    saved_ns: int = 0  # Source.mtime_ns of the file this record was made from
    rules: str = ""  # fingerprint of the topic rules `topics` were assigned with
    minutes: int = 0  # reading time of the article, in minutes (0: not computed)


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

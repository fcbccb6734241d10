"""Export entries -> articles: those with text written at once as clipper markdown, the rest
(URL only) fetched through add when asked, else counted and listed.

An entry with text becomes `<slug>.md` with the front matter the reader takes (title, source,
author, published, created, tags) and its text; it is extracted as the build will extract it
before it is written, and skipped when its address or its text is already saved.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.errors import SourceError
from generator.ingest.add import Outcome, keep
from generator.ingest.imports import Entry
from generator.ingest.library import Library
from generator.ingest.markdown import article_markdown, blocks_markdown, html_blocks, text_markdown
from generator.ingest.page import extract_bytes


@dataclass
class ImportReport:
    """What one export gave: the outcome of each entry with text (or already saved), and the
    URL-only entries not saved yet."""

    entries: int = 0
    outcomes: list[Outcome] = field(default_factory=list)
    url_only: list[Entry] = field(default_factory=list)
    unusable: int = 0  # entries with neither text nor an http(s) address


def entry_document(entry: Entry) -> bytes | None:
    """The markdown file for an entry that carries text; None when its text is empty."""
    if entry.markdown and entry.markdown.strip():
        body = entry.markdown.strip()
    elif entry.html and entry.html.strip():
        body = blocks_markdown(html_blocks(entry.html))
    else:
        body = text_markdown(entry.text or "")
    if not body.strip():
        return None
    meta = {"title": entry.title or None, "source": entry.url, "author": entry.author,
            "published": entry.published, "created": entry.saved, "tags": entry.tags}
    return article_markdown(meta, body)


def import_entries(entries: list[Entry], library: Library) -> ImportReport:
    """Write the entries that carry text; collect the URL-only ones (in the export's order)."""
    report = ImportReport(entries=len(entries))
    for entry in entries:
        data = entry_document(entry) if entry.has_text else None
        if data is None:
            known = library.known_url(entry.url, *entry.aliases) if entry.url else None
            if known:
                report.outcomes.append(Outcome(entry.url, "known", known.rel, known.how))
            elif entry.url:
                report.url_only.append(entry)
            else:
                report.unusable += 1
            continue
        report.outcomes.append(_write(entry, data, library))
    return report


def _write(entry: Entry, data: bytes, library: Library) -> Outcome:
    label = entry.url or entry.title or "(untitled)"
    known = library.known_url(entry.url, *entry.aliases)
    if known:
        return Outcome(label, "known", known.rel, known.how)
    try:
        article = extract_bytes(data, "import.md", "markdown")
    except SourceError as exc:
        return Outcome(label, "failed", exc.reason, permanent=True)
    return keep(library, label, data, article, ".md", [entry.url, *entry.aliases])


def _n(count: int, word: str) -> str:
    return f"{count} {word if count == 1 else word + 's'}"


def report_line(name: str, kind: str, report: ImportReport) -> str:
    """`pocket.csv: Pocket CSV, 120 entries: 3 saved, 2 already saved, 115 without text`."""
    counts = {s: sum(o.status == s for o in report.outcomes) for s in ("saved", "known", "failed")}
    parts = [f"{counts['saved']} saved" if counts["saved"] else "",
             f"{counts['known']} already saved" if counts["known"] else "",
             f"{counts['failed']} failed" if counts["failed"] else "",
             f"{len(report.url_only)} without text" if report.url_only else "",
             f"{report.unusable} with neither text nor address" if report.unusable else ""]
    return f"{name}: {kind}, {_n(report.entries, 'entry').replace('entrys', 'entries')}: " + \
        (", ".join(p for p in parts if p) or "nothing to import")

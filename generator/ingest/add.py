"""URLs -> pages saved into content/articles/, as `digest add` (and import --fetch, collect) do it.

Per URL: an address already saved is reported without a request; otherwise the page is fetched
(fetch.py), decoded, marked and extracted (page.py), and written unless the library knows its
final or canonical address or a near-duplicate of its text. Many URLs run on a few threads, one
per host at a time (HostGate): bounded concurrency, one connection per host, `delay` seconds
between two requests to one host. Outcomes come back in the order the URLs were given.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator

from generator.articles.dedupe import body_signature
from generator.errors import SourceError
from generator.articles.extract.decode import UndecodableError
from generator.records import Article
from generator.ingest.fetch import FetchError, HostGate, Limits, check_address, fetch, server_key
from generator.ingest.defaults import WORKERS
from generator.ingest.library import Known, Library
from generator.ingest.page import Prepared, prepare_page



@dataclass(frozen=True)
class Outcome:
    url: str
    status: str  # "saved", "known" (already saved), "skipped" (not wanted: collect), "failed"
    detail: str  # the file written or matched (relative to the articles folder), or the reason
    how: str = ""  # for "known": "address" or "text"
    permanent: bool = False  # for "failed": trying again later will not help
    article: Article | None = None


def _known(url: str, known: Known) -> Outcome:
    return Outcome(url, "known", known.rel, known.how)


def keep(library: Library, url: str, data: bytes, article: Article, suffix: str, urls: Iterable[str | None],
         accept: Callable[[Article], str | None] | None = None) -> Outcome:
    """Write one extracted document unless it is already saved (address or text) or not wanted.
    Under the library's lock: two pages of one batch that are one article are saved once."""
    sig = body_signature(article)
    with library._lock:
        known = library.known_url(*urls, article.url) or library.known_text(sig)
        if known:
            return _known(url, known)
        reason = accept(article) if accept else None
        if reason:
            return Outcome(url, "skipped", reason, article=article)
        rel = library.write(article.title, url, suffix, data, [*urls, article.url], sig)
    return Outcome(url, "saved", rel, article=article)


def add_one(url: str, library: Library, client, gate: HostGate, limits: Limits = Limits(),
            accept: Callable[[Article], str | None] | None = None) -> Outcome:
    url = url.strip()
    problem = check_address(url)
    if problem:
        return Outcome(url, "failed", problem, permanent=True)
    known = library.known_url(url)
    if known:
        return _known(url, known)
    try:
        with gate.turn(url):
            page = fetch(client, url, "html", limits)
        known = library.known_url(page.final_url)
        if known:
            return _known(url, known)
        prepared: Prepared = prepare_page(page.body, page.charset, url, page.final_url, page.fetched_at, "new.html")
    except FetchError as exc:
        return Outcome(url, "failed", exc.reason, permanent=exc.permanent)
    except UndecodableError as exc:
        return Outcome(url, "failed", str(exc), permanent=True)
    except SourceError as exc:
        return Outcome(url, "failed", exc.reason, permanent=True)
    except Exception as exc:  # an extractor's bug on a hostile page: that URL's line, the rest go on
        from generator.errors import failure_reason

        return Outcome(url, "failed", failure_reason(exc), permanent=True)
    return keep(library, url, prepared.data, prepared.article, ".html", [url, page.final_url], accept)


def add_urls(urls: list[str], library: Library, client, gate: HostGate, limits: Limits = Limits(),
             workers: int = WORKERS, accept: Callable[[Article], str | None] | None = None) -> Iterator[Outcome]:
    """add_one for each URL: up to `workers` hosts at once, each host's URLs one after another.
    Yields the outcomes in the order of `urls`, each as soon as it and those before it are done."""
    futures = [Future() for _ in urls]
    by_host: dict[str, list[int]] = {}
    for i, url in enumerate(urls):
        by_host.setdefault(server_key(url), []).append(i)

    def run_host(indexes: list[int]) -> None:
        for i in indexes:
            try:
                futures[i].set_result(add_one(urls[i], library, client, gate, limits, accept))
            except BaseException as exc:  # a bug: reported on its URL, the others go on
                futures[i].set_exception(exc)

    pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="digest-add")
    try:
        for indexes in by_host.values():
            pool.submit(run_host, indexes)
        for future in futures:
            yield future.result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def outcome_line(outcome: Outcome, shown: Callable[[str], str]) -> str:
    """The one line a person reads about one URL."""
    if outcome.status == "saved":
        return f"{outcome.url}: saved as {shown(outcome.detail)}"
    if outcome.status == "known":
        how = "same address" if outcome.how == "address" else "same article"
        return f"{outcome.url}: already saved as {shown(outcome.detail)} ({how})"
    return f"{outcome.url}: {outcome.detail}"

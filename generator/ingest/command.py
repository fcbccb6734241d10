"""The `add`, `import`, `collect` and `sources` subcommands: arguments in, one line per item out.

cli.py calls register(subparsers) once; each subcommand's func is run(args), which returns the
exit status. Lines about what was saved go to standard output, failures to standard error, each
`what: reason` on one line.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path

from generator.ingest.defaults import ADD_DELAY, WORKERS

COMMANDS = ("add", "import", "collect", "sources")


def register(subparsers) -> None:
    a = subparsers.add_parser("add", help="fetch pages and save them into the articles folder")
    a.add_argument("urls", nargs="+", metavar="URL")
    _common(a, fetching=True)
    i = subparsers.add_parser("import", help="import read-later and bookmark exports (Wallabag, Karakeep, "
                                             "Omnivore, Pocket, Instapaper, Readwise Reader, browser bookmarks)")
    i.add_argument("files", nargs="+", metavar="FILE")
    i.add_argument("--fetch", action="store_true", help="fetch the entries that carry no text (as `add` does)")
    _common(i, fetching=True)
    c = subparsers.add_parser("collect", help="save the new entries of site.toml's [[sources]] feeds")
    c.add_argument("--source", action="append", metavar="NAME", help="only this source (repeatable)")
    _common(c, fetching=False)
    s = subparsers.add_parser("sources", help="manage [[sources]]: import a feed reader's OPML")
    s.add_argument("--import-opml", required=True, metavar="FILE", help="print [[sources]] for the OPML's feeds")
    s.add_argument("--append", action="store_true", help="append them to site.toml instead of printing them")
    s.add_argument("--config", default="site.toml")
    for p in (a, i, c, s):
        p.set_defaults(func=run)


def _common(p, fetching: bool) -> None:
    p.add_argument("--config", default="site.toml")
    p.add_argument("--timeout", type=float, default=None, metavar="S", help="read timeout in seconds (default 20)")
    if fetching:
        p.add_argument("--workers", type=int, default=WORKERS, metavar="N", help=f"hosts at once (default {WORKERS})")
        p.add_argument("--delay", type=float, default=ADD_DELAY, metavar="S",
                       help=f"seconds between two requests to one host (default {ADD_DELAY:g})")


def run(args) -> int:
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return {"add": _add, "import": _import, "collect": _collect, "sources": _sources}[args.command](args)


def _shown(text: str) -> str:
    from generator.errors import shown

    return shown(text)


def _limits(args, named=()):
    """The fetch limits; `named`: the addresses the person gave, whose hosts may be private."""
    from urllib.parse import urlsplit

    from generator.ingest.fetch import Limits

    trusted = frozenset(h for h in ((urlsplit(u).hostname or "").lower().rstrip(".") for u in named) if h)
    return Limits(read_timeout=args.timeout, trusted=trusted) if args.timeout else Limits(trusted=trusted)


def _open(args, topics: bool = False):
    from generator.config import load_config
    from generator.ingest.library import Library

    config = load_config(Path(args.config), topics=topics)
    return config, Library(config.articles_dir, config.cache_dir).load()


def _where(config, rel: str) -> str:
    """The file as the person can open it: relative to the current folder when it is inside it."""
    path = config.articles_dir / rel
    try:
        shown = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if shown.startswith("..") else shown


def _print_outcome(config, outcome) -> None:
    from generator.ingest.add import outcome_line

    line = outcome_line(outcome, lambda rel: _shown(_where(config, rel)))
    print(_shown(line), file=sys.stderr if outcome.status == "failed" else sys.stdout, flush=True)


def _fetch_all(config, library, urls: list[str], args) -> list:
    from generator.ingest.add import add_urls
    from generator.ingest.fetch import HostGate, make_client

    outcomes = []
    with make_client(config.base_url, _limits(args), connections=max(1, args.workers)) as client:
        for outcome in add_urls(urls, library, client, HostGate(max(0.0, args.delay)), _limits(args, urls),
                                workers=max(1, args.workers)):
            _print_outcome(config, outcome)
            outcomes.append(outcome)
            if len(outcomes) % 20 == 0:
                library.save()  # a long batch that is stopped keeps what it saved in the index
    library.save()
    return outcomes


def _summary(outcomes: list) -> str:
    saved = sum(o.status == "saved" for o in outcomes)
    known = sum(o.status == "known" for o in outcomes)
    failed = sum(o.status == "failed" for o in outcomes)
    return f"{saved} saved, {known} already saved, {failed} failed"


def _add(args) -> int:
    started = time.monotonic()
    config, library = _open(args)
    outcomes = _fetch_all(config, library, list(args.urls), args)
    print(f"Added {len(outcomes)} {'page' if len(outcomes) == 1 else 'pages'}: {_summary(outcomes)} "
          f"in {time.monotonic() - started:.2f} s ({max(1, args.workers)} hosts at once)")
    return 1 if any(o.status == "failed" for o in outcomes) else 0


def _import(args) -> int:
    from generator.ingest.importer import import_entries, report_line
    from generator.ingest.imports import ExportError, read_export

    config, library = _open(args)
    bad = False
    url_only = []
    for name in args.files:
        try:
            kind, entries = read_export(Path(name))
        except ExportError as exc:
            print(f"{_shown(name)}: {exc}", file=sys.stderr)
            bad = True
            continue
        report = import_entries(entries, library)
        library.save()
        for outcome in report.outcomes:
            _print_outcome(config, outcome)
        bad = bad or any(o.status == "failed" for o in report.outcomes)
        print(_shown(report_line(name, kind, report)))
        url_only += report.url_only
    if url_only and args.fetch:
        outcomes = _fetch_all(config, library, [e.url for e in url_only], args)
        print(f"Fetched {len(outcomes)} entries without text: {_summary(outcomes)}")
        bad = bad or any(o.status == "failed" for o in outcomes)
    elif url_only:
        print(f"{len(url_only)} {'entry' if len(url_only) == 1 else 'entries'} without text, not fetched "
              "(`digest import --fetch` fetches them):")
        for e in url_only:
            print(f"  {_shown(e.url)}" + (f"  {_shown(e.title)}" if e.title else ""))
    return 1 if bad else 0


def _collect(args) -> int:
    from generator.ingest.collect import CollectState, collect_source, report_line
    from generator.ingest.fetch import make_client

    started = time.monotonic()
    config, library = _open(args, topics=True)
    sources = [s for s in config.sources if not args.source or s.name in args.source]
    if not sources:
        print("Nothing to collect: no [[sources]] in site.toml" + (" by those names" if args.source else ""))
        return 2 if args.source else 0
    state = CollectState(config.cache_dir).load()
    failed = False
    saved = 0
    with make_client(config.base_url, _limits(args), connections=2) as client:
        for source in sources:
            report = collect_source(source, config.topics, library, client, state, _limits(args, [source.feed]))
            for outcome in report.outcomes:
                if outcome.status == "failed":
                    _print_outcome(config, outcome)
            state.save()
            library.save()
            line = _shown(report_line(report))
            print(line, file=sys.stderr if report.status == "failed" else sys.stdout, flush=True)
            failed = failed or report.status == "failed"
            saved += report.count("saved")
    print(f"Collected {len(sources)} {'source' if len(sources) == 1 else 'sources'}: {saved} saved "
          f"in {time.monotonic() - started:.2f} s")
    return 1 if failed else 0


def _sources(args) -> int:
    from generator.config import load_config
    from generator.errors import ConfigError
    from generator.ingest.opml import OpmlError, read_opml, sources_toml

    try:
        subscriptions = read_opml(Path(args.import_opml).read_bytes())
    except OSError as exc:
        print(f"{_shown(args.import_opml)}: cannot read: {exc.strerror or exc}", file=sys.stderr)
        return 1
    except OpmlError as exc:
        print(f"{_shown(args.import_opml)}: {exc}", file=sys.stderr)
        return 1
    config_path = Path(args.config)
    try:
        have = {s.feed for s in load_config(config_path, topics=False).sources} if config_path.exists() else set()
    except ConfigError:
        have = set()
    fresh = [s for s in subscriptions if s.feed not in have]
    text = sources_toml(fresh)
    note = f" ({len(subscriptions) - len(fresh)} already in {config_path.name})" if len(fresh) < len(subscriptions) else ""
    if not args.append:
        sys.stdout.write(text)
        print(f"# {len(fresh)} feeds from {args.import_opml}{note}", file=sys.stderr)
        return 0
    if fresh:
        with open(config_path, "a", encoding="utf-8") as out:
            out.write(f"\n# Feeds imported from {Path(args.import_opml).name} by `digest sources --import-opml`\n")
            out.write(text)
    print(f"Appended {len(fresh)} [[sources]] to {config_path}{note}")
    load_config(config_path, topics=False)  # the file still reads (a ConfigError here is shown by cli)
    return 0

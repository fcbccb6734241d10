"""The `digest` command: argv, logging and exit codes; the work is done by the stages."""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
from dataclasses import asdict
from pathlib import Path

from generator.errors import ConfigError, DigestError, shown

log = logging.getLogger("digest")


def counted(n: int, noun: str) -> str:
    """"1 article", "2 articles": the build line speaks English."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"




def _setup_logging(verbose: bool) -> None:
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO, format="%(message)s", stream=sys.stderr)
    for noisy in ("trafilatura", "htmldate", "charset_normalizer", "readability", "urllib3", "markdown_it",
                  "watchdog"):
        logging.getLogger(noisy).setLevel(logging.ERROR)


def _load_sources(files: list[str]):
    """Sources for files named on the command line; prints `file: reason` for unusable ones."""
    from generator.articles.discover import read_source

    for name in files:
        path = Path(name)
        result = read_source(path, path.parent) if path.is_file() else "no such file"
        if isinstance(result, str):
            print(f"{shown(name)}: {result}", file=sys.stderr)
            yield name, None
        else:
            yield name, result


def _each_article(files: list[str], failed: list[str]):
    """(file, Article) for each file that extracts; the others are printed and added to `failed`."""
    from generator.articles.extract import extract_article
    from generator.errors import failure_reason

    for name, source in _load_sources(files):
        if source is None:
            failed.append(name)
            continue
        try:
            yield name, extract_article(source)
        except Exception as exc:
            log.debug("%s: traceback", name, exc_info=True)
            print(f"{shown(name)}: {failure_reason(exc)}", file=sys.stderr)
            failed.append(name)


def _emit(obj: dict, as_json: bool, human) -> None:
    if as_json:
        print(json.dumps(obj, ensure_ascii=False))
    else:
        human(obj)


def cmd_extract(args) -> int:
    failed: list[str] = []
    for name, a in _each_article(args.files, failed):
        obj = {"file": name, "title": a.title, "published": a.published, "saved": a.saved, "author": a.author,
               "site_name": a.site_name, "url": a.url, "language": a.language, "section": a.section,
               "tags": list(a.tags), "captions": list(a.captions),
               "blocks": [asdict(b) for b in a.blocks], "text": a.text}
        _emit(obj, args.json, _print_extract)
    return 1 if failed else 0


def _print_extract(o: dict) -> None:
    print(f"== {o['file']}")
    for key in ("title", "published", "saved", "author", "site_name", "url", "language", "section"):
        print(f"{key:>10}: {o[key] if o[key] is not None else '-'}")
    print(f"{'tags':>10}: {', '.join(o['tags']) or '-'}")
    for c in o["captions"]:
        print(f"{'caption':>10}: {c}")
    print()
    for b in o["blocks"]:
        print(f"## {b['text']}" if b["kind"] == "heading" else b["text"], end="\n\n")


def cmd_summarize(args) -> int:
    from generator.articles.summarize import summarize_article

    failed: list[str] = []
    for name, a in _each_article(args.files, failed):
        s = summarize_article(a)
        obj = {"file": name, "title": a.title, "language": a.language, "summary": s.summary,
               "key_points": list(s.key_points)}
        _emit(obj, args.json, lambda o: print(f"== {o['file']}\n{o['title']}\n\n{o['summary']}\n\n"
                                              + "\n".join(f"- {p}" for p in o["key_points"]) + "\n"))
    return 1 if failed else 0


def cmd_topics(args) -> int:
    from generator.articles.classify import classify_article, explain_article
    from generator.articles.classify.explain import explain_dict, explain_lines
    from generator.config import load_config

    config = load_config(Path(args.config))
    failed: list[str] = []
    for name, a in _each_article(args.files, failed):
        if args.explain:
            decisions = explain_article(a, config.topics)
            obj = {"file": name, "topics": [d.slug for d in decisions if d.assigned],
                   "explain": {d.slug: explain_dict(d) for d in decisions}}
            _emit(obj, args.json, lambda o: print("\n".join([f"== {o['file']}"]
                                                            + [line for d in decisions for line in explain_lines(d)])))
            continue
        scores = classify_article(a, config.topics)
        obj = {"file": name, "topics": [s.slug for s in scores if s.assigned],
               "scores": {s.slug: round(s.score, 3) for s in scores},
               "matches": {s.slug: list(s.matches) for s in scores},
               "reasons": {s.slug: s.reason for s in scores if s.reason}}
        _emit(obj, args.json, lambda o: _print_topics(o, scores))
    return 1 if failed else 0


def _print_topics(o: dict, scores) -> None:
    print(f"== {o['file']}")
    for s in scores:
        mark = "+" if s.assigned else " "
        print(f" {mark} {s.slug:<14} {s.score:7.2f}  {', '.join(s.matches) or '-'}")
        if s.reason:
            print(f"   {'':<14} {'':>7}  not assigned: {s.reason}")


def cmd_build(args) -> int:
    from generator.config import load_config
    from generator.incremental.state import unchanged_report

    base_url = args.base_url or os.environ.get("SITE_URL") or None
    # The no-op check needs the folders, not the topic rules (compiling them was half its time).
    report = None if args.force else unchanged_report(load_config(Path(args.config), base_url, topics=False))
    built = report is None
    if built:
        from generator.pipeline import build

        report = build(load_config(Path(args.config), base_url=base_url))
    for name, reason in report.skipped:
        print(f"{shown(name)}: skipped: {reason}", file=sys.stderr)
    for name, message in report.warnings:
        print(f"{shown(name)}: warning: {message}", file=sys.stderr)
    if built:
        merged = (f", {report.merged} {'file' if report.merged == 1 else 'files'} merged as duplicates"
                  if report.merged else "")
        print(f"Built {counted(report.articles, 'article')} ({report.cached} cached{merged}), "
              f"{len(report.skipped)} skipped, {counted(report.written, 'page')} written, {report.unchanged} unchanged, "
              f"{report.removed} removed "
              f"in {report.seconds:.2f} s")
    else:
        print(f"Nothing changed since the last build: {counted(report.articles, 'article')}, {len(report.skipped)} skipped "
              f"(checked in {report.seconds:.2f} s; --force checks every file)")
    if args.strict and (report.skipped or report.warnings):
        print(f"--strict: {len(report.skipped)} skipped, {len(report.warnings)} warnings", file=sys.stderr)
        return 1
    return 0


def cmd_serve(args) -> int:
    from generator.serve.server import serve

    return serve(Path(args.config), port=args.port, base_url=args.base_url or os.environ.get("SITE_URL") or None)


def cmd_init(args) -> int:
    from generator.site.new import init_site, next_steps

    folder = Path(args.dir)
    written = init_site(folder, empty=args.empty, templates=args.templates)
    print(f"digest: a new site in {folder}: {', '.join(written)}")
    print(next_steps(folder))
    return 0


def make_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="digest", description="Static-site digest of saved news articles.")
    p.add_argument("-v", "--verbose", action="store_true", help="debug logging and tracebacks")
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="build the site into the output folder")
    b.add_argument("--config", default="site.toml")
    b.add_argument("--base-url", help="override site.base_url (also: SITE_URL)")
    b.add_argument("--strict", action="store_true", help="exit 1 when any file was skipped or warned about")
    b.add_argument("--force", action="store_true", help="check every input even when none changed since the last build")
    b.set_defaults(func=cmd_build)
    s = sub.add_parser("serve", help="build, serve on 127.0.0.1 and rebuild on changes")
    s.add_argument("--config", default="site.toml")
    s.add_argument("--base-url")
    s.add_argument("--port", type=int, default=8000)
    s.set_defaults(func=cmd_serve)
    i = sub.add_parser("init", help="start a new site: site.toml, content/, the Pages workflow")
    i.add_argument("dir", nargs="?", default=".", help="the new site's folder (made when missing)")
    i.add_argument("--empty", action="store_true", help="a blank topic skeleton instead of the example topics")
    i.add_argument("--templates", action="store_true", help="copy the templates, to customise them")
    i.set_defaults(func=cmd_init)
    for name, func, text in (("extract", cmd_extract, "show what is extracted from saved pages"),
                             ("summarize", cmd_summarize, "show the summary the site will show"),
                             ("topics", cmd_topics, "show topic probabilities and matched aliases")):
        c = sub.add_parser(name, help=text)
        c.add_argument("files", nargs="+")
        c.add_argument("--json", action="store_true", help="one JSON object per line")
        if name == "topics":
            c.add_argument("--config", default="site.toml")
            c.add_argument("--explain", action="store_true",
                           help="which entities, relations and passages carried each decision, and why")
        c.set_defaults(func=func)
    from generator.ingest.command import register as register_ingest  # add, import, collect, sources

    register_ingest(sub)
    from generator.stories.command import register as register_stories  # digest stories FILE…

    register_stories(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    _setup_logging(args.verbose)
    try:
        code = args.func(args)
        sys.stdout.flush()  # a closed pipe shows here, not at exit where Python would complain
        return code
    except BrokenPipeError:  # `digest extract ... | head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 128 + signal.SIGPIPE  # what the shell reports for a command ended by SIGPIPE
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    except DigestError as exc:
        print(f"digest: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug, not bad input: one line, the traceback with -v
        log.debug("traceback", exc_info=True)
        print(f"digest: unexpected {type(exc).__name__}: {exc} (run with -v for the traceback)", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())

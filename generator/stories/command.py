"""`digest stories FILE... [--json]`: group the given files into stories as the site would.

The human form lists each story (oldest first) with its articles (date, language, outlet,
headline, file), newest last; `--json` prints one object per line, {"file": ..., "story": ...}, in
the order the files were given. A file that cannot be read is one line on stderr (file: reason)
and the others are grouped; the exit status is then 1.

Wiring (cli.py): `stories.command.register(subparsers)`; the parser's default `func` is `run`.
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from pathlib import Path

from generator.stories import NEW, StoryItem, build_lexicon, default_params, group_stories, story_features


def register(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser("stories", help="group articles into stories: one event across outlets and languages")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--json", action="store_true", help="one JSON object per line: file and story id")
    p.add_argument("--config", default="site.toml",
                   help="site.toml whose [entities] add to the names table (default: ./site.toml, when present)")
    p.add_argument("--override", action="append", default=[], metavar="FILE=STORY",
                   help=f"put FILE in story STORY, or {NEW!r} for a story of its own (as a summary's `story:` does)")
    p.set_defaults(func=run)
    return p


def run(args) -> int:
    from generator.errors import shown

    failed: list[str] = []
    lexicon = build_lexicon(site_entities(Path(args.config), failed))
    articles = {}
    for name in dict.fromkeys(args.files):
        result = _read(name)
        if isinstance(result, str):
            print(f"{shown(name)}: {result}", file=sys.stderr)
            failed.append(name)
        else:
            articles[name] = result
    overrides, problems = parse_overrides(args.override)
    for problem in problems:
        print(problem, file=sys.stderr)
    items = [StoryItem(name, story_features(a, lexicon)) for name, a in articles.items()]
    stories = group_stories(items, default_params(lexicon), overrides)
    if args.json:
        for name in articles:
            print(json.dumps({"file": name, "story": stories[name]}, ensure_ascii=False))
    else:
        print_stories(articles, stories)
    return 1 if failed or problems else 0


def site_entities(path: Path, failed: list[str]) -> list:
    """The [entities] of a site.toml (none when the file is absent; a broken one is reported)."""
    from generator.articles.classify.entities import parse_entities

    if not path.is_file():
        return []
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        print(f"{path}: {exc}", file=sys.stderr)
        failed.append(str(path))
        return []
    entities, problems = parse_entities(data.get("entities"))
    for problem in problems:
        print(f"{path}: {problem}", file=sys.stderr)
    return list(entities.values())


def parse_overrides(values: list[str]) -> tuple[dict[str, str], list[str]]:
    """FILE=STORY arguments -> {file: story}, and a line for each one that is not of that form."""
    found, problems = {}, []
    for value in values:
        name, sep, story = value.rpartition("=")
        if not sep or not name or not story.strip():
            problems.append(f"--override {value!r}: expected FILE=STORY (a story id, or {NEW!r})")
        else:
            found[name] = story.strip()
    return found, problems


def _read(name: str):
    """The Article of a file, or the reason it cannot be used."""
    from generator.articles.discover import read_source
    from generator.articles.extract import extract_article
    from generator.errors import failure_reason

    path = Path(name)
    source = read_source(path, path.parent) if path.is_file() else "no such file"
    if isinstance(source, str):
        return source
    try:
        return extract_article(source)
    except Exception as exc:  # one bad file is one line; the others are grouped
        return failure_reason(exc)


def print_stories(articles: dict, stories: dict[str, str]) -> None:
    from generator.site.outlets import load_table, outlet_name

    table = load_table()
    members: dict[str, list[str]] = {}
    for name in articles:
        members.setdefault(stories[name], []).append(name)

    def when(name: str) -> str:
        return (articles[name].published or "")[:10]

    ordered = sorted(members.items(), key=lambda kv: (min(when(n) or "9999" for n in kv[1]), kv[0]))
    for story, names in ordered:
        names.sort(key=lambda n: (when(n) or "9999", n))
        languages = sorted({articles[n].language for n in names})
        print(f"== story {story}: {len(names)} article{'s' * (len(names) != 1)}, {', '.join(languages)}")
        for n in names:
            a = articles[n]
            outlet = outlet_name(a.url, a.site_name, a.language, table) or "-"
            print(f"  {when(n) or '----------'}  {a.language:<7}  {outlet}  {' '.join(a.title.split())[:80]}  ({n})")
        print()

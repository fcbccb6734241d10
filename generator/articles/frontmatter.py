"""YAML front matter: read it from markdown files, write it deterministically."""

from __future__ import annotations

import datetime as dt
import re

import yaml

# libyaml's C loader and dumper: the same YAML as the pure-Python ones at ~10x the speed (parsing
# every summary file was most of a no-op build's time); the pure-Python ones when it is missing.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

_FM_RE = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)(?:\r?\n)?^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S | re.M)


class FrontMatterError(ValueError):
    pass


def _plain(value):
    """YAML values as JSON-like data: dates become ISO strings."""
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def split_front_matter(text: str) -> tuple[dict, str]:
    """(metadata, body). A file without front matter has empty metadata."""
    m = _FM_RE.match(text)
    if not m:
        return {}, text
    try:
        data = yaml.load(m.group(1), Loader=_Loader) if m.group(1).strip() else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark else ""
        raise FrontMatterError(f"malformed front matter{where}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise FrontMatterError("front matter is not a mapping of keys to values")
    return _plain(data), text[m.end():]


def dump_yaml(meta: dict) -> str:
    """The YAML between the front matter's fences. Keys in the given order, Unicode kept, no line
    wrapping: stable bytes for stable input."""
    return yaml.dump(meta, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10_000, default_flow_style=False)


def front_matter(block: str, body: str) -> str:
    """A markdown file: the YAML block (dump_yaml's) between its fences, then the body."""
    return f"---\n{block}---\n\n{body.rstrip()}\n"

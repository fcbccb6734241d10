"""What cached results were made by: a hash of the source of the generator's modules that make them.

A cache is keyed by the code that fills it, so a changed generator never serves what older code
made; and by that code alone, so a change elsewhere in the package keeps it. The modules are found
by following the package's own imports (relative, or absolute under `generator.`, at any depth in
a function) from a few roots, read from their source text: no module is imported to find them.
"""

from __future__ import annotations

import functools
import hashlib
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent  # the generator package


def _file(module: str, package: Path = PACKAGE) -> Path | None:
    """The source file of a module of the package, by its dotted name under it ("extract.dump";
    "" is the package's own __init__)."""
    base = package.joinpath(*module.split(".")) if module else package
    for path in ((base.with_suffix(".py"),) if module else ()) + (base / "__init__.py",):
        if path.is_file():
            return path
    return None


def _parents(module: str) -> list[str]:
    """The packages whose __init__ runs when `module` is imported ("" is the package itself)."""
    parts = module.split(".") if module else []
    return [".".join(parts[:i]) for i in range(len(parts))]


# Import statements, found in the source text (ast.parse of the package took 0.2 s, a build's
# worth of waiting): `from .x import a, b` (names in parentheses may span lines) and `import pkg.x`.
# A line in a string that looks like one only adds a module: the fingerprint changes more often,
# never less.
_FROM_RE = re.compile(r"^[ \t]*from[ \t]+(\.*)([\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n#;]*)", re.M)
_IMPORT_RE = re.compile(r"^[ \t]*import[ \t]+([^\n#;]+)", re.M)
_NAME_RE = re.compile(r"\w+")


def _imported(module: str, path: Path, package: Path = PACKAGE) -> set[str]:
    """The package's modules that `module` (at `path`) imports, as dotted names under the package."""
    here = module.split(".") if module else []
    if path.name != "__init__.py":
        here = here[:-1]  # the package a relative import starts from
    name = package.name
    source = path.read_text(encoding="utf-8")
    found: set[str] = set(_parents(module))
    for m in _IMPORT_RE.finditer(source):
        for item in m.group(1).split(","):
            dotted = item.split(" as ")[0].strip()
            if dotted.startswith(name + "."):
                found.add(dotted[len(name) + 1:])
    for m in _FROM_RE.finditer(source):
        dots, dotted, names = len(m.group(1)), m.group(2), m.group(3)
        if dots:
            if dots - 1 > len(here):
                continue
            target = here[:len(here) - (dots - 1)] + (dotted.split(".") if dotted else [])
        elif dotted.split(".")[0] == name:
            target = dotted.split(".")[1:]
        else:
            continue
        found.add(".".join(target))
        # `from . import x`: x may be a module (an `as` name too, harmlessly: no such file)
        found.update(".".join([*target, n]) for n in _NAME_RE.findall(names))
    found.update(p for m in list(found) for p in _parents(m))
    return {m for m in found if _file(m, package) is not None}


def code_modules(*roots: str, package: Path = PACKAGE) -> list[str]:
    """The modules `roots` (dotted names under the package: "render", "extract") are made of:
    themselves and every module of the package they import, transitively, sorted."""
    todo, seen = list(roots), set()
    while todo:
        module = todo.pop()
        if module in seen or (path := _file(module, package)) is None:
            continue
        seen.add(module)
        todo.extend(_imported(module, path, package))
    return sorted(seen)


@functools.lru_cache(maxsize=None)
def code_fingerprint(*roots: str, package: Path = PACKAGE) -> str:
    """Hash of the source of code_modules(*roots). Kept for the process: the code that runs is the
    code it imported when it started."""
    h = hashlib.sha256()
    for module in code_modules(*roots, package=package):
        path = _file(module, package)
        h.update(path.relative_to(package).as_posix().encode() + b"\0")
        h.update(path.read_bytes())
    return h.hexdigest()

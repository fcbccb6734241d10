"""What keys the caches besides the content: the code that made a result, found by following the
package's imports (generator/fingerprint.py), so a changed generator re-does exactly what it makes."""

from __future__ import annotations

import ast

import generator.incremental.cache as cache
import generator.site.render as render
from generator.incremental.fingerprint import PACKAGE, _file, _imported, code_fingerprint, code_modules

from test_incremental import counted, fill  # noqa: F401  (a fixture, and the same small site)


def _ast_imports(module: str, path) -> set[str]:
    """The package's modules a module imports, as Python's own parser sees them (the reference the
    source-text scan is checked against)."""
    here = module.split(".") if module else []
    if path.name != "__init__.py":
        here = here[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_bytes())):
        if isinstance(node, ast.Import):
            found.update(a.name.partition(".")[2] for a in node.names if a.name.startswith("generator."))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                target = here[:len(here) - (node.level - 1)] + (node.module.split(".") if node.module else [])
            elif node.module and node.module.split(".")[0] == "generator":
                target = node.module.split(".")[1:]
            else:
                continue
            found.add(".".join(target))
            found.update(".".join([*target, a.name]) for a in node.names)
    return {m for m in found if m and _file(m) is not None}


def test_every_import_of_the_package_is_followed():
    modules = sorted(p.relative_to(PACKAGE).with_suffix("").as_posix().removesuffix("/__init__").replace("/", ".")
                     for p in PACKAGE.rglob("*.py"))
    assert "articles.extract.htmlx.score" in modules
    for module in modules:
        path = _file(module)
        assert _ast_imports(module, path) <= _imported(module, path), module


RECORDS_ROOTS = ("articles.process", "incremental.cache")  # cache.records_fingerprint's


def test_records_are_keyed_by_the_per_article_code_alone():
    made_by = set(code_modules(*RECORDS_ROOTS))
    assert {"articles.process", "incremental.cache", "articles.extract.htmlx.score", "articles.extract.dump.select",
            "articles.summarize", "articles.classify.text", "articles.dedupe", "articles.lang", "records"} <= made_by
    # what it must not hold: a new site.toml key, a template, a change to rendering, search, the
    # dev server or the build's bookkeeping re-extracts no article
    assert "config" not in made_by and "pipeline" not in made_by and "cli" not in made_by
    assert not {m for m in made_by if m.startswith(("site.", "serve.", "stories.", "ingest."))}
    assert not {"incremental.state", "incremental.pagecache", "incremental.workers"} & made_by


def test_pages_are_keyed_by_the_rendering_code_alone():
    made_by = set(code_modules("site.render"))
    assert {"site.render", "markup", "site.search"} <= made_by
    # no extraction, no record cache, no build state, no configuration code, no orchestrator:
    # editing state.py or cache.py, or the topic classifier, re-renders no page
    assert not {m for m in made_by if m.startswith(("articles.extract", "articles.classify", "serve."))}
    assert not {"incremental.state", "incremental.cache", "config", "pipeline", "cli"} & made_by


def test_the_package_has_no_import_cycle():
    from graphlib import CycleError, TopologicalSorter

    modules = sorted(p.relative_to(PACKAGE).with_suffix("").as_posix().removesuffix("/__init__").replace("/", ".")
                     for p in PACKAGE.rglob("*.py"))
    graph = {m: {d for d in _ast_imports(m, _file(m)) if d != m and not m.startswith(d + ".") and d != ""}
             for m in modules if m}
    try:
        list(TopologicalSorter(graph).static_order())
    except CycleError as exc:
        raise AssertionError(f"import cycle: {exc.args[1]}") from None


def test_a_fingerprint_follows_the_modules_imported_and_only_them(tmp_path):
    pkg = tmp_path / "toy"
    (pkg / "sub").mkdir(parents=True)
    files = {
        "__init__.py": "",
        "a.py": "from .b import thing\n",
        "b.py": "def thing():\n    from . import c  # imported late, still followed\n    return c\n",
        "c.py": "from .sub.e import (\n    y,\n)\n",
        "d.py": "VALUE = 1\n",
        "sub/__init__.py": "",
        "sub/e.py": "from .. import d as _unused_alias\ny = 2\n",
        "f.py": "X = 3\n",
    }
    for name, text in files.items():
        (pkg / name).write_text(text, encoding="utf-8")
    assert code_modules("a", package=pkg) == ["", "a", "b", "c", "d", "sub", "sub.e"]
    before = code_fingerprint.__wrapped__("a", package=pkg)
    (pkg / "f.py").write_text("X = 4\n", encoding="utf-8")
    assert code_fingerprint.__wrapped__("a", package=pkg) == before
    (pkg / "sub" / "e.py").write_text("from .. import d\ny = 3\n", encoding="utf-8")
    assert code_fingerprint.__wrapped__("a", package=pkg) != before


def test_changed_rendering_code_renders_every_page_and_digests_nothing(site, counted, monkeypatch):  # noqa: F811
    fill(site)
    site.build()
    before = site.files()
    rendered: list[str] = []
    real_page = render.render_page
    monkeypatch.setattr(render, "render_page", lambda env, config, spec, shared, views=None:
                        rendered.append(spec.path) or real_page(env, config, spec, shared, views))
    site.build()
    assert rendered == []  # nothing changed: nothing rendered
    counted.clear()
    real = render.code_fingerprint
    monkeypatch.setattr(render, "code_fingerprint", lambda *roots: "changed " + real(*roots))
    site.build()
    assert counted == []
    assert sorted(rendered) == sorted(p for p in before if p.endswith(".html"))
    assert site.files() == before  # the same code in truth: the same bytes


def test_changed_per_article_code_digests_every_article_again(site, counted, monkeypatch):  # noqa: F811
    fill(site)
    site.build()
    counted.clear()
    real = cache.code_fingerprint
    monkeypatch.setattr(cache, "code_fingerprint", lambda *roots: "changed " + real(*roots))
    site.build()
    assert sorted(counted) == ["aukus-submarines.md", "pension-reform.md", "world/short.md"]


def test_the_first_build_of_other_code_removes_the_records_older_code_made(site, counted, monkeypatch):  # noqa: F811
    fill(site)
    site.build()
    root = site.config().cache_dir

    def records() -> set:
        return {p.relative_to(root) for p in root.glob("[0-9a-f][0-9a-f]/*") if p.suffix in (".json", ".tmp")}

    first = records()
    assert len(first) == 3
    path = site.articles / "world" / "short.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Monday", "Friday"), encoding="utf-8")
    site.build()  # the same code: nothing removed, the edited article's old record included
    edited = records()
    assert first < edited and len(edited) == 4
    (root / "ab").mkdir(exist_ok=True)
    (root / "ab" / "left-by-a-killed-build.tmp").write_text("{", encoding="utf-8")
    real = cache.code_fingerprint
    monkeypatch.setattr(cache, "code_fingerprint", lambda *roots: "changed " + real(*roots))
    site.build()
    now = records()
    assert len(now) == 3 and not now & edited
    assert (root / "pages").is_dir() and (root / "search").is_dir()  # the other caches are not records


def _copy_of_the_package(tmp_path):
    import shutil

    copy = tmp_path / "generator"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def test_editing_the_build_state_code_changes_no_page_key_and_extraction_changes_the_records(tmp_path):
    copy = _copy_of_the_package(tmp_path)
    pages, records = (code_fingerprint.__wrapped__("site.render", package=copy),
                      code_fingerprint.__wrapped__(*RECORDS_ROOTS, package=copy))
    for name in ("incremental/state.py", "incremental/cache.py", "config.py", "pipeline.py"):
        with (copy / name).open("a", encoding="utf-8") as fh:
            fh.write("\n# edited\n")
    assert code_fingerprint.__wrapped__("site.render", package=copy) == pages
    records = code_fingerprint.__wrapped__(*RECORDS_ROOTS, package=copy)  # cache.py is the records' layout
    for name in ("config.py", "site/render.py", "site/outlets.py", "serve/server.py"):  # a new site.toml key's code
        with (copy / name).open("a", encoding="utf-8") as fh:
            fh.write("\n# edited again\n")
    assert code_fingerprint.__wrapped__(*RECORDS_ROOTS, package=copy) == records
    pages = code_fingerprint.__wrapped__("site.render", package=copy)
    with (copy / "articles" / "extract" / "markdown.py").open("a", encoding="utf-8") as fh:
        fh.write("\n# edited\n")
    assert code_fingerprint.__wrapped__(*RECORDS_ROOTS, package=copy) != records
    assert code_fingerprint.__wrapped__("site.render", package=copy) == pages


def test_a_new_site_toml_key_re_extracts_no_article(site, counted):
    fill(site)
    site.build()
    assert counted  # the first build extracted both
    counted.clear()
    with site.config_path.open("a", encoding="utf-8") as fh:
        fh.write('\n[outlets]\n"example.org" = { en = "Example" }\n')
    site.build()
    assert counted == []

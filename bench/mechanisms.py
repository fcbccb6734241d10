"""What each incremental mechanism saves: every cache, store and special write path of the build,
timed ON and OFF, side by side, on the build it exists for (issue 20: keep what a user notices).

    nice .venv/bin/python bench/mechanisms.py                          # N = 10,000 (about an hour on 2 cores)
    nice .venv/bin/python bench/mechanisms.py --size 200 --rounds 1    # a quick check of the harness
    nice .venv/bin/python bench/mechanisms.py --keep --kinds noop edit # some kinds; keep the folder
    nice .venv/bin/python bench/mechanisms.py --work /tmp/digest-mech-10000-x --kinds template  # reuse it

One corpus of saved pages (bench/build.py's generator) is built cold once; then, kind by kind, a
change is made (nothing, one article retitled, one article saved again unchanged, one summary
edited by hand, a template changed, the output folder deleted, a topic alias added) and the build
that follows is timed with everything ON and with one mechanism OFF, alternated (the order reversed
every round: this kind of machine's speed drifts), `--rounds` times each; the medians are printed.
Every build is a subprocess (bench/build.py's measure: wall, CPU with children, peak RSS).

A mechanism is turned OFF without touching generator/: a sitecustomize module on PYTHONPATH, which
every process of the build imports first (forkserver workers too), patches the module that holds it
when that module is imported (DIGEST_BENCH_OFF names the mechanism). Each patch prints one line
("bench-off: <name> used") the first time the build reaches it; a row whose OFF builds never
reached it is marked "not reached" (the build kind does not exercise the mechanism).
Nothing outside the work folder (a temporary folder unless --work) is touched.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
_spec = importlib.util.spec_from_file_location("bench_build", HERE / "build.py")
bb = importlib.util.module_from_spec(_spec)
sys.modules["bench_build"] = bb
_spec.loader.exec_module(bb)

# The patches, one per mechanism: (module, code run with the module as `m` right after it is
# imported). `hit(name)` prints the marker once. Each OFF is what the build would do without the
# mechanism, not a miss that still pays for the mechanism's own work.
SITECUSTOMIZE = r'''
import importlib.abc, importlib.util, os, sys

OFF = os.environ.get("DIGEST_BENCH_OFF", "")
_seen = set()


def hit(name):
    if name not in _seen:
        _seen.add(name)
        print(f"bench-off: {name} used", file=sys.stderr, flush=True)


def noop_check(m):  # no last-build.json signature check: every `digest build` runs the pipeline
    def unchanged_report(config):
        hit("noop-check")
        return None
    m.unchanged_report = unchanged_report


def heads(m):  # no heads file: an unchanged article's head comes from its record file
    def get(self, digest):
        hit("heads")
        return None
    def save(self, kept):
        self.replaced = False
    m.Heads.get, m.Heads.save = get, save


def stat_keys(m):  # no stat keys in the build state: every article file is read and hashed
    read_source = m.read_source
    def patched(path, root, known=None, rel=None):
        if known is not None:
            hit("stat-keys")
        return read_source(path, root, None, rel)
    m.read_source = patched


def summary_stats(m):  # no known stat of the summaries: every summary file is read and parsed
    load = m.load_summaries
    def patched(folder, known=None):
        if known:
            hit("summary-stats")
        return load(folder, None)
    m.load_summaries = patched


def page_cache(m):  # no page cache: pages whose file is missing are rendered
    def none(folder):
        hit("page-cache")
        return None
    m.PageCache = none


def output_unchanged(m):  # a build that changes no output byte stages and swaps the site anyway
    def never(*args, **kwargs):
        hit("output-unchanged")
        return False
    m.output_unchanged = never


def search_content(m):  # shards cached by their pages' render keys only: no content key, no page read
    def by_render_keys(site, shard, language, known=None):
        hit("search-content")
        return shard.key
    m.content_key = by_render_keys
    m._load_parts = lambda store: {}
    m._save_parts = lambda store, parts: None
    m._prune = lambda store, keys: None  # keeps the ON builds' bundles for the next ON trial


def renameat2(m):  # no RENAME_EXCHANGE: the two-rename path
    def exchange(a, b):
        hit("renameat2")
        return False
    m._exchange = exchange


def story_store(m):  # no story store: features and figures computed in each build that needs them
    def load(self):
        if self._rows is None:
            self._rows = {}
        return self._rows
    def get(self, sha256):
        hit("story-store")
        return self._decoded.get(sha256)
    m.StoryStore._load, m.StoryStore.get = load, get
    m.StoryStore.save = lambda self, keep: None


PATCHES = {
    "noop-check": ("generator.incremental.state", noop_check),
    "heads": ("generator.incremental.cache", heads),
    "stat-keys": ("generator.articles.discover", stat_keys),
    "summary-stats": ("generator.site.summaries", summary_stats),
    "page-cache": ("generator.pipeline", page_cache),
    "output-unchanged": ("generator.pipeline", output_unchanged),
    "search-content": ("generator.site.search", search_content),
    "renameat2": ("generator.site.write", renameat2),
    "story-store": ("generator.incremental.storystore", story_store),
}


class _After(importlib.abc.MetaPathFinder):
    """Runs `patch(module)` right after `name` is imported (its code executed)."""

    def __init__(self, name, patch):
        self.name, self.patch = name, patch

    def find_spec(self, fullname, path, target=None):
        if fullname != self.name:
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(fullname)
        run, patch = spec.loader.exec_module, self.patch

        def exec_module(module):
            run(module)
            patch(module)

        spec.loader.exec_module = exec_module
        return spec


if OFF == "gc-freeze":  # gc.freeze a no-op: forked workers and the dev server's heap
    import gc
    def _no_freeze():
        hit("gc-freeze")
    gc.freeze = _no_freeze
elif OFF in PATCHES:
    _name, _patch = PATCHES[OFF]
    sys.meta_path.insert(0, _After(_name, _patch))
elif OFF:
    raise SystemExit(f"DIGEST_BENCH_OFF={OFF}: no such mechanism")
'''


# --- the changes each build kind starts from ---------------------------------------------------

def _articles(root: Path) -> Path:
    return root / "content" / "articles"


def change_nothing(root: Path, corpus: list, t: int) -> None:
    pass


def retitle(root: Path, corpus: list, t: int) -> None:
    """One article's headline changed (its page, summary, listings and one search shard change)."""
    path, text = bb.retitled(root / "site.toml", corpus[10 + t % (len(corpus) - 10)], f"edit {t}")
    path.write_text(text, encoding="utf-8")


def resave(root: Path, corpus: list, t: int) -> None:
    """One article saved again with the same bytes (a clipper saving it twice): nothing shown changes."""
    path = next(_articles(root).glob(f"{corpus[t % len(corpus)].key}.*"))
    now = time.time()
    os.utime(path, (now, now))


def hand_edit_summary(root: Path, corpus: list, t: int) -> None:
    """A sentence added by hand to one summary's text (its article's page changes)."""
    files = sorted((root / "content" / "summaries").glob("*.md"))
    path = files[(50 + t) % len(files)]
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + f" A note added by hand ({t}).\n", encoding="utf-8")


def change_template(root: Path, corpus: list, t: int) -> None:
    """base.html changed outside the article bodies: every page is rendered again."""
    base = root / "templates" / "base.html"
    text = re.sub(r"<!-- bench \d+ -->", "", base.read_text(encoding="utf-8"))
    base.write_text(text.replace("</body>", f"<!-- bench {t} --></body>", 1), encoding="utf-8")


def delete_output(root: Path, corpus: list, t: int) -> None:
    """_site/ deleted (as in a CI checkout with .digest-cache restored): nothing else changed."""
    shutil.rmtree(root / "_site")


def add_alias(root: Path, corpus: list, t: int) -> None:
    """A topic alias no article contains added to site.toml: every record's topics are assigned again
    (forked workers, records.classify_items) and every page is rendered again."""
    config = root / "site.toml"
    text = re.sub(r'\n  \{ text = "benchalias\d+", weight = 1 \},', "", config.read_text(encoding="utf-8"))
    at = text.index("aliases = [\n") + len("aliases = [")
    config.write_text(text[:at] + f'\n  {{ text = "benchalias{t}", weight = 1 }},' + text[at:], encoding="utf-8")


# kind -> (what the build follows, the change, the mechanisms turned off one at a time)
KINDS = {
    "noop": ("no-op build (nothing changed)", change_nothing, ["noop-check"]),
    "edit": ("one article retitled", retitle, ["heads", "stat-keys", "summary-stats", "story-store", "renameat2"]),
    "resave": ("one article saved again, same bytes", resave, ["output-unchanged"]),
    "summary": ("one summary edited by hand", hand_edit_summary, ["summary-stats", "heads", "stat-keys"]),
    "template": ("base.html changed", change_template, ["search-content"]),
    "deleted": ("_site/ deleted", delete_output, ["page-cache"]),
    "rules": ("a topic alias added", add_alias, ["gc-freeze"]),
}
SERVE = "serve"  # digest serve: save -> the page reloaded, with and without gc.freeze


def variant_env(env: dict, patch_dir: Path, off: str | None) -> dict:
    out = dict(env, PYTHONPATH=os.pathsep.join([str(patch_dir), env["PYTHONPATH"]]))
    out.pop("DIGEST_BENCH_OFF", None)
    if off:
        out["DIGEST_BENCH_OFF"] = off
    return out


def _log_tail(root: Path) -> tuple[str, set[str]]:
    text = (root / ".bench-last.log").read_text(encoding="utf-8", errors="replace")
    lines = [line for line in text.splitlines() if line.strip()]
    hits = {m.group(1) for m in re.finditer(r"bench-off: (\S+) used", text)}
    last = next((line for line in reversed(lines) if line.startswith(("Built", "Nothing changed"))), lines[-1] if lines else "")
    return last, hits


def settle(config: Path, env: dict) -> None:
    """An unmeasured build, its inputs a timestamp tick old, so the next no-op build is one."""
    time.sleep(0.2)
    bb.measure(bb.ours_cmd(config), config.parent, env)
    time.sleep(0.2)


def run_kind(kind: str, config: Path, corpus: list, env: dict, patch_dir: Path, rounds: int, trial: list[int],
             verbose: bool) -> dict[str | None, list]:
    label, change, mechanisms = KINDS[kind]
    root = config.parent
    variants: list[str | None] = [None, *mechanisms]
    runs: dict[str | None, list] = {v: [] for v in variants}
    if kind == "noop":
        settle(config, variant_env(env, patch_dir, None))
    for r in range(rounds):
        for off in (variants if r % 2 == 0 else variants[::-1]):
            change(root, corpus, trial[0])
            trial[0] += 1
            run = bb.measure(bb.ours_cmd(config), root, variant_env(env, patch_dir, off))
            last, hits = _log_tail(root)
            runs[off].append((run, off is None or off in hits))
            if verbose:
                print(f"  {kind:<8} {off or 'ON':<16} {run.wall:7.2f} s  CPU {run.cpu:6.2f} s  {run.rss:5.0f} MiB"
                      f"{'' if run.ok else '  FAILED'}{'' if off is None or off in hits else '  (not reached)'}  | {last}",
                      file=sys.stderr, flush=True)
    return runs


def run_serve(config: Path, corpus: list, env: dict, patch_dir: Path, rounds: int, verbose: bool) -> dict:
    """digest serve with and without gc.freeze: one server each (alternated `rounds` times, at
    least once), each timing bench/build.py's WATCH_TRIALS saves (a headline retitled)."""
    runs: dict[str | None, list] = {None: [], "gc-freeze": []}
    for r in range(max(1, (rounds + 1) // 2)):
        for off in ((None, "gc-freeze") if r % 2 == 0 else ("gc-freeze", None)):
            page, full = bb.bench_watch(config, corpus, variant_env(env, patch_dir, off))
            log = (config.parent / ".bench-serve.log").read_text(encoding="utf-8", errors="replace")
            reached = off is None or f"bench-off: {off} used" in log
            runs[off].append((page, full, reached))
            if verbose:
                print(f"  serve    {off or 'ON':<16} save -> page {page.wall:.3f} s, -> full rebuild {full.wall:.2f} s"
                      f"{'' if reached else '  (not reached)'}", file=sys.stderr, flush=True)
    return runs


# --- report ----------------------------------------------------------------------------------------

def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def _cell(runs: list) -> str:
    if not runs:
        return f"{'-':>24}"
    wall = _median([r.wall for r, _ in runs])
    cpu = _median([r.cpu for r, _ in runs])
    rss = _median([r.rss for r, _ in runs])
    bad = "" if all(r.ok for r, _ in runs) else "!"
    return f"{wall:7.2f}{bad or 's'} {cpu:7.2f} {rss:6.0f}"


def print_kind(kind: str, runs: dict) -> None:
    label, _, mechanisms = KINDS[kind]
    on = runs[None]
    on_wall = _median([r.wall for r, _ in on])
    for off in mechanisms:
        offs = runs[off]
        off_wall = _median([r.wall for r, _ in offs])
        reached = all(ok for _, ok in offs)
        saved = off_wall - on_wall
        print(f"{off:<17} {label:<38} {_cell(on)} {_cell(offs)} {saved:8.2f} {saved / off_wall * 100 if off_wall else 0:6.0f}%"
              f"{'' if reached else '  not reached'}", flush=True)


def print_serve(runs: dict) -> None:
    for what, at in (("save -> its page reloaded", 0), ("save -> full rebuild reloaded", 1)):
        on = _median([r[at].wall for r in runs[None]])
        off = _median([r[at].wall for r in runs["gc-freeze"]])
        reached = all(r[2] for r in runs["gc-freeze"])
        print(f"{'gc-freeze':<17} {'serve: ' + what:<38} {on:7.3f}s {'':>14} {off:7.3f}s {'':>14} {off - on:8.3f} "
              f"{(off - on) / off * 100 if off else 0:6.0f}%{'' if reached else '  not reached'}", flush=True)


HEADER = (f"{'mechanism OFF':<17} {'build':<38} {'ON: wall s, CPU s, MiB':>24} {'OFF: wall s, CPU s, MiB':>24}"
          f" {'saved s':>8} {'of OFF':>7}")


def build_corpus(n: int, work: Path, env: dict) -> tuple[Path, list]:
    corpus = bb.make_corpus(n)
    root = work / "ours"
    config = root / "site.toml"
    if config.is_file():
        print(f"N = {n:,}: reusing the corpus in {root}", file=sys.stderr)
        if (root / ".digest-cache" / "state.json").is_file():
            return config, corpus
    else:
        print(f"N = {n:,}: writing the corpus to {root}", file=sys.stderr)
        bb.setup_ours(root, corpus)
    cold = bb.bench_cold(config, env)
    print(f"cold build: {cold.wall:.1f} s (CPU {cold.cpu:.1f} s, peak {cold.rss:.0f} MiB)", flush=True)
    return config, corpus


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", type=int, default=10_000, help="articles (default 10,000)")
    ap.add_argument("--rounds", type=int, default=3, help="trials of each variant (medians reported)")
    ap.add_argument("--kinds", nargs="+", choices=[*KINDS, SERVE], default=[*KINDS, SERVE])
    ap.add_argument("--off", nargs="+", choices=sorted({m for _, _, ms in KINDS.values() for m in ms}),
                    help="these mechanisms instead of each kind's own (e.g. heads on the resave build)")
    ap.add_argument("--work", type=Path, help="work folder (reused when it holds a built corpus)")
    ap.add_argument("--keep", action="store_true", help="keep the work folder")
    ap.add_argument("-q", "--quiet", action="store_true", help="no line per build")
    args = ap.parse_args(argv)
    env = bb.ours_env(REPO)
    work = args.work or Path(tempfile.mkdtemp(prefix=f"digest-mech-{args.size}-"))
    work.mkdir(parents=True, exist_ok=True)
    patch_dir = Path(tempfile.mkdtemp(prefix="digest-mech-patch-"))
    (patch_dir / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    if args.off:
        for kind, (label, change, _) in list(KINDS.items()):
            KINDS[kind] = (label, change, list(args.off))
    results: dict[str, dict] = {}
    try:
        config, corpus = build_corpus(args.size, work, variant_env(env, patch_dir, None))
        trial = [random.Random(args.size).randrange(1000) * 1000]  # a fresh mark each change, run after run
        for kind in args.kinds:
            print(f"{kind}...", file=sys.stderr, flush=True)
            if kind == SERVE:
                results[kind] = run_serve(config, corpus, env, patch_dir, args.rounds, not args.quiet)
            else:
                results[kind] = run_kind(kind, config, corpus, env, patch_dir, args.rounds, trial, not args.quiet)
            if not args.quiet:  # the kind's rows now, should a later kind be cut short
                print(HEADER, file=sys.stderr)
                with contextlib.redirect_stdout(sys.stderr):
                    print_serve(results[kind]) if kind == SERVE else print_kind(kind, results[kind])
        print(f"\nN = {args.size:,} articles: medians of {args.rounds} builds each, ON and OFF alternated "
              f"(saved = OFF wall - ON wall)")
        print(HEADER)
        for kind, runs in results.items():
            print_serve(runs) if kind == SERVE else print_kind(kind, runs)
    finally:
        shutil.rmtree(patch_dir, ignore_errors=True)
        if args.keep or args.work:
            print(f"kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

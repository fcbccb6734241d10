"""Nothing lost: a build killed at any point leaves the previous site whole and every summary
either old or new; hand-edited summaries survive whatever happens to their article; a deleted or
corrupted cache changes nothing."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import FIXTURES, REPO, SiteDir, prose_line
from generator.articles.frontmatter import split_front_matter

ARTICLES = 24
# Kill points spread over one build's duration: 5 in `make test` (each costs a partial build);
# `make fuzz` runs 20 through tests/test_fuzz.py.
KILL_POINTS = 5


def variant(n: int, edition: int) -> str:
    name = ("aukus-submarines.md", "pension-reform.md")[n % 2]
    text = (FIXTURES / "articles" / name).read_text(encoding="utf-8")
    head, body = text.split("\n---\n", 1)
    head = head.replace('title: "', f'title: "Part {n}: ', 1) if 'title: "' in head else head
    # a paragraph of its own: a separate story, not a near-duplicate that would collapse into another
    extra = (f"\n\n{prose_line(2000, seed=n)}\n\n"
             f"Update {n}.{edition}: officials said on day {n + edition} that talks would go on next week.\n")
    return f"{head}\n---\n{body}{extra}"


def write_edition(site: SiteDir, edition: int) -> None:
    """Edition 0: articles 0..N-1. Edition 1: every third changed, one renamed, one deleted, one new."""
    for n in range(ARTICLES):
        site.add(f"a/{n:02d}.md", variant(n, edition if n % 3 == 0 else 0))
    if edition:
        (site.articles / "a/05.md").rename(site.articles / "a/05-renamed.md")
        (site.articles / "a/07.md").unlink()
        site.add("a/new.md", variant(99, 1))


def run_build(site: SiteDir) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "generator.cli", "build", "--config", str(site.config_path)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=REPO)


def build_to_end(site: SiteDir) -> float:
    started = time.perf_counter()
    proc = run_build(site)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err.decode()
    return time.perf_counter() - started


def summaries(site: SiteDir) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(site.summaries.glob("*.md"))}


def strays(site: SiteDir) -> list[str]:
    parent = site.output.parent
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(f".{site.output.name}.")) + sorted(
        p.name for p in site.summaries.iterdir() if p.name.startswith("."))


def test_killed_builds_leave_the_old_or_the_new_site(tmp_path):
    check_killed_builds(tmp_path, KILL_POINTS, seed=20251021)


def check_killed_builds(tmp_path: Path, kill_points: int, seed: int) -> None:
    site = SiteDir(tmp_path / "site", "https://example.github.io/digest/")
    write_edition(site, 0)
    build_to_end(site)
    old_site, old_summaries = site.files(), summaries(site)
    hand = site.summaries / next(name for name in old_summaries if "part-3" in name)
    hand_text = hand.read_text(encoding="utf-8").replace("\n---\n\n", "\n---\n\nEdited by a person. ", 1)
    hand.write_text(hand_text, encoding="utf-8")
    old_summaries[hand.name] = hand.read_bytes()

    # the complete new site, built in a copy
    ref = SiteDir.__new__(SiteDir)
    shutil.copytree(site.root, tmp_path / "ref")
    ref.__dict__.update({k: tmp_path / "ref" / Path(v).relative_to(site.root) for k, v in site.__dict__.items()})
    write_edition(ref, 1)
    seconds = build_to_end(ref)
    new_site, new_summaries = ref.files(), summaries(ref)
    assert new_site != old_site and new_summaries != old_summaries

    write_edition(site, 1)
    rng = random.Random(seed)
    outcomes = []
    for i in range(kill_points):
        proc = run_build(site)
        time.sleep(seconds * (i + rng.random()) / kill_points)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        current = site.files()
        assert current in (old_site, new_site), f"kill point {i}: a mixed site"
        outcomes.append("new" if current == new_site else "old")
        for name, data in summaries(site).items():
            assert data in (old_summaries.get(name), new_summaries.get(name)), f"kill point {i}: {name}"
            meta, _ = split_front_matter(data.decode("utf-8"))
            assert meta.get("title") and meta.get("generated"), name
        assert hand.read_text(encoding="utf-8") == hand_text
    build_to_end(site)
    assert site.files() == new_site
    assert summaries(site) == new_summaries
    assert hand.read_text(encoding="utf-8") == hand_text
    assert not strays(site), strays(site)
    assert "old" in outcomes, outcomes  # at least the early kills hit a build in progress


@pytest.fixture
def built(site):
    for n in range(6):
        site.add(f"a/{n:02d}.md", variant(n, 0))
    site.build()
    return site


def _edit(site: SiteDir, n: int) -> Path:
    path = next(p for p in site.summaries.glob("*.md") if f"part-{n}-" in p.name)
    path.write_text(path.read_text(encoding="utf-8") + "\nA line added by hand.\n", encoding="utf-8")
    return path


def test_hand_edited_summaries_survive_change_rename_and_delete(built):
    site = built
    changed, renamed, deleted = _edit(site, 1), _edit(site, 2), _edit(site, 3)
    texts = {p: p.read_bytes() for p in (changed, renamed, deleted)}
    site.add("a/01.md", variant(1, 5))
    (site.articles / "a/02.md").rename(site.articles / "a/02-moved.md")
    (site.articles / "a/03.md").unlink()
    report = site.build()
    for path, data in texts.items():
        assert path.read_bytes() == data, path.name
    assert [name for name, _ in report.warnings] == [str(deleted)]
    assert "deleted article" in report.warnings[0][1]
    pages = site.files()
    assert f"articles/{changed.stem}/index.html" in pages and f"articles/{renamed.stem}/index.html" in pages
    assert "A line added by hand." in site.read(f"articles/{changed.stem}/index.html")
    assert len([p for p in pages if p.startswith("articles/")]) == 5
    site.build()
    for path, data in texts.items():
        assert path.read_bytes() == data, path.name


def test_deleted_or_corrupted_cache_gives_the_same_output(built):
    site = built
    config = site.config()
    first, first_summaries = site.files(), summaries(site)
    cache_files = [p for p in config.cache_dir.rglob("*") if p.is_file()]
    assert cache_files
    rng = random.Random(7)
    for i, path in enumerate(cache_files):
        path.write_bytes(bytes(rng.randrange(256) for _ in range(64)) if i % 2 else b'{"article": [1, 2')
    report = site.build()
    assert report.cached == 0 and not report.skipped
    assert site.files() == first and summaries(site) == first_summaries
    shutil.rmtree(config.cache_dir)
    site.build()
    assert site.files() == first and summaries(site) == first_summaries
    (config.cache_dir).mkdir(exist_ok=True)
    for sub in config.cache_dir.iterdir():
        shutil.rmtree(sub) if sub.is_dir() else sub.unlink()
    config.cache_dir.rmdir()
    config.cache_dir.write_bytes(b"\x00garbage: the cache folder is a file")
    site.build()
    assert site.files() == first and summaries(site) == first_summaries
    os.remove(config.cache_dir)

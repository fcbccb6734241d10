"""`digest init [DIR]`: a new digest of one's own stories, ready to build and to publish.

    site.toml                the three example topics (with their shared entities) to edit, or with
                             --empty a blank topic skeleton; the title and address to fill in
    content/articles/        where saved pages go; content/summaries/ where their summaries will be
    .github/workflows/       pages.yml: build with this generator and publish on GitHub Pages
    README.md, .gitignore    what the folder is, and what git need not keep
    templates/               only with --templates (a copy to customise); otherwise the generator's own

Nothing is ever overwritten: a folder that already holds a site.toml is left as it is. Like
`hugo new site` and `pelican-quickstart`, it prints what to do next.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from generator.errors import DigestError

# The generator's own folder (a clone of this repository): its example site.toml and templates.
HOME = Path(__file__).resolve().parent.parent.parent
EXAMPLE_CONFIG = HOME / "site.toml"
TEMPLATES = HOME / "templates"

EMPTY_TOPICS = '''# --- topics ---
# One [[topics]] table per topic page and feed. Start from the example below (remove the leading
# "# "), and see the generator's own site.toml for three complete topics with their [entities].
#
# [[topics]]
# slug = "my-story"
# names = { en = "My story", zh-Hant = "我的故事", zh-Hans = "我的故事" }
# description = "What the articles of this topic are about."
# threshold = 8
# aliases = [
#   { text = "a name of the story", weight = 4 },
#   { text = "a word often used in it", weight = 2 },
# ]
'''

GITIGNORE = "_site/\n.digest-cache/\n.venv/\n__pycache__/\n"

README = '''# {title}

A reading digest built with **digest** from articles saved while following a few stories.

1. Save pages you read into `content/articles/`: "Save page as" (HTML or MHTML), SingleFile,
   a web clipper's markdown, or text copied from the page.
2. `digest build` writes the site into `_site/` (`digest serve` rebuilds on save and reloads the
   browser at http://127.0.0.1:8000/).
3. Push to GitHub: `.github/workflows/pages.yml` builds and publishes the site (once per repository:
   Settings → Pages → Source: GitHub Actions).

Topics, outlets and dates are set in `site.toml`; each article's summary is in `content/summaries/`,
and a summary you edit is kept as you wrote it.
'''

WORKFLOW = '''# Builds this digest with the generator and publishes _site/ on GitHub Pages.
# Once per repository: Settings -> Pages -> Build and deployment -> Source: "GitHub Actions".
name: Pages

on:
  push:
    branches: [main]
  workflow_dispatch:

permissions:
  contents: read

concurrency:
  group: pages
  cancel-in-progress: false

jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v5
      - uses: actions/setup-python@v6
        with:
          python-version: "3.11"
      - id: pages
        uses: actions/configure-pages@v6
      # The generator's build cache: a push that adds one article rebuilds only what it changes.
      - uses: actions/cache@v5
        with:
          path: .digest-cache
          key: digest-${{{{ runner.os }}}}-${{{{ hashFiles('site.toml', 'templates/**') }}}}-${{{{ hashFiles('content/**') }}}}
          restore-keys: |
            digest-${{{{ runner.os }}}}-${{{{ hashFiles('site.toml', 'templates/**') }}}}-
            digest-${{{{ runner.os }}}}-
      - name: Install the generator
        run: python -m pip install "{package}"{package_note}
      - name: Build the site under the Pages URL
        env:
          SITE_URL: ${{{{ steps.pages.outputs.base_url }}}}
        run: digest build --base-url "$SITE_URL"
      - uses: actions/upload-pages-artifact@v4
        with:
          path: _site

  deploy:
    needs: build
    runs-on: ubuntu-latest
    permissions:
      pages: write
      id-token: write
    environment:
      name: github-pages
      url: ${{{{ steps.deployment.outputs.page_url }}}}
    steps:
      - id: deployment
        uses: actions/deploy-pages@v5
'''


class SiteExists(DigestError):
    pass


def generator_source(home: Path = HOME) -> str:
    """What the new site's workflow installs: this generator's repository at this commit when git
    knows where it came from, else a line to fill in (never a guess)."""
    try:
        url = subprocess.run(["git", "-C", str(home), "remote", "get-url", "origin"], capture_output=True,
                             text=True, timeout=10).stdout.strip()
        commit = subprocess.run(["git", "-C", str(home), "rev-parse", "HEAD"], capture_output=True, text=True,
                                timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        url = commit = ""
    if re.match(r"https://[\w.-]+/[\w.-]+/[\w.-]+?(?:\.git)?$", url) and re.fullmatch(r"[0-9a-f]{40}", commit):
        return f"digest @ git+{url}@{commit}"
    return ""


UNKNOWN_SOURCE = "digest @ git+https://github.com/OWNER/digest"


def site_config(title: str, empty: bool, example: Path = EXAMPLE_CONFIG) -> str:
    """The new site's site.toml: the example's, with a title and address to fill in, its paths the
    defaults, and either the example topics or a blank skeleton."""
    text = example.read_text(encoding="utf-8")
    text = re.sub(r'(?m)^title = ".*"$', f'title = "{title}"', text, count=1)
    text = re.sub(r'(?m)^base_url = ".*"$', 'base_url = "https://OWNER.github.io/REPO/"  # your Pages address', text,
                  count=1)
    text = re.sub(r'(?m)^description = ".*"$', 'description = "Articles saved while following a few stories."', text,
                  count=1)
    if empty:
        marker = text.find("# --- topics ---")
        entities = text.find("[entities")
        cut = min(i for i in (marker, entities) if i >= 0) if max(marker, entities) >= 0 else len(text)
        text = text[:cut].rstrip() + "\n\n" + EMPTY_TOPICS
    header = "# Your digest's configuration: edit the title, the address and the topics, then `digest build`.\n"
    return header + text


def init_site(folder: Path, empty: bool = False, templates: bool = False) -> list[str]:
    """Create a new site in `folder`; returns the files written. Raises SiteExists when the folder
    already holds a site.toml (nothing is overwritten)."""
    folder = Path(folder)
    if (folder / "site.toml").exists():
        raise SiteExists(f"{folder / 'site.toml'} already exists: nothing was written")
    source = generator_source()
    title = folder.resolve().name.replace("-", " ").replace("_", " ").strip().capitalize() or "My digest"
    files = {
        "site.toml": site_config(title, empty),
        "README.md": README.format(title=title),
        ".gitignore": GITIGNORE,
        ".github/workflows/pages.yml": WORKFLOW.format(
            package=source or UNKNOWN_SOURCE, package_note="" if source else "  # edit: the generator's repository"),
        "content/articles/.gitkeep": "",
        "content/summaries/.gitkeep": "",
    }
    written = []
    for rel, text in files.items():
        path = folder / rel
        if path.exists():
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(rel)
    if templates and not (folder / "templates").exists():
        shutil.copytree(TEMPLATES, folder / "templates")
        written.append("templates/")
    return written


def next_steps(folder: Path) -> str:
    return "\n".join([
        "Next:",
        f"  cd {folder}",
        "  cp ~/Downloads/some-saved-page.html content/articles/   # save the pages you read here",
        "  digest serve                                             # build, and rebuild on every save",
    ])

"""The example site's output, built the way `make site` builds it, as the golden tree tests/golden/.

    .venv/bin/python tests/golden_site.py      # (make golden) write tests/golden/ anew: review `git diff`
    test_golden.py                             # (make test) the same build must give the same tree

The build runs on copies of site.toml and content/ in a temporary folder (the working tree is not
touched), with a fixed base URL. Pagefind's index (binary, rebuilt by Pagefind's own version) and
the static assets (copies of templates/static/) are left out: the tree holds every page, feed,
sitemap and robots.txt a reader or a crawler sees.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GOLDEN = REPO / "tests" / "golden"
BASE_URL = "https://example.github.io/digest/"
LEFT_OUT = ("pagefind/", "assets/")


def build_example(folder: Path) -> dict[str, bytes]:
    """The example site built in `folder`: {output path: bytes}, without LEFT_OUT."""
    sys.path.insert(0, str(REPO))
    from generator.config import load_config
    from generator.pipeline import build

    shutil.copy(REPO / "site.toml", folder / "site.toml")
    shutil.copytree(REPO / "content", folder / "content")
    text = (folder / "site.toml").read_text(encoding="utf-8")
    (folder / "site.toml").write_text(text.replace('[paths]\n', f'[paths]\ntemplates = "{(REPO / "templates").as_posix()}"\n', 1),
                                      encoding="utf-8")
    report = build(load_config(folder / "site.toml", base_url=BASE_URL))
    if report.skipped:
        raise SystemExit(f"the example site skipped files: {report.skipped}")
    out = folder / "_site"
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and not p.relative_to(out).as_posix().startswith(LEFT_OUT)}


def golden_tree() -> dict[str, bytes]:
    return {p.relative_to(GOLDEN).as_posix(): p.read_bytes() for p in sorted(GOLDEN.rglob("*")) if p.is_file()}


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="digest-golden-") as tmp:
        files = build_example(Path(tmp))
    shutil.rmtree(GOLDEN, ignore_errors=True)
    for rel, data in files.items():
        path = GOLDEN / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    print(f"tests/golden/: {len(files)} files; review them with git diff")
    return 0


if __name__ == "__main__":
    sys.exit(main())

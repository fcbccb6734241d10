"""Extraction benchmark: the generator's own extractors against baselines on a benchmark split.

    .venv/bin/python bench/extraction.py [SPLIT_DIR] [--forms html,dump-w3m,dump-lynx]
                                         [--limit N] [--only-ours] [--keep DIR]

Runs `generator.articles.extract.extract_article` (the code path of `digest extract`) on each page in
three forms (saved HTML, w3m dump, lynx dump), plus trafilatura and readability-lxml baselines,
writes one `<id>.txt` per page into a temporary folder per row, scores each folder with the
benchmark's own score.py (--json) and prints one table. Speed is pages per CPU-second of the
extraction calls only (time.process_time, one process). A page that raises counts as empty.
With --keep DIR, each row's predictions stay in DIR/<row>/ and its per-page scores (score.py
--per-page: id, language, site, page P and R) in DIR/<row>.pages.jsonl, for finding the worst pages.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from generator.errors import DigestError  # noqa: E402
from generator.articles.extract import extract_article  # noqa: E402
from generator.records import Source  # noqa: E402

DEFAULT_SPLIT = REPO.parent / "shared" / "benchmarks" / "extraction" / "dev"
FORMS = ("html", "dump-w3m", "dump-lynx")
# manifest `files` keys of each form
FILE_KEYS = {"html": "html", "dump-w3m": "dump_w3m", "dump-lynx": "dump_lynx"}


def load_pages(split: Path, limit: int | None) -> list[dict]:
    manifest = json.loads((split / "manifest.json").read_text(encoding="utf-8"))
    pages = manifest["pages"]
    return pages[:limit] if limit else pages


def ours(form: str):
    kind = "html" if form == "html" else "text"

    def run(page_id: str, data: bytes) -> str:
        source = Source(
            path=Path(page_id), rel=page_id, kind=kind, sha256=hashlib.sha256(data).hexdigest(), data=data
        )
        return extract_article(source).text

    return run


def trafilatura_run(**options):
    import trafilatura

    def run(page_id: str, data: bytes) -> str:
        return trafilatura.extract(data.decode("utf-8", "replace"), **options) or ""

    return run


def trafilatura_on_dump(page_id: str, data: bytes) -> str:
    """trafilatura on the dump, each blank-line-separated chunk as a <p> (raw text gives None)."""
    import html

    import trafilatura

    chunks = data.decode("utf-8", "replace").split("\n\n")
    doc = "<html><body>" + "".join(f"<p>{html.escape(c)}</p>" for c in chunks if c.strip()) + "</body></html>"
    return trafilatura.extract(doc) or ""


def readability_run(page_id: str, data: bytes) -> str:
    import lxml.html
    from readability import Document

    summary = Document(data.decode("utf-8", "replace")).summary(html_partial=True)
    tree = lxml.html.fromstring(summary)
    paras = [" ".join(el.text_content().split()) for el in tree.iter("p", "h1", "h2", "h3", "li", "pre")]
    return "\n\n".join(p for p in paras if p) or " ".join(tree.text_content().split())


def rows_for(forms: list[str], only_ours: bool) -> list[tuple[str, str, object]]:
    """(row name, form, callable) for every row of the table."""
    rows = [(f"ours-{form.replace('dump-', '')}", form, ours(form)) for form in forms]
    if only_ours:
        return rows
    if "html" in forms:
        rows += [
            ("trafilatura-html", "html", trafilatura_run()),
            ("trafilatura-html-precision", "html", trafilatura_run(favor_precision=True)),
            ("readability-html", "html", readability_run),
        ]
    if "dump-w3m" in forms:
        rows.append(("trafilatura-w3m", "dump-w3m", trafilatura_on_dump))
    return rows


def predict(split: Path, pages: list[dict], form: str, run, out: Path) -> tuple[float, int]:
    """Write one prediction per page; returns (CPU seconds in extraction, pages that raised)."""
    cpu, failed = 0.0, 0
    for page in pages:
        data = gzip.decompress((split / page["files"][FILE_KEYS[form]]).read_bytes())
        started = time.process_time()
        try:
            text = run(page["id"], data)
        except (DigestError, ValueError, ImportError, Exception):  # a failing page counts as empty
            text, failed = "", failed + 1
        cpu += time.process_time() - started
        (out / f"{page['id']}.txt").write_text(text, encoding="utf-8")
    return cpu, failed


def score(script: Path, split: Path, pred_dir: Path) -> dict:
    out = pred_dir.parent / f"{pred_dir.name}.score.json"
    per_page = pred_dir.parent / f"{pred_dir.name}.pages.jsonl"
    subprocess.run(
        [sys.executable, str(script), str(split), str(pred_dir), "--json", str(out), "--per-page", str(per_page)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return json.loads(out.read_text(encoding="utf-8"))["table"]


def _limited_split(split: Path, pages: list[dict], tmp: Path) -> Path:
    """score.py scores every manifest page; with --limit, give it a manifest of only those."""
    sub = tmp / "split"
    sub.mkdir()
    manifest = json.loads((split / "manifest.json").read_text(encoding="utf-8"))
    manifest["pages"] = pages
    (sub / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    (sub / "gold").symlink_to(split / "gold")
    return sub


def format_row(name: str, table: dict, cpu: float, n: int, failed: int) -> str:
    def f1(key: str) -> str:
        return f"{table[key]['f1']:.3f}" if key in table else "  -  "

    o = table["overall"]
    speed = n / cpu if cpu > 0 else float("inf")
    return (
        f"{name:28s} {o['f1']:.3f} {o['p']:.3f} {o['r']:.3f}  {f1('language=en')}  {f1('language=zh')}"
        f"  {o['empty']:5d} {failed:6d} {speed:9.1f}"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("split", nargs="?", default=str(DEFAULT_SPLIT))
    ap.add_argument("--forms", default=",".join(FORMS))
    ap.add_argument("--limit", type=int, default=None, help="only the first N pages")
    ap.add_argument("--only-ours", action="store_true", help="skip the baselines")
    ap.add_argument("--keep", metavar="DIR", help="keep predictions and per-page scores in DIR")
    args = ap.parse_args(argv)
    split = Path(args.split).resolve()
    forms = [f.strip() for f in args.forms.split(",") if f.strip()]
    unknown = [f for f in forms if f not in FORMS]
    if unknown:
        ap.error(f"unknown form(s) {unknown}; choose from {', '.join(FORMS)}")
    pages = load_pages(split, args.limit)
    print(f"{split}: {len(pages)} pages")
    print(f"{'row':28s} {'F1':5s} {'P':5s} {'R':5s}  {'en':5s}  {'zh':5s}  empty raised  pages/cpu-s")
    with tempfile.TemporaryDirectory(prefix="bench-extraction-") as tmp:
        tmp_path = Path(tmp)
        work = Path(args.keep).resolve() if args.keep else tmp_path
        work.mkdir(parents=True, exist_ok=True)
        score_split = _limited_split(split, pages, tmp_path) if args.limit else split
        for name, form, run in rows_for(forms, args.only_ours):
            out = work / name
            out.mkdir(exist_ok=True)
            cpu, failed = predict(split, pages, form, run, out)
            table = score(split.parent / "score.py", score_split, out)
            print(format_row(name, table, cpu, len(pages), failed), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

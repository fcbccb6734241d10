"""Topic benchmark: dev fit, by-source cross-validation, near-misses and precision at scale.

    .venv/bin/python bench/topics.py                 # the table (site.toml's topics)
    .venv/bin/python bench/topics.py --fit           # ... and write generator/articles/classify/fitted.py
    .venv/bin/python bench/topics.py --extra bench/topics/semiconductors.toml
                                                     # a topic written only in a config, on its own labels
    .venv/bin/python bench/topics.py --explain       # one line per error of the cross-validated model
    .venv/bin/python bench/topics.py --scale         # every off-topic article given a topic, to read

Each record of ../shared/benchmarks/topics/dev/articles.jsonl becomes an Article (one paragraph
block per non-empty line). Rows, per topic and language:

  alias-only   the topics' aliases alone, hand-set score against the threshold (no entities,
               no relations, nothing fitted): the baseline
  rules        aliases, entities and relations, hand-set score (nothing fitted)
  fitted dev   weights fitted on the whole dev half, scored on it (the plain fit)
  fitted CV    by-source cross-validation: 5 folds, no outlet (model.source_group) in two
               folds; weights fitted on 4, scored on the 5th
  CV+examples  the same, with the 4 folds' articles also attached as examples (what a person's
               corrections do): what the text-similarity signal buys across outlets

P/R per topic, near-misses given any topic, and the precision-at-scale count: how many of the
~1,500 real articles of the extraction and summary benchmarks (nearly all off-topic) get a topic.
Timings: per-article cost of each signal.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
import tomllib
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from generator.articles.classify import attach_examples, parse_topics  # noqa: E402
from generator.articles.classify.evidence import gather_evidence, prior_score  # noqa: E402
from generator.articles.classify.examples import Example, text_vector  # noqa: E402
from generator.articles.classify.model import FEATURES, Weights, feature_vector, fit_weights, margin, source_folds, source_group  # noqa: E402
from generator.articles.classify.score import Signals, decide  # noqa: E402
from generator.articles.classify.text import analyse_article  # noqa: E402
from generator.articles.lang import detect_language  # noqa: E402
from generator.records import Article, Block  # noqa: E402

SHARED = REPO.parent / "shared" / "benchmarks"
DEV = SHARED / "topics" / "dev" / "articles.jsonl"
EXTRACTION_GOLD = SHARED / "extraction" / "dev" / "gold"
SUMMARY_SPLIT = SHARED / "summary" / "dev"
FITTED = REPO / "generator" / "articles" / "classify" / "fitted.py"
FOLDS = 5
NO_WEIGHTS = Weights({}, None)


def load_rules(extra: Path | None = None) -> tuple:
    """site.toml's entities and topics, plus those of an extra config (a topic written only there)."""
    with (REPO / "site.toml").open("rb") as fh:
        data = tomllib.load(fh)
    topics, entities = list(data.get("topics", [])), dict(data.get("entities", {}))
    if extra is not None:
        with extra.open("rb") as fh:
            more = tomllib.load(fh)
        topics += more.get("topics", [])
        entities.update(more.get("entities", {}))
    rules, problems = parse_topics(topics, "topics", entities)
    if problems:
        sys.exit("config:\n" + "\n".join(problems))
    return rules


def alias_only(rules: tuple) -> tuple:
    return tuple(replace(r, relations=(), require_relation=False) for r in rules)


def build_article(rid: str, title: str, text: str, language: str) -> Article:
    blocks = tuple(Block("paragraph", line.strip()) for line in text.splitlines() if line.strip())
    return Article(source=rid, sha256="", title=title, published=None, author=None,
                   site_name=None, url=None, language=language, blocks=blocks)


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def evidence_of(records: list[dict], rules: tuple) -> list[Signals]:
    return [Signals(gather_evidence(build_article(r["id"], r.get("title") or "", r["text"], r["lang"]), rules))
            for r in records]


def training_rows(signals: list[Signals], records: list[dict], rules: tuple, labelled: set[str]):
    rows = []
    for s, record in zip(signals, records):
        margins = [margin(e, r.threshold) for e, r in zip(s.evidence, rules)]
        for i, (e, rule) in enumerate(zip(s.evidence, rules)):
            if rule.slug in labelled:
                elsewhere = max((m for j, m in enumerate(margins) if j != i), default=0.0)
                rows.append((rule.slug, feature_vector(e, rule.threshold, elsewhere), rule.slug in record["labels"]))
    return rows


def predict(signals: list[Signals], rules: tuple, weights: Weights) -> list[set[str]]:
    return [{d.slug for d in decide(s, rules, weights) if d.assigned} for s in signals]


def cross_validate(signals, records, rules, labelled, vectors=None) -> tuple[list[set[str]], list[int]]:
    """By-source CV; with `vectors`, the training folds' articles are also examples (as a person's
    corrections would be) pulling the test fold's similar articles."""
    folds = source_folds([source_group(r["source"]) for r in records], FOLDS)
    predicted: list[set[str]] = [set() for _ in records]
    for fold in range(FOLDS):
        train = [i for i, f in enumerate(folds) if f != fold]
        weights = fit_weights(training_rows([signals[i] for i in train], [records[i] for i in train], rules, labelled))
        test = [i for i, f in enumerate(folds) if f == fold]
        taught, tested = rules, [signals[i] for i in test]
        if vectors is not None:
            taught = attach_examples(rules, [Example(tuple(sorted(vectors[i].items())),
                                                     tuple((s, s in records[i]["labels"]) for s in sorted(labelled)),
                                                     records[i]["id"]) for i in train])
            tested = [Signals(signals[i].evidence, vectors[i]) for i in test]
        for i, got in zip(test, predict(tested, taught, weights)):
            predicted[i] = got
    return predicted, folds


def pr(records, predicted, slug, lang=None) -> str:
    pairs = [(slug in r["labels"], slug in p) for r, p in zip(records, predicted) if lang in (None, r["lang"])]
    tp = sum(1 for g, p in pairs if g and p)
    fp = sum(1 for g, p in pairs if p and not g)
    fn = sum(1 for g, p in pairs if g and not p)
    if tp + fn == 0:
        return "   -/-   "
    precision = tp / (tp + fp) if tp + fp else 1.0
    return f"{precision:4.2f}/{tp / (tp + fn):4.2f}"


def near_misses(records, predicted) -> str:
    misses = [p for r, p in zip(records, predicted) if not r["labels"]]
    return f"{sum(1 for p in misses if p)}/{len(misses)}"


def print_table(records, runs: dict, slugs, scale: dict) -> None:
    langs = sorted({r["lang"] for r in records})
    print(f"{'':13}" + "".join(f"{s:>{12 * (len(langs) + 1)}}" for s in slugs) + f"{'near-miss':>11}{'scale':>7}")
    print(f"{'':13}" + "".join(f"{x:>12}" for _ in slugs for x in ["all", *langs]))
    for name, predicted in runs.items():
        cells = "".join(f"{pr(records, predicted, s, lang):>12}" for s in slugs for lang in [None, *langs])
        print(f"{name:13}{cells}{near_misses(records, predicted):>11}{scale.get(name, ''):>7}")


def scale_corpus() -> list[tuple[str, str, str]]:
    """(id, title, text) of every article in the extraction gold and the summary benchmark."""
    items = []
    for path in sorted(EXTRACTION_GOLD.glob("*.txt.gz")):
        items.append((path.name.removesuffix(".txt.gz"), "", gzip.decompress(path.read_bytes()).decode("utf-8")))
    for path in sorted(SUMMARY_SPLIT.glob("*.jsonl")):
        items += [(r["id"], r.get("title") or "", r["text"]) for r in read_jsonl(path)]
    return items


def scale_signals(rules_by_name: dict) -> tuple[list, dict]:
    corpus = scale_corpus()
    articles = [build_article(rid, title, text, detect_language(text)) for rid, title, text in corpus]
    return corpus, {name: [Signals(gather_evidence(a, rules)) for a in articles] for name, rules in rules_by_name.items()}


def timings(records: list[dict], rules: tuple) -> None:
    """Per-article cost of each signal, over the dev half (best of two passes)."""
    articles = [build_article(r["id"], r.get("title") or "", r["text"], r["lang"]) for r in records]
    plain = alias_only(rules)

    def best(fn) -> float:
        runs = []
        for _ in range(2):
            started = time.perf_counter()
            for a in articles:
                fn(a)
            runs.append((time.perf_counter() - started) / len(articles) * 1000)
        return min(runs)

    analyse = best(analyse_article)
    aliases = best(lambda a: gather_evidence(a, plain))
    full = best(lambda a: gather_evidence(a, rules))
    vector = best(lambda a: text_vector(analyse_article(a))) - analyse
    signals = [Signals(gather_evidence(a, rules)) for a in articles]
    started = time.perf_counter()
    for s in signals:
        decide(s, rules)
    decision = (time.perf_counter() - started) / len(signals) * 1000
    print(f"per article (ms): split+normalize {analyse:.2f}; + aliases (alias-only evidence) {aliases - analyse:.2f}; "
          f"+ entities and relations {full - aliases:.2f}; decision (fitted weights) {decision:.3f}; "
          f"text vector (only with examples) {vector:.2f}; total {full + decision:.2f}")


def write_fitted(weights: Weights, records: list[dict]) -> None:
    by_topic = "\n".join(f"        {slug!r}: {model!r}," for slug, model in sorted(weights.by_topic.items()))
    text = f'''"""Weights fitted by `bench/topics.py --fit` on the topic benchmark's dev half ({len(records)} labelled
articles); the by-source cross-validation of the same fitting is in the README and in the bench's
table. Regenerate after changing the features (model.FEATURES) or the shipped topics."""

from .model import Model, Weights

# features: {", ".join(FEATURES)}
WEIGHTS = Weights(
    by_topic={{
{by_topic}
    }},
    generic={weights.generic!r},
    features={FEATURES!r},
)
'''
    FITTED.write_text(text, encoding="utf-8")
    print(f"wrote {FITTED.relative_to(REPO)}")


def explain_errors(records, predicted, folds, signals, rules, weights_of_fold) -> None:
    for i, (r, got) in enumerate(zip(records, predicted)):
        for rule, d in zip(rules, decide(signals[i], rules, weights_of_fold[folds[i]])):
            gold = rule.slug in r["labels"]
            if gold != d.assigned:
                e = d.evidence
                print(f"{'FN' if gold else 'FP'} {rule.slug:12} p={d.probability:.2f} t={e.title:.1f} l={e.lead:.1f} "
                      f"c={e.coverage:.2f} rel={e.related:.2f} v={e.vocabulary:.1f} {r['id']} "
                      f"{(r.get('title') or '')[:40]} | {', '.join(e.relations)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fit", action="store_true", help="write generator/articles/classify/fitted.py from the dev half")
    parser.add_argument("--extra", type=Path, help="a config with more [[topics]] (and [entities]); its labels "
                        "are the JSONL file of the same name")
    parser.add_argument("--explain", action="store_true", help="print each error of the cross-validated model")
    parser.add_argument("--scale", action="store_true", help="print every article of the scale corpus given a topic")
    args = parser.parse_args()
    rules = load_rules()
    records = read_jsonl(DEV)
    slugs = [r.slug for r in rules]
    timings(records, rules)
    signals = {"alias-only": evidence_of(records, alias_only(rules)), "rules": evidence_of(records, rules)}
    full = signals["rules"]
    weights = fit_weights(training_rows(full, records, rules, set(slugs)))
    cv, folds = cross_validate(full, records, rules, set(slugs))
    vectors = [text_vector(analyse_article(build_article(r["id"], r.get("title") or "", r["text"], r["lang"])))
               for r in records]
    runs = {"alias-only": predict(signals["alias-only"], alias_only(rules), NO_WEIGHTS),
            "rules": predict(full, rules, NO_WEIGHTS),
            "fitted dev": predict(full, rules, weights), "fitted CV": cv,
            "CV+examples": cross_validate(full, records, rules, set(slugs), vectors)[0]}
    corpus, scale = scale_signals({"alias-only": alias_only(rules), "rules": rules})
    scale_hits = {"alias-only": predict(scale["alias-only"], alias_only(rules), NO_WEIGHTS),
                  "rules": predict(scale["rules"], rules, NO_WEIGHTS),
                  "fitted dev": predict(scale["rules"], rules, weights)}
    counts = {name: str(sum(1 for p in hits if p)) for name, hits in scale_hits.items()}
    print(f"dev half: {len(records)} articles, {len(set(source_group(r['source']) for r in records))} outlets "
          f"in {FOLDS} folds; scale: {len(corpus)} off-topic articles (count of those given any topic)")
    print_table(records, runs, slugs, counts)
    if args.scale:
        for (rid, title, text), got, s in zip(corpus, scale_hits["fitted dev"], scale["rules"]):
            if got:
                first = title or next((line.strip() for line in text.splitlines() if line.strip()), "")
                print(f"{rid}\t{' '.join(sorted(got))}\t{first[:90]}")
    if args.explain:
        per_fold = {f: fit_weights(training_rows([full[i] for i in range(len(records)) if folds[i] != f],
                                                 [r for i, r in enumerate(records) if folds[i] != f], rules, set(slugs)))
                    for f in range(FOLDS)}
        explain_errors(records, cv, folds, full, rules, per_fold)
    if args.extra:
        run_extra(args.extra, weights)
    if args.fit:
        write_fitted(weights, records)


def run_extra(config: Path, weights: Weights) -> None:
    """A topic written only in a config, scored on its own labels with the weights fitted across
    the site's topics (it has none of its own)."""
    rules = load_rules(config)
    labels = read_jsonl(config.with_suffix(".jsonl"))
    texts = {}
    for name in sorted({lab["benchmark"] for lab in labels}):
        for path in sorted((SHARED / name / "dev").glob("*.jsonl")):
            texts.update({r["id"]: r for r in read_jsonl(path)})
    extra = [r.slug for r in rules][-1]
    records = [{**texts[lab["id"]], "labels": [extra] if lab["label"] else []} for lab in labels]
    generic = Weights({}, weights.generic)
    predicted = predict(evidence_of(records, rules), rules, generic)
    runs = {"rules": predict(evidence_of(records, rules), rules, NO_WEIGHTS),
            "generic": [{extra} & p for p in predicted]}
    print(f"\n{extra}: {len(records)} articles labelled by hand ({sum(1 for r in records if r['labels'])} on topic), "
          f"rows: hand-set score, and the weights fitted across the site's topics")
    print_table(records, {k: [{extra} & p for p in v] for k, v in runs.items()}, [extra], {})
    for r, p in zip(records, runs["generic"]):
        if bool(p) != bool(r["labels"]):
            print(f"  {'FP' if p else 'FN'} {r['id']} {(r.get('title') or '')[:60]}")


if __name__ == "__main__":
    main()

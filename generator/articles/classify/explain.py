"""A decision in words: which entities, relations and passages carried it, and why it went as it did."""

from __future__ import annotations

from generator.articles.classify.model import MEANING
from generator.articles.classify.score import CUT, Decision

# Contributions shown: the few that moved the decision most.
SHOWN = 4


def explain_dict(d: Decision) -> dict:
    e = d.evidence
    return {
        "assigned": d.assigned, "probability": d.probability, "weights": d.weights, "reason": d.reason,
        "entities": {k: list(v) for k, v in e.entities}, "relations": list(e.relations), "aliases": list(e.matches),
        "passages": [{"zone": p.zone, "weight": p.weight, "relation": p.relation, "text": p.text} for p in e.passages],
        "contributions": {name: round(v, 3) for name, v in d.contributions},
        "examples": [{"name": n, "cosine": c, "belongs": b} for n, c, b in (d.pull.nearest if d.pull else ())],
    }


def explain_lines(d: Decision) -> list[str]:
    e = d.evidence
    verdict = "assigned" if d.assigned else "not assigned"
    lines = [f" {'+' if d.assigned else ' '} {d.slug}: {verdict} ({d.reason}; weights {d.weights})"]
    if e.entities:
        lines.append("     entities: " + "; ".join(f"{k}: {', '.join(v[:6])}" for k, v in e.entities))
    lines.append("     relations shown: " + (", ".join(e.relations) or "none"))
    lines.append("     aliases: " + (", ".join(e.matches) or "none"))
    for p in e.passages:
        shown = f", {p.relation}" if p.relation else ""
        lines.append(f"     passage [{p.zone} {p.weight:g}{shown}] {p.text[:160]}")
    lines.append("     carried by: " + _carried(d))
    if d.pull is not None and d.pull.nearest:
        near = ", ".join(f"{n or 'example'} ({c:.2f}, {'belongs' if b else 'not'})" for n, c, b in d.pull.nearest[:3])
        lines.append(f"     corrected examples nearby: {near}; pull {d.pull.logit:+.2f}")
    return lines


def _carried(d: Decision) -> str:
    if d.weights == "hand-set score":
        score, threshold = (v for _, v in d.contributions)
        return f"score {score:.2f} against the threshold {threshold:g} (p = {d.probability:.2f}, line at {CUT})"
    top = sorted(d.contributions, key=lambda c: -abs(c[1]))[:SHOWN]
    return "; ".join(f"{MEANING.get(name, name)} {value:+.2f}" for name, value in top if value)

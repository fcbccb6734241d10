"""The CLI's JSON contract, checked on the seed page against its gold extraction."""

import json
import subprocess
import sys
from collections import Counter

import pytest

from conftest import REPO

GOLD = REPO / "tests" / "fixtures" / "real" / "ettoday-critical-minerals.gold.json"
SEED = REPO / "content" / "articles" / "ettoday-critical-minerals.txt"


def char_f1(pred: str, gold: str) -> float:
    p = Counter(ch for ch in pred if not ch.isspace())
    g = Counter(ch for ch in gold if not ch.isspace())
    overlap = sum((p & g).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(p.values()), overlap / sum(g.values())
    return 2 * precision * recall / (precision + recall)


def run(*args):
    done = subprocess.run([sys.executable, "-m", "generator.cli", *args], capture_output=True, text=True, cwd=REPO)
    return done


def test_extract_json_matches_the_gold_file():
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    done = run("extract", str(SEED), "--json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert set(out) == {"file", "title", "published", "saved", "author", "site_name", "url", "language", "section",
                        "tags", "captions", "blocks", "text"}
    assert (out["title"], out["published"], out["author"]) == (gold["title"], gold["published"], gold["author"])
    assert out["language"] == "zh-Hant"
    assert char_f1(out["text"], "\n\n".join(gold["body"])) >= 0.98
    for caption in gold["captions"]:
        assert caption not in out["text"]
    for boiler in gold["not_body_examples"]:
        assert boiler not in out["text"]
    assert out["text"] == "\n\n".join(b["text"] for b in out["blocks"])


def test_summarize_json_keys():
    done = run("summarize", str(SEED), "--json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert set(out) == {"file", "title", "language", "summary", "key_points"}
    assert out["summary"] and 3 <= len(out["key_points"]) <= 5
    assert "▲" not in out["summary"]


def test_topics_json_explains_matches():
    done = run("topics", str(SEED), "--json", "--config", str(REPO / "site.toml"))
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert set(out) == {"file", "topics", "scores", "matches", "reasons"}
    assert all(slug not in out["topics"] and text for slug, text in out["reasons"].items())
    assert set(out["scores"]) == {"rare-earths", "aukus", "us-china"}
    for slug in out["topics"]:
        assert out["matches"][slug], slug


def test_missing_and_unknown_files_give_one_line_each(tmp_path):
    bad = tmp_path / "x.pdf"
    bad.write_bytes(b"%PDF")
    done = run("extract", str(tmp_path / "nope.txt"), str(bad))
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 2
    assert lines[0].endswith("nope.txt: no such file")
    assert "unknown kind of file (.pdf)" in lines[1]


def test_a_reader_that_stops_early_ends_extract_quietly():
    """`digest extract many files | head`: the closed pipe ends the command as SIGPIPE would
    (status 141, as the shell reports it), with nothing on stderr."""
    args = [str(SEED)] * 40  # far more than a pipe's 64 KiB buffer
    proc = subprocess.Popen([sys.executable, "-m", "generator.cli", "extract", *args], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout.readline().startswith(b"== ")
    proc.stdout.close()  # what head does after its lines
    stderr = proc.stderr.read()
    assert proc.wait() == 141 and stderr == b""

"""The scheduled workflow that keeps the digest current: lint-clean, and shaped as promised."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

WORKFLOW = Path(__file__).resolve().parent.parent / ".github" / "workflows" / "collect.yml"


def test_collect_workflow_passes_actionlint():
    exe = Path(sys.executable).parent / "actionlint"
    done = subprocess.run([str(exe), str(WORKFLOW)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_collect_workflow_collects_commits_and_deploys_on_a_schedule():
    wf = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    on = wf[True]  # YAML 1.1 reads the key `on` as true
    assert on["schedule"][0]["cron"] and "workflow_dispatch" in on
    assert wf["permissions"] == {"contents": "read"} and wf["concurrency"]["group"] == "pages"
    collect, deploy = wf["jobs"]["collect"], wf["jobs"]["deploy"]
    assert collect["permissions"] == {"contents": "write"}
    runs = "\n".join(s.get("run", "") for s in collect["steps"])
    assert ".venv/bin/digest collect" in runs and "make site SITE_URL=" in runs
    assert "git add content/articles content/summaries" in runs and "git push" in runs
    uses = [s.get("uses", "") for s in collect["steps"]]
    assert {"actions/cache/restore@v5", "actions/cache/save@v5", "actions/upload-pages-artifact@v4"} <= set(uses)
    assert deploy["needs"] == "collect" and deploy["if"] == "needs.collect.outputs.changed == 'true'"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["steps"][0]["uses"] == "actions/deploy-pages@v5"

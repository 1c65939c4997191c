"""`studio report compare|model|drift`: files under 5 MB with the numbers the core computes,
and one-sentence errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np

from studio.business.value import CostMatrix
from tests.autopilot.conftest import churn_like
from tests.test_cli_autopilot import run
from tests.test_cli_monitor import env, shipped_home  # noqa: F401 (fixtures)


def test_the_three_reports_and_their_errors(env: dict[str, str], tmp_path: Path) -> None:  # noqa: F811
    batch = churn_like(300, seed=3).drop(columns=["churn"])
    batch["tenure"] = batch["tenure"] + 40
    batch["plan"] = np.where(np.arange(300) % 2, "pro", batch["plan"])
    batch.to_csv(tmp_path / "b.csv", index=False)
    assert run("monitor", "run", "churn", str(tmp_path / "b.csv"), env=env).returncode == 0
    show = json.loads(run("runs", "show", "1", "--json", env=env).stdout)
    names = list(show["candidate_ids"])[:2]
    refs = [f"1:{n}" for n in names]

    out = tmp_path / "compare.html"
    done = run("report", "compare", *refs, "--html", str(out), "--fp", "-35", "--unit", "EUR",
               "--population", "2500", "--json", env=env)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["bytes"] == out.stat().st_size < 5_000_000
    html = out.read_text(encoding="utf-8")
    assert "per 1,000 cases" in html and "EUR" in html and "2,500 cases" in html
    assert "<script src" not in html and "https://cdn" not in html
    assert len(re.findall(r'<div class="chart" id="chart-', html)) >= 6  # value, gains, lift, ROC…

    model = tmp_path / "model.html"
    assert run("report", "model", "churn", "--html", str(model), env=env).returncode == 0
    card = model.read_text(encoding="utf-8")
    assert "Model card: churn@1" in card and "History" in card
    drift = tmp_path / "drift.html"
    assert run("report", "drift", "churn", "--html", str(drift), env=env).returncode == 0
    assert "Dataset drift" in drift.read_text(encoding="utf-8")

    for args, message in [
        (["compare", "1:nope", "--html", str(out)], "error: "),
        (["model", "churn", "--html", str(tmp_path / "missing" / "m.html")], "does not exist"),
        (["model", "churn", "--html", str(tmp_path / "m.pdf")], "must name an .html file"),
        (["compare", *refs, "--html", str(out), "--population", "0"], "at least 1 case"),
        (["drift", "nobody", "--html", str(drift)], "error: "),
    ]:
        failed = run("report", *args, env=env)
        assert failed.returncode == 2 and failed.stderr.startswith("error: "), failed.stderr
        assert message in failed.stderr
    assert CostMatrix(fp=-35, unit="EUR").money(-35) == "-35 EUR"

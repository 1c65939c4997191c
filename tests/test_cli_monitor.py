"""`studio monitor run|list` from the command line: verdicts, windows, exit 3, bad input."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from studio.business.value import CostMatrix
from tests.autopilot.conftest import churn_like
from tests.cli import run
from tests.stores import StoreCopy
from tests.waits import wait_until


@pytest.fixture
def env(prepared: Callable[..., StoreCopy]) -> dict[str, str]:
    """The CLI's environment on a copy of a store whose model 'churn' v1 is in production."""
    return prepared("shipped_churn").env("cli")


def test_drift_verdicts_windows_and_exit_codes(env: dict[str, str], tmp_path: Path) -> None:
    """Same data: exit 0 and no drift; shifted data: exit 3 with --fail-on-drift, per window."""
    same = tmp_path / "same.csv"
    churn_like(800, seed=11).drop(columns=["churn"]).to_csv(same, index=False)
    calm = run("monitor", "run", "churn", str(same), "--json", "--fail-on-drift", env=env)
    assert calm.returncode == 0, calm.stderr
    document = json.loads(calm.stdout)
    assert document["dataset_drift"] is False
    assert {f["name"] for f in document["features"]} == {"tenure", "plan", "charges", "signup"}
    assert set(document["features"][0]) >= {
        "name", "test", "test_name", "statistic", "p_value", "adjusted_p_value", "threshold",
        "drifted", "status",
    }  # fmt: skip
    signup = next(f for f in document["features"] if f["name"] == "signup")
    assert signup["status"] == "not tested" and "a date" in signup["note"]
    tenure = next(f for f in document["features"] if f["name"] == "tenure")
    assert tenure["test"] == "wasserstein" and tenure["p_value"] is None  # a distance
    shifted = churn_like(800, seed=12).drop(columns=["churn"])
    shifted["tenure"] = shifted["tenure"] + 40
    shifted["charges"] = shifted["charges"] * 2
    shifted["plan"] = np.where(np.arange(800) % 2, "pro", shifted["plan"])
    shifted["seen"] = np.repeat(["2026-03-02", "2026-03-09"], 400)
    moved = tmp_path / "moved.csv"
    shifted.to_csv(moved, index=False)
    alarm = run(
        "monitor",
        "run",
        "churn",
        str(moved),
        "--time-column",
        "seen",
        "--window",
        "1W",
        "--json",
        "--fail-on-drift",
        env=env,
    )
    assert alarm.returncode == 3, alarm.stderr
    document = json.loads(alarm.stdout)
    assert document["dataset_drift"] is True and document["drift_share"] >= 0.5
    drifted = {f["name"] for f in document["features"] if f["drifted"]}
    assert {"tenure", "charges", "plan"} <= drifted
    assert [w["rows"] for w in document["windows"]] == [400, 400]
    assert all(w["dataset_drift"] for w in document["windows"])
    listed = json.loads(run("monitor", "list", "churn", "--json", env=env).stdout)["results"]
    assert [r["window"] for r in listed][:3] == [
        "2026-03-09/2026-03-15",
        "2026-03-02/2026-03-08",
        "all",
    ]


def test_bad_batches_are_one_sentence(env: dict[str, str], tmp_path: Path) -> None:
    """Missing columns, a header without rows and an unreadable time column exit 2."""
    lacking = tmp_path / "lacking.csv"
    churn_like(50).drop(columns=["churn", "tenure"]).to_csv(lacking, index=False)
    empty = tmp_path / "empty.csv"
    empty.write_text("tenure,plan,charges,signup\n")
    dated = tmp_path / "dated.csv"
    churn_like(50).assign(seen="soon").to_csv(dated, index=False)
    cases = [
        (["monitor", "run", "churn", str(lacking)], "lacks 1 column(s) the model needs"),
        (["monitor", "run", "churn", str(empty)], "no data rows"),
        (
            ["monitor", "run", "churn", str(dated), "--time-column", "seen", "--window", "1W"],
            "holds no dates",
        ),
        (["monitor", "run", "churn", str(dated), "--window", "1W"], "together"),
        (
            ["monitor", "run", "churn", str(dated), "--time-column", "seen", "--window", "2Y"],
            "is not a window",
        ),
    ]
    for args, sentence in cases:
        result = run(*args, env=env)
        assert result.returncode == 2 and sentence in result.stderr, (args, result.stderr)


def test_retrain_then_challenger(env: dict[str, str], tmp_path: Path) -> None:
    """Labelled rows → a queued retraining → once its run finishes, a paired comparison."""
    labelled = tmp_path / "labelled.csv"
    churn_like(300, seed=13).to_csv(labelled, index=False)
    env = env | {"STUDIO_WORKER_IDLE_EXIT": "1"}
    queued = run("monitor", "retrain", "churn", str(labelled), "--no-budget", "--max-trials",
                 "3", "--families", "linear", "--json", env=env)  # fmt: skip
    assert queued.returncode == 0, queued.stderr
    retrain_id = json.loads(queued.stdout)["retrain_id"]

    def challenger() -> dict:
        return json.loads(run("monitor", "challenger", str(retrain_id), "--json", env=env).stdout)

    wait_until(lambda: challenger()["run_status"] in ("finished", "failed"), "the challenger run")
    report = challenger()
    assert report["run_status"] == "finished", report
    assert report["rows"] == 100 and report["champion"] == "churn@1"
    assert report["recommendation"].startswith(("Keep the champion", "Promote the challenger"))
    text = run("monitor", "challenger", str(retrain_id), env=env).stdout
    assert "held-back recent rows" in text
    missing = run("monitor", "challenger", "99", env=env)
    assert missing.returncode == 2 and "There is no retraining 99" in missing.stderr


def test_settings_batches_and_late_labels(env: dict[str, str], tmp_path: Path) -> None:
    """config saves and shows overrides; predict logs a batch; labels join to it; run checks
    logged batches; bad values are one sentence with exit 2."""
    rows = churn_like(200, seed=12)
    features, labels = tmp_path / "b.csv", tmp_path / "labels.csv"
    rows.drop(columns=["churn"]).to_csv(features, index=False)
    rows[["customer_id", "churn"]].to_csv(labels, index=False)
    done = run("monitor", "config", "churn", "--test", "tenure=psi", "--share", "0.3", env=env)
    assert done.returncode == 0 and "tenure: test psi" in done.stdout
    bad = run("monitor", "config", "churn", "--test", "plan=ks", env=env)
    assert bad.returncode == 2 and bad.stderr.startswith("error: 'ks' is not a drift test")
    scored = run("predict", "churn", str(features), "--out", str(tmp_path / "o.csv"), env=env)
    assert scored.returncode == 0, scored.stderr
    listed = json.loads(run("monitor", "batches", "churn", "--json", env=env).stdout)
    batch = listed["batches"][0]
    assert batch["keys"] == ["customer_id"] and batch["rows"] == 200
    joined = run(
        "monitor", "labels", str(batch["id"]), str(labels), "--id-column", "customer_id",
        "--json", env=env,
    )  # fmt: skip
    document = json.loads(joined.stdout)
    assert document["matched"] == 200 and 0.5 < document["performance"]["current"] <= 1
    checked = json.loads(
        run("monitor", "run", "churn", "--batches", str(batch["id"]), "--json", env=env).stdout
    )
    assert {f["name"]: f["test"] for f in checked["features"]}["tenure"] == "psi"
    assert checked["windows"][0]["window"].startswith(f"#{batch['id']}")
    wrong = run("monitor", "labels", str(batch["id"]), str(labels), "--id-column", "x", env=env)
    assert wrong.returncode == 2 and "did not keep a column 'x'" in wrong.stderr
    no_labels = run("monitor", "retrain", "churn", "--batch", "99", env=env)
    assert no_labels.returncode == 2 and "no logged batch #99" in no_labels.stderr


def test_the_three_reports_and_their_errors(env: dict[str, str], tmp_path: Path) -> None:
    """`studio report compare|model|drift`: files under 5 MB with the user's values in them,
    and one-sentence errors (here to share the module's store with a model in production)."""
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

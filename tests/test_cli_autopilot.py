"""The autopilot from the command line: the --wait --json contract, status, stop, export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.autopilot.conftest import churn_like
from tests.cli import clean_env, run, run_process


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """A fresh SQLite store holding the 'churn' dataset."""
    values = clean_env(tmp_path / "home", "cli")
    csv = tmp_path / "churn.csv"
    churn_like().to_csv(csv, index=False)
    assert run("data", "add", str(csv), env=values).returncode == 0
    return values


def test_run_wait_json_contract_status_and_export(env: dict[str, str], tmp_path: Path) -> None:
    """--wait --json prints the agreed document (a real process: one JSON document on its
    stdout); status repeats it; export writes a script."""
    result = run_process(
        "autopilot", "run", "--dataset", "churn", "--target", "churn", "--max-trials", "5",
        "--families", "linear,hgb", "--no-budget", "--wait", "--json", env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert {"run_id", "status", "task", "metric", "trials", "best", "leaderboard"} <= set(document)
    assert (document["status"], document["task"], document["metric"]) == (
        "finished", "binary", "roc_auc",
    )  # fmt: skip
    entry = document["leaderboard"][0]
    keys = {"rank", "candidate", "family", "cv_score", "holdout", "fit_seconds"}
    assert keys | {"predict_ms_per_1k"} <= set(entry) and entry == document["best"]
    assert "trials" in result.stderr  # progress went to stderr
    status = json.loads(run("autopilot", "status", "1", "--json", env=env).stdout)
    assert status["leaderboard"] == document["leaderboard"]
    out = tmp_path / "best.py"
    assert run("runs", "export-code", "1", "--out", str(out), env=env).returncode == 0
    assert "def build_pipeline" in out.read_text()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("autopilot", "status", "999"), "There is no run 999"),
        (("autopilot", "stop", "999"), "There is no run 999"),
        (("autopilot", "run", "--dataset", "churn", "--target", "nope"), "'nope' is not a column"),
        (("autopilot", "run", "--dataset", "churn", "--target", "churn", "--budget-seconds", "0"),
         "The time budget must be more than 0 seconds"),
        (("autopilot", "run", "--dataset", "churn", "--target", "churn", "--no-budget"),
         "Give a time budget, a maximum number of trials, or both"),
        (("autopilot", "run", "--dataset", "churn", "--target", "churn", "--top-k", "0"),
         "The number of candidates to keep must be between 1 and 20"),
        (("autopilot", "run", "--dataset", "churn", "--target", "churn", "--families", "gbm"),
         "Unknown model family 'gbm'; choose from hgb"),
        (("runs", "export-code", "999", "--out", "x.py"), "There is no run 999"),
    ],
)  # fmt: skip
def test_user_errors_exit_2(env: dict[str, str], args: tuple[str, ...], message: str) -> None:
    """Bad requests exit 2 with one sentence and queue nothing."""
    result = run(*args, env=env)
    assert result.returncode == 2 and result.stderr.startswith(f"error: {message}")
    assert "Traceback" not in result.stderr
    assert run("autopilot", "status", "1", env=env).returncode == 2  # nothing was queued


def test_wait_returns_at_the_end_of_the_run_and_wait_analysis_after_its_analysis(
    env: dict[str, str],
) -> None:
    """--wait does not sit through the post-run analysis; --wait-analysis does (its views and
    diagnostics are stored when it returns)."""
    from studio.config import load_settings
    from studio.context import Studio
    from studio.experiments.detail import run_detail

    args = ("autopilot", "run", "--dataset", "churn", "--target", "churn", "--max-trials", "2",
            "--families", "linear", "--no-budget", "--json")  # fmt: skip
    first = run(*args, "--wait", env=env)
    assert first.returncode == 0 and json.loads(first.stdout)["status"] == "finished"
    assert "waiting for its analysis" not in first.stderr
    second = run(*args, "--wait-analysis", env=env)
    assert second.returncode == 0 and "waiting for its analysis" in second.stderr
    studio = Studio.open(load_settings(env))
    assert run_detail(studio, 2).analysis.status == "done"


def test_wait_behind_another_queued_run_still_ends(env: dict[str, str]) -> None:
    """A run queued earlier is taken first by the one-job worker --wait starts; --wait then
    starts another for its own run instead of waiting for ever on a queued run."""
    args = ("autopilot", "run", "--dataset", "churn", "--target", "churn", "--max-trials", "2",
            "--families", "linear", "--no-budget", "--json")  # fmt: skip
    assert run(*args, env=env).returncode == 0  # queued, no worker yet
    waited = run(*args, "--wait", env=env)
    assert waited.returncode == 0, waited.stderr
    result = json.loads(waited.stdout)
    assert (result["run_id"], result["status"]) == (2, "finished")

"""A run in which no trial completed ends failed and says why, in one sentence."""

from __future__ import annotations

import json

import numpy as np
import optuna
import pandas as pd
import pytest
from optuna.trial import TrialState, create_trial
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from studio.autopilot.failures import FAIL_FAST_TRIALS, TIME_LIMIT, failed_early, no_model_reason
from studio.context import Studio
from studio.tracking import get_run
from tests.autopilot.test_runs import _launch, run_worker_once
from tests.cli import run


def _failure_of(X: pd.DataFrame, y: np.ndarray) -> str:
    """The last line of what a real scikit-learn fit raises on X (what a failed trial keeps)."""
    with pytest.raises(Exception) as caught:  # noqa: PT011 (any failure a trial could meet)
        make_pipeline(StandardScaler(), LogisticRegression()).fit(X, y)
    return f"{type(caught.value).__name__}: {caught.value}".strip().splitlines()[-1]


def _failed(number: int, failure: str) -> optuna.trial.FrozenTrial:
    trial = create_trial(state=TrialState.FAIL, user_attrs={"failure": failure})
    trial.number = number
    return trial


def test_the_first_real_cause_names_the_column() -> None:
    """Infinite values: the sentence names the column that holds them."""
    X = pd.DataFrame({"ratio": [1.0, np.inf, 2.0, 3.0] * 5, "age": np.arange(20.0)})
    cause = _failure_of(X, np.arange(20) % 2)
    trials = [_failed(0, TIME_LIMIT), _failed(1, cause), _failed(2, "ValueError: other")]
    reason = no_model_reason(trials, X, 60)
    assert reason == "Every trial failed: column 'ratio' holds infinite values."


def test_text_where_numbers_are_expected_and_unknown_causes() -> None:
    X = pd.DataFrame({"price": ["1.5", "n.a.", "2"] * 4})
    cause = _failure_of(X, np.arange(12) % 2)
    assert no_model_reason([_failed(0, cause)], X, None) == (
        "Every trial failed: column 'price' holds text ('n.a.') where numbers are expected."
    )
    odd = no_model_reason([_failed(0, "RuntimeError: the moon is full")], X, None)
    assert odd == "Every trial failed: RuntimeError: the moon is full."


def test_time_limits_and_no_trial_at_all() -> None:
    X = pd.DataFrame({"a": [1.0]})
    assert "ran past its time limit" in no_model_reason([_failed(0, TIME_LIMIT)], X, 60)
    assert no_model_reason([], X, 60) == (
        "No trial finished within the 60 s budget; resume it with a larger time budget."
    )


def test_the_search_gives_up_after_the_first_failures_only_when_none_completed() -> None:
    broken = [_failed(i, "ValueError: bad input") for i in range(FAIL_FAST_TRIALS)]
    assert failed_early(broken)
    assert not failed_early(broken[:-1])  # too few to tell
    assert not failed_early([_failed(i, TIME_LIMIT) for i in range(FAIL_FAST_TRIALS)])
    complete = create_trial(state=TrialState.COMPLETE, value=0.5)
    assert not failed_early([complete, *broken])


def test_a_run_whose_every_trial_fails_ends_failed_and_says_why(churn_studio: Studio) -> None:
    """Every trial stopped by a tiny time limit: 'failed' with the reason, not 'finished'."""
    run_id = _launch(churn_studio, budget_seconds=None, max_trials=3, per_trial_seconds=0.01,
                     families=["linear"])  # fmt: skip
    run_worker_once(churn_studio)
    info = get_run(churn_studio, run_id)
    assert info.status == "failed" and not info.leaderboard
    assert info.message.startswith("Every trial ran past its time limit")
    assert any(level == "error" and text == info.message for _at, level, text in info.events)


def test_the_cli_exits_non_zero_with_the_reason(tmp_path, home_env) -> None:  # noqa: ANN001
    from tests.autopilot.conftest import churn_like
    from tests.cli import clean_env

    env = clean_env(home_env, "cli")
    churn_like().to_csv(tmp_path / "churn.csv", index=False)
    assert run("data", "add", str(tmp_path / "churn.csv"), env=env).returncode == 0
    done = run("autopilot", "run", "--dataset", "churn", "--target", "churn", "--no-budget",
               "--max-trials", "2", "--per-trial-seconds", "0.01", "--families", "linear",
               "--wait", "--json", env=env)  # fmt: skip
    assert done.returncode == 1
    assert (
        done.stderr.strip()
        .splitlines()[-1]
        .startswith("error: run 1 failed: Every trial ran past its time limit")
    )
    assert json.loads(done.stdout)["status"] == "failed"

"""The search does not start a trial its family's completed trials say cannot finish."""

from __future__ import annotations

from datetime import datetime, timedelta

import optuna
from optuna.distributions import CategoricalDistribution
from optuna.trial import TrialState

from studio.autopilot.trial_cost import SAFETY, expected_seconds, none_fit, too_slow

FAMILY = CategoricalDistribution(["hgb", "random_forest", "linear"])
START = datetime(2026, 12, 1, 8, 0, 0)


def _timed(family: str, seconds: float, state: TrialState) -> optuna.trial.FrozenTrial:
    trial = optuna.trial.create_trial(
        state=state, value=0.9 if state == TrialState.COMPLETE else None,
        params={"family": family}, distributions={"family": FAMILY},
    )  # fmt: skip
    trial.datetime_start, trial.datetime_complete = START, START + timedelta(seconds=seconds)
    return trial


def test_a_familys_cost_is_the_median_of_its_completed_trials() -> None:
    trials = [_timed("hgb", 2, TrialState.COMPLETE), _timed("hgb", 4, TrialState.COMPLETE),
              _timed("hgb", 30, TrialState.COMPLETE), _timed("hgb", 90, TrialState.FAIL),
              _timed("linear", 0.5, TrialState.COMPLETE)]  # fmt: skip
    assert expected_seconds(trials, "hgb") == SAFETY * 4  # the failed one is left out
    assert expected_seconds(trials, "random_forest") is None  # no estimate: it may run
    assert too_slow(trials, "hgb", seconds_left=4.0)
    assert not too_slow(trials, "hgb", seconds_left=5.0)
    assert not too_slow(trials, "random_forest", seconds_left=0.1)


def test_the_search_ends_only_when_no_family_could_finish() -> None:
    trials = [_timed("hgb", 10, TrialState.COMPLETE), _timed("linear", 1, TrialState.COMPLETE)]
    assert not none_fit(trials, ["hgb", "linear"], seconds_left=2.0)  # linear still fits
    assert none_fit(trials, ["hgb", "linear"], seconds_left=1.0)
    assert not none_fit(trials, ["hgb", "linear", "random_forest"], seconds_left=1.0)

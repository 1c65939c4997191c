"""A run's fit of its leader on all rows (``autopilot.all_rows``): it ends by the run's hard
end, and one that cannot finish leaves no file behind."""

from __future__ import annotations

import time

import numpy as np
import pytest

from studio.autopilot import all_rows
from studio.autopilot.all_rows import Leader
from studio.autopilot.data import prepare_training_data
from studio.autopilot.pipeline import CandidateSpec, model_output
from studio.context import Studio
from studio.modelio import load_model
from studio.registry.training import refit_all_rows
from studio.tracking import get_run

pytestmark = pytest.mark.database


def _leader(studio: Studio, run_id: int) -> tuple[Leader, object, object]:
    run = get_run(studio, run_id, events=0)
    best = run.leaderboard[0]
    data = prepare_training_data(studio, run.config["dataset"], run.config)
    spec = CandidateSpec(best.family, dict(best.params), run.task, int(run.config["seed"]))
    candidate = load_model(studio.artifacts, best.artifact, best.artifact_sha256)
    return Leader(best.name, {best.name: spec}), data, candidate


def test_a_fit_in_time_is_adopted_and_predicts_as_refit(finished_run: tuple[Studio, int]) -> None:
    """Enough time: the file is moved into place, and its model predicts what refitting the
    candidate on all rows predicts."""
    studio, run_id = finished_run
    leader, data, candidate = _leader(studio, run_id)
    temp = studio.artifacts.path_of(f"runs/{run_id}/candidates/.all-rows.partial")
    fit = all_rows.start(data, leader, temp, time.monotonic() + 120, beside=True)
    stored = fit.result(studio.artifacts, f"runs/{run_id}/candidates/test-all-rows.skops")
    assert stored is not None and not temp.exists()
    model = load_model(studio.artifacts, stored.path, stored.sha256)
    X, _ = all_rows.all_rows(data)
    np.testing.assert_allclose(model_output(model, X),
                               model_output(refit_all_rows(candidate, data), X))  # fmt: skip


def test_a_fit_past_the_hard_end_leaves_no_file(finished_run: tuple[Studio, int]) -> None:
    """The run's hard end is too near: the fit is stopped, nothing is adopted and its partial
    file is gone."""
    studio, run_id = finished_run
    leader, data, _ = _leader(studio, run_id)
    temp = studio.artifacts.path_of(f"runs/{run_id}/candidates/.all-rows.partial")
    hard_end = time.monotonic() + 0.05
    fit = all_rows.start(data, leader, temp, hard_end, beside=True)
    assert fit.result(studio.artifacts, f"runs/{run_id}/candidates/late.skops") is None
    assert not temp.exists()
    assert not studio.artifacts.path_of(f"runs/{run_id}/candidates/late.skops").exists()
    assert not all_rows.time_enough(10.0, data, hard_end)

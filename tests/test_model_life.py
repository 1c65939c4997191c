"""A model's whole life, on SQLite and PostgreSQL: data → run → stop → register → approve →
promote → resume → a second version → score → monitor (a baseline over 1,000 rows) → labels →
retrain → challenger → sweep → rollback. At the end every version still predicts exactly what
it predicted when it was registered, and what every version names (its run, its candidate, its
files) is still there and unchanged."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from studio.autopilot.service import AutopilotRequest, launch_run, request_stop, resume_run
from studio.context import Studio
from studio.data.versions import add_dataset_version
from studio.experiments.detail import diagnostics_for, run_detail, stored_views
from studio.maintenance import referenced_files, sweep_orphans
from studio.monitor.batches import attach_labels
from studio.monitor.retrain import challenger_report, start_retrain
from studio.monitor.service import monitor_frame
from studio.registry.lifecycle import decide, promote
from studio.registry.register import register_candidate
from studio.registry.scoring import score_frame
from studio.registry.versions import get_version
from studio.tracking import get_run
from tests.autopilot.conftest import churn_like
from tests.waits import HANG_GUARD_SECONDS, wait_until
from tests.workers import run_worker_once, worker_process

pytestmark = pytest.mark.database


def _predictions(studio: Studio, ref: str, rows: pd.DataFrame) -> np.ndarray:
    scored = score_frame(studio, ref, rows, "check.csv", "ana")
    return scored.output.filter(like="proba_").to_numpy()


def _candidate_of(studio: Studio, ref: str) -> tuple[int, str, str]:
    """(run id, candidate id, the candidate file's checksum) a version names."""
    version = get_version(studio, ref)
    run = get_run(studio, version.run_id, events=0)
    candidate = next(c for c in run.leaderboard if c.id == version.candidate_id)
    return version.run_id, candidate.id, candidate.artifact_sha256


def _analysis_is_stored(studio: Studio, run_id: int) -> None:
    """The worker stored the run's analysis: views and every candidate's diagnostics."""
    detail = run_detail(studio, run_id)
    assert detail.analysis.status == "done", detail.analysis.message
    assert stored_views(studio, detail)["all"]
    ids = [c.id for c in detail.run.leaderboard]
    diagnostics = diagnostics_for(studio, ids)
    assert set(diagnostics) == set(ids)
    assert all(d["explain"]["importance"] for d in diagnostics.values())


def test_a_model_lives_its_whole_life_and_its_history_holds(studio: Studio) -> None:
    frame = churn_like(1_400, seed=3)
    add_dataset_version(studio, frame.to_csv(index=False).encode(), "churn.csv", actor="ana")
    request = AutopilotRequest(dataset="churn", target="churn", budget_seconds=None,
                               max_trials=8, families=["linear"], top_k=2)  # fmt: skip
    run_id = launch_run(studio, request, actor="ana")

    worker = worker_process(studio, "--once")
    wait_until(lambda: get_run(studio, run_id, events=0).trials_done >= 2, "two trials")
    request_stop(studio, run_id, actor="ana")
    assert worker.wait(timeout=HANG_GUARD_SECONDS) == 0
    assert get_run(studio, run_id, events=0).status == "stopped"

    register_candidate(studio, run_id, "life", "ana")
    decide(studio, "life", 1, True, "checked", "bob")
    promote(studio, "life", 1, "production", "first", "bob")
    rows = churn_like(200, seed=11).drop(columns=["churn"])
    first = _predictions(studio, "life@1", rows)
    lineage = _candidate_of(studio, "life@1")

    resume_run(studio, run_id, actor="ana")
    run_worker_once(studio)
    assert get_run(studio, run_id, events=0).status == "finished"
    _analysis_is_stored(studio, run_id)
    assert _candidate_of(studio, "life@1") == lineage  # resume added, rewrote nothing
    np.testing.assert_array_equal(_predictions(studio, "life@1", rows), first)

    register_candidate(studio, run_id, "life", "ana")
    decide(studio, "life", 2, True, "better", "bob")
    promote(studio, "life", 2, "production", "second", "bob")
    second = _predictions(studio, "life", rows)

    live = churn_like(400, seed=21)
    scored = score_frame(studio, "life", live.drop(columns=["churn"]), "live.csv", "ana")
    assert get_version(studio, "life").baseline["training_rows"] > 1_000
    report = monitor_frame(studio, "life", live.drop(columns=["churn"]), actor="ana")
    assert {f.name for f in report.overall.features} >= {"tenure", "plan", "charges"}
    attach_labels(studio, scored.batch_id, live[["customer_id", "churn"]], "customer_id", "ana")
    retrain_id = start_retrain(studio, "life", churn_like(300, seed=31), "ana",
                               budget_seconds=None, max_trials=2, families=["linear"])  # fmt: skip
    run_worker_once(studio)
    assert challenger_report(studio, retrain_id).run_status == "finished"

    kept = referenced_files(studio)
    removed = sweep_orphans(studio, grace_seconds=0)
    assert not set(removed) & kept
    promote(studio, "life", 1, "production", "roll back", "bob")

    assert get_version(studio, "life").version == 1
    np.testing.assert_array_equal(_predictions(studio, "life", rows), first)
    np.testing.assert_array_equal(_predictions(studio, "life@2", rows), second)
    assert _candidate_of(studio, "life@1") == lineage
    for path in referenced_files(studio):
        assert studio.artifacts.path_of(path).is_file(), path

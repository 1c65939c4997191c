"""A finished run's analysis, end to end: a real run in a worker process, then what it stored."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import plotly.io as pio
import pytest
from sqlmodel import select

from studio.autopilot.service import AutopilotRequest, launch_run
from studio.context import Studio
from studio.db import session_scope
from studio.db.models import RunAnalysis
from studio.errors import InvalidInputError, NotFoundError
from studio.experiments.analysis import analyze_run, request_analysis
from studio.experiments.detail import (
    diagnostics_for,
    family_best,
    run_detail,
    stored_views,
    trial_csv,
    trial_table,
)
from studio.maintenance import sweep_orphans
from tests.autopilot.conftest import churn_studio  # noqa: F401 (fixture)
from tests.stores import StoreCopy


@pytest.fixture
def finished(prepared: Callable[..., StoreCopy]) -> tuple[Studio, int]:
    """A finished 10-trial run on churn, analysed by the worker that ran it (a copy)."""
    copy = prepared("mixed_churn")
    return Studio.open(copy.settings), int(copy.info["run_id"])


# On PostgreSQL: every JSON column's round trip is tests/core/test_json_documents.py, and a
# worker's stored analysis is read back in tests/test_model_life.py.
def test_worker_stores_trials_views_and_diagnostics(finished: tuple[Studio, int]) -> None:
    """Trials, Optuna views and every candidate's diagnostics are stored once the run ends."""
    studio, run_id = finished
    detail = run_detail(studio, run_id)
    assert detail.analysis.status == "done", detail.analysis.message
    trials = trial_table(studio, detail)
    assert len(trials) == detail.run.trials_done == 10
    assert set(trials["state"]) <= {"complete", "pruned", "fail"}
    best = family_best(trials, greater_is_better=True)
    assert best["best"].max() == pytest.approx(detail.run.best_score)
    views = stored_views(studio, detail)
    history = pio.from_json(views["all"]["history"])
    assert history.layout.yaxis.title.text == "ROC AUC"
    diagnostics = diagnostics_for(studio, [c.id for c in detail.run.leaderboard])
    assert set(diagnostics) == {c.id for c in detail.run.leaderboard}
    for candidate in detail.run.leaderboard:
        stored = diagnostics[candidate.id]
        # the curves were computed from the same holdout outputs as the leaderboard
        assert stored["curves"]["roc"]["auc"] == pytest.approx(candidate.holdout["roc_auc"])
        assert stored["rows"] == 80  # 20% of 400
        assert stored["explain"]["importance"], stored["explain"]["problems"]
        assert {r["feature"] for r in stored["explain"]["importance"]} <= {
            "tenure", "plan", "charges", "signup", "customer_id"
        }  # fmt: skip
    csv = trial_csv(trials).decode()
    assert csv.splitlines()[0].startswith("trial,family,state,score")
    _recompute_replaces_files(studio, run_id)


def _recompute_replaces_files(studio: Studio, run_id: int) -> None:
    """The sweep keeps analysis files; a recomputation swaps them and removes the old ones."""
    assert sweep_orphans(studio, grace_seconds=0) == []
    before = run_detail(studio, run_id).analysis
    request_analysis(studio, run_id)
    assert run_detail(studio, run_id).analysis.status == "pending"
    assert analyze_run(studio, run_id) == "done"
    after = run_detail(studio, run_id).analysis
    assert after.trials_artifact != before.trials_artifact
    assert not studio.artifacts.path_of(before.trials_artifact).exists()
    assert pd.read_parquet(studio.artifacts.path_of(after.trials_artifact)).shape[0] == 10
    with session_scope(studio.engine) as session:
        assert len(session.exec(select(RunAnalysis)).all()) == 1


def test_analysis_requests_are_checked(churn_studio: Studio) -> None:  # noqa: F811
    """Unknown runs and runs still queued cannot be analysed."""
    studio = churn_studio
    with pytest.raises(NotFoundError):
        request_analysis(studio, 999)
    queued = launch_run(studio, AutopilotRequest(dataset="churn", target="churn"), actor="t")
    with pytest.raises(InvalidInputError, match="only a finished or stopped run"):
        request_analysis(studio, queued)

"""Experiment fixtures: runs and candidates written straight into a real store."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import numpy as np
import pytest

from studio.context import Studio
from studio.data.versions import add_dataset_version, get_version
from studio.db import session_scope
from studio.db.models import Candidate, CandidateDiagnostics, Run
from studio.experiments.analysis import clean_json
from studio.experiments.diagnostics import holdout_diagnostics
from tests.autopilot.conftest import churn_like


def version_id(studio: Studio, ref: str) -> int:
    """The database id of a dataset version."""
    from studio.autopilot.service import _version_id

    info = get_version(studio, ref)
    with session_scope(studio.engine) as session:
        return _version_id(session, info)


def add_run(studio: Studio, version: int, **fields: Any) -> int:
    """A run row as the autopilot leaves it (status, metric, scores, dates as given)."""
    values = dict(target="churn", task="binary", metric="roc_auc", status="finished",
                  created_by="ana", trials_done=10, best_score=0.8,
                  config={"seed": 0, "holdout": 0.2})  # fmt: skip
    values |= fields
    with session_scope(studio.engine) as session:
        run = Run(dataset_version_id=version, **values)
        session.add(run)
        session.flush()
        return run.id


def add_candidate(
    studio: Studio, run_id: int, name: str, output: np.ndarray | None, y: np.ndarray | None,
    family: str = "hgb", params: dict | None = None, seed: int = 0,
) -> int:  # fmt: skip
    """A candidate row; with ``output`` and ``y``, its holdout metrics and diagnostics too."""
    from studio.autopilot.metrics import LEADERBOARD_METRICS, METRICS, score

    holdout = (
        {m: score(METRICS[m], y, output) for m in LEADERBOARD_METRICS["binary"]}
        if output is not None
        else {}
    )
    with session_scope(studio.engine) as session:
        row = Candidate(
            run_id=run_id, name=name, rank=1, family=family, params=params or {},
            cv_score=0.8, cv_std=0.01, holdout=holdout, fit_seconds=0.1, predict_ms_per_1k=1.0,
            size_bytes=1, artifact=f"runs/{run_id}/candidates/{name}.skops", artifact_sha256="0",
        )  # fmt: skip
        session.add(row)
        session.flush()
        if output is not None:
            data = holdout_diagnostics("binary", ["No", "Yes"], y, output, seed)
            session.add(CandidateDiagnostics(candidate_id=row.id, data=clean_json(data)))
        return row.id


@pytest.fixture
def churn_version(studio: Studio) -> int:
    """The 'churn' dataset in the store; returns its version's id."""
    add_dataset_version(studio, churn_like().to_csv(index=False).encode(), "churn.csv", actor="t")
    return version_id(studio, "churn")


def when(day: int) -> datetime:
    """A launch time in November 2026."""
    return datetime(2026, 11, day, 12, 0, tzinfo=UTC)

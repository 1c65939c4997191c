"""Retraining a model whose run was split by time holds back the most recent third of the new
rows (else a seeded random third, as before), and says which."""

from __future__ import annotations

import pandas as pd
import pytest

from studio.autopilot.service import AutopilotRequest, launch_run
from studio.context import Studio
from studio.data.versions import add_dataset_version
from studio.db import session_scope
from studio.db.models import Retrain
from studio.monitor.held_back import held_back_rows
from studio.monitor.retrain import challenger_report, start_retrain
from studio.registry.register import register_candidate
from studio.tracking import get_run
from tests.autopilot.conftest import churn_like
from tests.workers import run_worker_once


@pytest.fixture
def churn_studio(studio: Studio) -> Studio:
    """A Studio holding the 'churn' dataset (400 rows, a 'signup' date)."""
    add_dataset_version(studio, churn_like().to_csv(index=False).encode(), "churn.csv", actor="t")
    return studio


def test_a_time_split_model_is_compared_on_the_most_recent_third(churn_studio: Studio) -> None:
    """The held-back rows are exactly the latest 50 of 150 by the run's time column (a naive
    stable sort-and-slice), the challenger's run is split by time too, and the report says so."""
    request = AutopilotRequest(dataset="churn", target="churn", budget_seconds=None,
                               max_trials=1, families=["linear"], top_k=1,
                               time_column="signup")  # fmt: skip
    launch_run(churn_studio, request, actor="t")
    run_worker_once(churn_studio)
    register_candidate(churn_studio, 1, "m", "ana")
    labelled = churn_like(150, seed=77)
    retrain_id = start_retrain(churn_studio, "m@1", labelled, "ana", budget_seconds=None,
                               max_trials=1, families=["linear"])  # fmt: skip
    with session_scope(churn_studio.engine) as session:
        row = session.get(Retrain, retrain_id)
        artifact, sha256, kind = row.compare_artifact, row.compare_sha256, row.held_back
    held = pd.read_parquet(churn_studio.artifacts.verified_path(artifact, sha256))
    naive = sorted(range(150), key=lambda i: (labelled["signup"][i], i))[100:]
    assert kind == "latest"
    assert sorted(held["customer_id"]) == sorted(labelled["customer_id"].iloc[naive])
    report = challenger_report(churn_studio, retrain_id)
    start = labelled["signup"].iloc[naive].min()
    assert report.held_back == (
        "Held back for the comparison: the most recent third of the new rows by 'signup' "
        f"(from {start:%Y-%m-%d}), as the champion's run was split by time."
    )
    assert get_run(churn_studio, report.run_id, events=0).config["time_column"] == "signup"


@pytest.mark.parametrize(
    ("column", "drop", "kind", "says"),
    [
        (None, False, "random", "a random third of the new rows."),
        ("signup", True, "random", "(the new rows have no 'signup' column, so"),
        ("signup", False, "latest", "the most recent third of the new rows by 'signup'"),
    ],
)
def test_held_back_rows_without_a_usable_time_column_are_a_seeded_random_third(
    column: str | None, drop: bool, kind: str, says: str
) -> None:
    """No time column (or none in the file): the same seeded third as before, saying why."""
    rows = churn_like(150, seed=5)
    rows = rows.drop(columns=["signup"]) if drop else rows
    held, got, sentence = held_back_rows(rows, column)
    assert got == kind and says in sentence and len(held) == 50
    if kind == "random":
        pd.testing.assert_frame_equal(held, rows.sample(frac=1 / 3, random_state=0))
    else:
        assert held["signup"].min() >= rows.drop(index=held.index)["signup"].max()

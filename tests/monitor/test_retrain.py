"""The retraining loop end to end, and the recommendation sentences."""

from __future__ import annotations

import pytest

from studio.context import Studio
from studio.data.versions import list_versions as dataset_versions
from studio.errors import InvalidInputError
from studio.monitor.retrain import challenger_report, recommend, start_retrain
from tests.autopilot.conftest import churn_like
from tests.autopilot.test_runs import run_worker_once


def test_retrain_trains_a_challenger_and_compares_it_on_held_back_rows(
    registered: Studio,
) -> None:
    """New labelled rows: two thirds join the training data as a new dataset version, a run
    trains the challenger, the last third compares it with the champion (paired)."""
    labelled = churn_like(150, seed=77)
    retrain_id = start_retrain(
        registered, "m@1", labelled, "ana", budget_seconds=None, max_trials=4, families=["linear"]
    )
    versions = dataset_versions(registered, "churn")
    assert [v.version for v in versions][:1] == [2] and versions[0].rows == 400 + 100
    waiting = challenger_report(registered, retrain_id)
    assert waiting.run_status == "queued" and waiting.challenger_score is None
    run_worker_once(registered)
    report = challenger_report(registered, retrain_id)
    assert report.run_status == "finished" and report.rows == 50
    assert report.champion == "m@1" and report.challenger is not None
    low, high = report.interval
    assert low <= report.difference <= high
    assert report.recommendation.startswith(("Keep the champion", "Promote the challenger"))
    with pytest.raises(InvalidInputError, match="at least 60 rows with a 'churn' label"):
        start_retrain(registered, "m@1", labelled.drop(columns=["churn"]), "ana")


def test_recommendations_follow_the_interval() -> None:
    """A clear win, a tie within the interval, and a loss each get their sentence."""
    win = recommend("ROC AUC", True, 0.03, (0.01, 0.05), 500)
    assert win.startswith("Promote the challenger (after approval)") and "+0.0300" in win
    tie = recommend("ROC AUC", True, 0.004, (-0.01, 0.02), 500)
    assert tie.startswith("Keep the champion") and "within the uncertainty" in tie
    loss = recommend("RMSE", False, 0.5, (0.2, 0.8), 80)  # a higher error is worse
    assert loss.startswith("Keep the champion: the challenger's RMSE is worse by 0.5000")
    gain = recommend("RMSE", False, -0.5, (-0.8, -0.2), 80)
    assert gain.startswith("Promote the challenger")

"""Monitoring a registered model: stored windows, history, alerts, prediction drift."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from studio.context import Studio
from studio.errors import InvalidInputError
from studio.monitor.history import drift_history
from studio.monitor.service import list_results, monitor_frame
from studio.registry.versions import get_version
from tests.autopilot.conftest import churn_like


def _batch(seed: int, shifted: bool):  # noqa: ANN202
    frame = churn_like(400, seed=seed).drop(columns=["churn"])
    if shifted:
        frame["tenure"] = frame["tenure"] + 30
        frame["charges"] = frame["charges"] * 1.8
        frame["plan"] = np.where(np.arange(400) % 3 == 0, "plus", "pro")
    frame["seen"] = np.repeat(["2026-02-02", "2026-02-10"], 200)
    return frame


@pytest.mark.database
def test_windows_are_stored_and_history_reads_them(registered: Studio) -> None:
    """A calm week then a shifted week: the history shows both, the alert names the second."""
    calm, moved = _batch(21, False)[:200], _batch(22, True)[200:]
    frame = pd.concat([calm, moved], ignore_index=True)
    result = monitor_frame(registered, "m@1", frame, "ana", time_column="seen", window="1W")
    assert [w.label for w in result.windows] == ["2026-02-02/2026-02-08", "2026-02-09/2026-02-15"]
    assert [w.rows for w in result.windows] == [200, 200]
    assert not result.windows[0].report.dataset_drift and result.windows[1].report.dataset_drift
    assert any(f.drifted for f in result.predictions.features)  # the outputs moved too
    version = get_version(registered, "m@1")
    history = drift_history(registered, version)
    assert history.windows == ("2026-02-02/2026-02-08", "2026-02-09/2026-02-15")
    assert history.drifted == (False, True)
    assert history.alerts[0].severity == "high" and history.alerts[0].window.startswith(
        "2026-02-09"
    )
    assert {"tenure", "charges", "plan"} <= {a.text.split("'")[1] for a in history.alerts[1:]}
    assert history.severity["tenure"][1] > 0 > (history.severity["tenure"][0] or -1)
    assert [r["window"] for r in list_results(registered, "m")][-1] == "all"


def test_batches_without_dates_and_bad_requests(registered: Studio) -> None:
    """Without a time column each batch is a point in the history; bad requests are refused."""
    for seed in (31, 32):
        monitor_frame(registered, "m@1", _batch(seed, False), "ana")
    history = drift_history(registered, get_version(registered, "m@1"))
    assert len(history.windows) == 2 and all(w.startswith("batch ") for w in history.windows)
    with pytest.raises(InvalidInputError, match="is not a window"):
        monitor_frame(registered, "m@1", _batch(1, False), "ana", time_column="seen", window="2Y")
    with pytest.raises(InvalidInputError, match="The batch is empty"):
        monitor_frame(registered, "m@1", _batch(1, False)[:0], "ana")


def test_labels_in_the_batch_give_the_metric_now_against_the_holdout(registered: Studio) -> None:
    """With the target column present: ROC AUC on the labelled rows with an interval, next to
    the holdout value; without it, no performance section."""
    from sklearn.metrics import roc_auc_score

    labelled = churn_like(400, seed=41)
    result = monitor_frame(registered, "m@1", labelled, "ana")
    perf = result.performance
    assert perf is not None and perf.metric == "roc_auc" and perf.rows == 400
    from studio.modelio import load_model
    from studio.registry.outputs import output_frame

    version = get_version(registered, "m@1")
    model = load_model(registered.artifacts, version.artifact, version.artifact_sha256)
    proba = output_frame(model, labelled.drop(columns=["churn"]), version.labels)["proba_Yes"]
    assert perf.current == pytest.approx(roc_auc_score(labelled["churn"] == "Yes", proba))
    low, high = perf.current_interval
    assert low < perf.current < high
    assert perf.reference == version.metrics["holdout"]["roc_auc"]
    assert result.to_json()["performance"]["rows"] == 400
    assert monitor_frame(registered, "m@1", _batch(3, False), "ana").performance is None

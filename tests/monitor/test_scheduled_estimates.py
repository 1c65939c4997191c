"""Scheduled checks estimate performance before labels arrive (and alert on an estimated drop),
and count what the endpoint answered (and alert on its error rate)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from studio.alerts.channels import add_channel
from studio.alerts.rules import add_rule
from studio.alerts.state import list_alerts
from studio.config import load_settings
from studio.context import Studio
from studio.errors import InvalidInputError
from studio.modelio import load_version_model
from studio.monitor.batches import logged_rows
from studio.monitor.check_estimates import headline_metric
from studio.monitor.checks import run_due_checks
from studio.monitor.estimate import estimate_window, reference
from studio.monitor.schedules import set_schedule
from studio.registry.outputs import output_frame, proba_column
from studio.registry.scoring import score_frame
from studio.registry.versions import get_version
from tests.alerts.conftest import Receiver, receiver  # noqa: F401 (the fixture)
from tests.autopilot.conftest import churn_like
from tests.cli import run
from tests.serving.endpoint import call, serving
from tests.serving.test_endpoint import _rows
from tests.stores import StoreCopy

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _rows_the_model_doubts(studio: Studio, n: int) -> pd.DataFrame:
    """The ``n`` rows (of 3,000 like the training data) whose probability is nearest 0.5:
    no covariate moves far, yet the model can only guess on them."""
    version = get_version(studio, "m@1")
    rows = churn_like(3000, seed=5).drop(columns=["churn"])
    outputs = output_frame(load_version_model(studio.artifacts, version), rows, version.labels)
    doubt = np.abs(outputs[proba_column(version.labels[1])].to_numpy() - 0.5)
    return rows.iloc[np.argsort(doubt, kind="stable")[:n]]


def test_a_check_estimates_the_metric_and_alerts_on_an_estimated_drop(
    registered: Studio,
    receiver: Receiver,  # noqa: F811
) -> None:
    """An ordinary batch: the estimate stays near the holdout's, no alert. A batch of rows the
    model doubts: the estimated ROC AUC falls far below it, and the rule fires, with no label."""
    studio = registered
    set_schedule(studio, "m", "ana", every="1h", now=T0)
    add_channel(studio, "team", "webhook", "bob", url=receiver.url, secret="k")
    add_rule(studio, "m", "estimated_metric_drop", ["team"], "bob", delta=0.1)
    version = get_version(studio, "m@1")
    holdout = reference(studio, version, None).holdout

    calm = churn_like(3000, seed=5).drop(columns=["churn"]).sample(300, random_state=1)
    calm_batch = score_frame(studio, "m@1", calm, "calm.csv", "ana").batch_id
    [check] = run_due_checks(studio, "w1", now=T0 + timedelta(hours=1))
    part = check.results["estimated_metric"]
    assert (part["metric"], part["label"]) == (headline_metric(version), "ROC AUC") == (
        "roc_auc", "ROC AUC")  # fmt: skip
    assert part["reference"] == pytest.approx(holdout["roc_auc"])
    expected = estimate_window(studio, version, logged_rows(studio, calm_batch))
    assert part["estimated"] == pytest.approx(expected.metrics["roc_auc"].value)
    assert part["low"] <= part["estimated"] <= part["high"] and part["rows"] == 300
    assert abs(part["estimated"] - part["reference"]) < 0.05
    assert list_alerts(studio, "m") == [] and receiver.received == []

    score_frame(studio, "m@1", _rows_the_model_doubts(studio, 300), "doubt.csv", "ana")
    [check] = run_due_checks(studio, "w1", now=T0 + timedelta(hours=2))
    part = check.results["estimated_metric"]
    assert part["reference"] - part["estimated"] > 0.2
    [alert] = list_alerts(studio, "m")
    assert alert.message.startswith("Estimated ROC AUC is ") and "worse than the holdout" in (
        alert.message)  # fmt: skip
    [got] = receiver.received
    assert got.json["alert"]["id"] == alert.id


@pytest.fixture
def served_churn(prepared: Callable[..., StoreCopy]) -> StoreCopy:
    return prepared("shipped_churn")


def test_endpoint_errors_raise_the_error_rate_alert_once_per_stretch(
    served_churn: StoreCopy,
    receiver: Receiver,  # noqa: F811
    tmp_path: Path,
) -> None:
    """30 answered requests and 10 refused ones (a column missing) reach the real endpoint:
    the next check counts 40 requests, 25% failed, and the 10% rule fires with the counts.
    The check after it covers no new request and says nothing about the endpoint."""
    env = served_churn.env("bob") | {"STUDIO_SERVE_LOG_SECONDS": "3600"}
    studio = Studio.open(load_settings(env))
    set_schedule(studio, "churn", "bob", every="1h", now=T0)
    add_channel(studio, "team", "webhook", "bob", url=receiver.url, secret="k")
    added = run("alerts", "rule", "add", "churn", "--kind", "error_rate", "--above", "0.1",
                "--channel", "team", env=env)  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert "endpoint error rate above 10.0%" in added.stdout
    rows = _rows(tmp_path)[1]
    with serving(env) as url:
        predict = f"{url}/v1/models/churn/predict"
        answered = [call(predict, {"instances": [rows[i]]})[0] for i in range(30)]
        broken = {k: v for k, v in rows[0].items() if k != "tenure"}
        refused = [call(predict, {"instances": [broken]})[0] for _ in range(10)]
    assert set(answered) == {200} and set(refused) == {422}

    [check] = run_due_checks(studio, "w1", now=T0 + timedelta(hours=1))
    part = check.results["serving"]
    assert (part["requests"], part["client_errors"], part["server_errors"]) == (40, 10, 0)
    assert part["error_rate"] == pytest.approx(0.25)
    [alert] = list_alerts(studio, "churn")
    assert alert.message.startswith("25.0% of 40 requests failed since the last check")
    assert "10 refused as bad input, 0 server errors; limit 10.0%" in alert.message
    [got] = receiver.received
    assert got.json["alert"]["id"] == alert.id

    [quiet] = run_due_checks(studio, "w1", now=T0 + timedelta(hours=2))
    assert "serving" not in quiet.results
    [same] = list_alerts(studio, "churn")
    assert (same.id, same.repeats) == (alert.id, 0) and len(receiver.received) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--above", "5"], "share of requests"),
        ([], "needs --above"),
    ],
)
def test_bad_error_rate_rules_are_refused(
    served_churn: StoreCopy, args: list[str], message: str
) -> None:
    env = served_churn.env("bob")
    studio = Studio.open(load_settings(env))
    add_channel(studio, "team", "webhook", "bob", url="http://127.0.0.1:9/hook")
    refused = run("alerts", "rule", "add", "churn", "--kind", "error_rate", "--channel", "team",
                  *args, env=env)  # fmt: skip
    assert refused.returncode == 2 and refused.stderr.startswith("error: ")
    assert message in refused.stderr and "Traceback" not in refused.stderr
    with pytest.raises(InvalidInputError, match="share of requests"):
        add_rule(studio, "churn", "error_rate", ["team"], "bob", above=-0.1)

"""Per-model drift settings, logged batches as monitoring input, and labels joined later."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from studio.context import Studio
from studio.errors import InvalidInputError, NotFoundError, PermissionDeniedError
from studio.monitor.batches import attach_labels, labelled_rows, list_batches, monitor_batches
from studio.monitor.config import MonitorSettings, get_settings, save_settings
from studio.monitor.history import drift_history
from studio.monitor.service import monitor_frame
from studio.registry.scoring import score_frame
from studio.registry.versions import get_version
from tests.autopilot.conftest import churn_like


def _shifted(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out["tenure"] = out["tenure"] + 30
    out["charges"] = out["charges"] * 1.8
    return out


def test_saved_settings_change_the_test_the_threshold_and_the_verdict(registered: Studio) -> None:
    """A model's saved test and threshold are used and recorded; the share rule applies."""
    batch = churn_like(400, seed=5).drop(columns=["churn"])
    before = monitor_frame(registered, "m@1", batch, "ana").overall
    assert {f.name: f.test for f in before.features}["tenure"] == "ks"  # 270 reference rows
    save_settings(
        registered, "m", "ana", MonitorSettings({"tenure": "psi"}, {"tenure": 0.5}, 0.25)
    )
    assert get_settings(registered, "m@1") == MonitorSettings(
        {"tenure": "psi"}, {"tenure": 0.5}, 0.25
    )
    after = monitor_frame(registered, "m@1", _shifted(batch), "ana").overall
    tenure = {f.name: f for f in after.features}["tenure"]
    assert (tenure.test, tenure.threshold) == ("psi", 0.5)
    assert after.share_threshold == 0.25 and after.dataset_drift  # 2 of 4 features moved


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (MonitorSettings({"nope": "ks"}), "'nope' is not a feature of m"),
        (MonitorSettings({"plan": "ks"}), "not a drift test for categorical columns"),
        (MonitorSettings({}, {"tenure": -1.0}), "must be a positive number"),
        (MonitorSettings({"tenure": "ks"}, {"tenure": 5.0}), "use a number below 1"),
        (MonitorSettings({}, {}, 0.0), "above 0 and at most 1"),
    ],
)
def test_bad_settings_are_refused_and_nothing_is_saved(
    registered: Studio, settings: MonitorSettings, message: str
) -> None:
    with pytest.raises(InvalidInputError, match=message):
        save_settings(registered, "m", "ana", settings)
    assert get_settings(registered, "m") == MonitorSettings()


def test_a_viewer_cannot_change_settings(registered: Studio, tmp_path) -> None:  # noqa: ANN001
    roles = tmp_path / "roles.toml"
    roles.write_text('default = ["viewer"]\n[users]\nana = ["analyst"]\n')
    settings = registered.settings.__class__(
        **(registered.settings.__dict__ | {"roles_file": roles})
    )
    studio = Studio(settings=settings, engine=registered.engine, artifacts=registered.artifacts)
    with pytest.raises(PermissionDeniedError):
        save_settings(studio, "m", "vic", MonitorSettings({"tenure": "psi"}))


def test_logged_batches_are_checked_one_window_per_batch(registered: Studio) -> None:
    """Two scored batches, the second shifted: one window each, in history order."""
    calm = churn_like(300, seed=6).drop(columns=["churn"])
    first = score_frame(registered, "m@1", calm, "calm.csv", "ana").batch_id
    second = score_frame(registered, "m@1", _shifted(calm), "moved.csv", "ana").batch_id
    batches = list_batches(registered, "m")
    assert [b.id for b in batches] == [second, first]
    assert batches[0].keys == ("customer_id",) and batches[0].rows == 300
    result = monitor_batches(registered, "m@1", [second, first], "ana")
    assert [w.label for w in result.windows] == [f"#{first} calm.csv", f"#{second} moved.csv"]
    assert [w.report.dataset_drift for w in result.windows] == [False, True]
    history = drift_history(registered, get_version(registered, "m@1"))
    assert history.windows == (f"#{first} calm.csv", f"#{second} moved.csv")
    by_day = monitor_batches(registered, "m@1", [first, second], "ana", window="1D")
    assert len(by_day.windows) == 1 and by_day.windows[0].rows == 600
    with pytest.raises(InvalidInputError, match="at least one logged batch"):
        monitor_batches(registered, "m@1", [], "ana")
    with pytest.raises(NotFoundError, match="no logged batch #999"):
        monitor_batches(registered, "m@1", [999], "ana")


def test_labels_arriving_later_are_joined_on_the_id_column(registered: Studio) -> None:
    """The metric on the joined rows equals scikit-learn's on the same rows; counts are told."""
    rows = churn_like(300, seed=7)
    scored = score_frame(registered, "m@1", rows.drop(columns=["churn"]), "b.csv", "ana")
    labels = rows[["customer_id", "churn"]].sample(frac=1, random_state=0)  # any order
    labels = pd.concat([labels.iloc[:250], pd.DataFrame({"customer_id": [1], "churn": ["No"]})])
    labels["customer_id"] = labels["customer_id"].astype(str)  # a CSV may read ids as text
    result = attach_labels(registered, scored.batch_id, labels, "customer_id", "ana")
    assert (result.matched, result.unmatched_labels, result.unlabelled_rows) == (250, 1, 50)
    truth = rows.set_index("customer_id").loc[labels["customer_id"].iloc[:250].astype(int)]
    proba = scored.output.set_index(rows["customer_id"]).loc[truth.index, "proba_Yes"]
    expected = roc_auc_score(truth["churn"] == "Yes", proba)
    assert result.performance.current == pytest.approx(expected)
    assert result.batch.labelled == 250
    assert list_batches(registered, "m")[0].performance["current"] == pytest.approx(expected)
    training = labelled_rows(registered, scored.batch_id)
    assert len(training) == 250 and training["churn"].isin(["Yes", "No"]).all()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: f.drop(columns=["churn"]), "no column 'churn'"),
        (lambda f: pd.concat([f, f.iloc[:3]]), "repeats 3 value"),
        (lambda f: f.assign(customer_id=f["customer_id"] + 99_999), "Only 0 row"),
        (lambda f: f.assign(churn="Maybe"), "values the model does not know: Maybe"),
    ],
)
def test_bad_labels_are_refused_and_nothing_is_stored(
    registered: Studio,
    change,
    message: str,  # noqa: ANN001
) -> None:
    rows = churn_like(100, seed=8)
    scored = score_frame(registered, "m@1", rows.drop(columns=["churn"]), "b.csv", "ana")
    labels = change(rows[["customer_id", "churn"]])
    with pytest.raises(InvalidInputError, match=message):
        attach_labels(registered, scored.batch_id, labels, "customer_id", "ana")
    assert list_batches(registered, "m")[0].labelled == 0
    with pytest.raises(InvalidInputError, match="did not keep a column 'tenure'"):
        attach_labels(registered, scored.batch_id, rows, "tenure", "ana")
    assert not np.isnan(scored.output["proba_Yes"]).any()

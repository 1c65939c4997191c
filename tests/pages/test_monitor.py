"""Monitor page (AppTest): check a drifted batch, see the verdict and the history."""

from __future__ import annotations

import numpy as np
import pytest

from studio.context import Studio
from studio.registry.register import register_candidate
from tests.autopilot.conftest import churn_like
from tests.pages.test_models import _open


@pytest.fixture
def watched(run_home: Studio) -> Studio:  # noqa: F811
    """The app's store with model 'churn' v1 registered."""
    register_candidate(run_home, 1, "churn", "tester")
    return run_home


def test_drifted_batch_shows_the_alert_the_table_and_the_history(watched: Studio) -> None:
    """Upload a shifted batch with dates, check it, then read drift over time."""
    batch = churn_like(300, seed=5).drop(columns=["churn"])
    batch["tenure"] = batch["tenure"] + 35
    batch["charges"] = batch["charges"] * 2
    batch["plan"] = np.where(np.arange(300) % 2, "pro", "plus")
    batch["seen"] = np.repeat(["2026-04-06", "2026-04-13", "2026-04-20"], 100)
    at = _open("pages/6_Monitor.py")
    assert at.selectbox(key="mon_model").value == "churn"
    at.file_uploader(key="mon_upload").set_value(
        ("april.csv", batch.to_csv(index=False).encode(), "text/csv")
    )
    at.run()
    at.selectbox(key="mon_time").set_value("seen").run()
    at.selectbox(key="mon_window").set_value("1W")
    at.button(key="mon_go").click().run()
    assert not at.exception
    assert any(e.value.startswith("Dataset drift:") for e in at.error)
    table = at.dataframe[0].value
    assert table.loc[0, "Drifted"] and set(table["Feature"]) == {
        "tenure",
        "plan",
        "charges",
        "signup",
    }
    assert any("Prediction drift:" in c.value for c in at.caption)
    assert len(at.get("plotly_chart")) >= 4  # overlay, drifted share, feature line, heat map
    assert any("2026-04-20" in e.value and "Dataset drift" in e.value for e in at.error)
    from studio.registry.versions import get_version

    version_id = get_version(watched, "churn@1").id
    at.button(key=f"drift_report_{version_id}_make").click().run()
    assert not at.exception
    assert "drift report" in at.get("download_button")[0].proto.label


def test_labelled_batch_shows_the_metric_now_and_offers_retraining(watched: Studio) -> None:
    """A batch with the target column: the metric now and at registration, and a Retrain
    button; the Retraining tab says there is none yet."""
    at = _open("pages/6_Monitor.py")
    labelled = churn_like(200, seed=8)
    at.file_uploader(key="mon_upload").set_value(
        ("labelled.csv", labelled.to_csv(index=False).encode(), "text/csv")
    )
    at.run()
    at.button(key="mon_go").click().run()
    assert not at.exception
    labels = [m.label for m in at.metric]
    assert "ROC AUC on these 200 labelled rows" in labels
    assert "ROC AUC on the holdout at registration" in labels
    assert at.button(key="mon_retrain")
    assert any("No retraining yet" in i.value for i in at.info)


def test_no_model_says_where_to_start(home_env) -> None:  # noqa: ANN001
    """With no model the page points to the Models page."""
    at = _open("pages/6_Monitor.py")
    assert any("No registered model yet" in i.value for i in at.info)


def test_logged_batches_labels_and_settings(watched: Studio) -> None:
    """Two batches scored on the Predict path are checked one window each; labels that came
    later are joined on the id column; a saved test override is used by the next check."""
    from studio.registry.scoring import score_frame

    rows = churn_like(200, seed=9)
    calm = score_frame(watched, "churn@1", rows.drop(columns=["churn"]), "calm.csv", "t")
    moved_rows = rows.drop(columns=["churn"]).assign(tenure=lambda f: f["tenure"] + 40)
    moved_rows["charges"] = moved_rows["charges"] * 2
    score_frame(watched, "churn@1", moved_rows, "moved.csv", "t")
    at = _open("pages/6_Monitor.py")
    at.radio(key="mon_source").set_value("Logged batches").run()
    assert len(at.multiselect(key="mon_logged_ids").value) == 2
    at.button(key="mon_logged_go").click().run()
    assert not at.exception
    windows = next(d.value for d in at.dataframe if "Dataset drift" in d.value.columns)
    assert list(windows["Dataset drift"]) == [False, True]

    labels = rows[["customer_id", "churn"]]
    at.selectbox(key="mon_lab_batch").set_value(calm.batch_id)
    at.file_uploader(key="mon_lab_upload").set_value(
        ("labels.csv", labels.to_csv(index=False).encode(), "text/csv")
    )
    at.run()
    at.button(key="mon_lab_go").click().run()
    assert not at.exception
    assert any("Joined 200 labels" in s.value for s in at.success)
    assert "ROC AUC on these 200 labelled rows" in [m.label for m in at.metric]

    at.slider(key="mon_settings_share").set_value(0.25)
    at.button(key="mon_settings_save").click().run()
    assert not at.exception and any("Saved" in s.value for s in at.success)
    from studio.monitor.config import get_settings

    assert get_settings(watched, "churn").share_threshold == 0.25


def test_weekly_windows_of_few_rows_are_merged_and_the_page_says_so(watched: Studio) -> None:
    """300 rows over 52 weeks: the page says that weeks were merged to reach 30 rows, every
    drawn bar carries its value, the heat map has values, and the date is named as untested."""
    import json

    import pandas as pd

    batch = churn_like(300, seed=8).drop(columns=["churn"])
    days = pd.Timestamp("2025-01-06") + pd.to_timedelta(np.arange(300) * 364 // 300, "D")
    batch["seen"] = days.strftime("%Y-%m-%d")
    at = _open("pages/6_Monitor.py")
    at.file_uploader(key="mon_upload").set_value(
        ("year.csv", batch.to_csv(index=False).encode(), "text/csv")
    )
    at.run()
    at.selectbox(key="mon_time").set_value("seen").run()
    at.selectbox(key="mon_window").set_value("1W")
    at.button(key="mon_go").click().run()
    assert not at.exception
    notes = [i.value for i in at.info if "52 periods make" in i.value]
    assert len(notes) == 2  # under the check, and over the history
    assert any("'signup' is a date: not tested" in c.value for c in at.caption)
    charts = {c.proto.id: json.loads(c.proto.spec) for c in at.get("plotly_chart")}
    share = next(s for s in charts.values() if "drifted features" in json.dumps(s["layout"]))
    bars = [t for t in share["data"] if t["type"] == "bar"]
    assert sum(len(t["x"]) for t in bars) == len(bars[0]["x"]) >= 2  # all tested
    assert all(text.endswith("%") for t in bars for text in t["text"])
    heat = next(s for s in charts.values() if "Drift by feature" in json.dumps(s["layout"]))
    values = [v for row in heat["data"][0]["z"] for v in row]
    assert values and all(v is not None for v in values)

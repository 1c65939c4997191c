"""Monitor page (AppTest): estimated performance of logged batches, dashed beside the realised
metric (solid) where labels were joined, with the warning of a shifted batch."""

from __future__ import annotations

import json

from studio.context import Studio
from studio.monitor.batches import attach_labels
from studio.registry.register import register_candidate
from studio.registry.scoring import score_frame
from tests.autopilot.conftest import churn_like
from tests.pages.test_models import _open


def test_estimate_tab_draws_the_estimate_dashed_and_the_realised_metric_solid(
    run_home: Studio,
) -> None:
    """Two logged batches, one labelled and one moved: the chart has a dashed estimate with
    its band and a solid realised line; the moved batch is warned about; the blind spot is
    said."""
    register_candidate(run_home, 1, "churn", "tester")
    rows = churn_like(200, seed=31)
    calm = score_frame(run_home, "churn@1", rows.drop(columns=["churn"]), "calm.csv", "t")
    moved = rows.drop(columns=["churn"]).assign(tenure=lambda f: f["tenure"] + 60, plan="pro")
    moved["charges"] = moved["charges"] * 3
    score_frame(run_home, "churn@1", moved, "moved.csv", "t")
    attach_labels(run_home, calm.batch_id, rows[["customer_id", "churn"]], "customer_id", "t")
    at = _open("pages/6_Monitor.py")
    assert len(at.multiselect(key="mon_est_ids").value) == 2
    at.button(key="mon_est_go").click().run()
    assert not at.exception
    at.selectbox(key="mon_est_metric").set_value("accuracy").run()
    assert not at.exception
    chart = next(
        json.loads(c.proto.spec) for c in at.get("plotly_chart")
        if "estimated without labels" in json.dumps(json.loads(c.proto.spec)["layout"])
    )  # fmt: skip
    traces = {t["name"]: t for t in chart["data"]}
    assert traces["estimated (no labels)"]["line"]["dash"] == "dash"
    assert traces["realised (labelled rows)"]["line"]["dash"] == "solid"
    assert traces["realised (labelled rows)"]["y"][1] is None  # the moved batch has no labels
    assert traces["95% band of the estimate"]["fill"] == "tonexty"
    assert any("moved.csv" in w.value and "support" in w.value for w in at.warning)
    assert any("concept drift" in i.value for i in at.info)
    table = next(d.value for d in at.dataframe if "Estimated" in d.value.columns)
    assert list(table["Labelled rows"]) == [200, 0]

"""Drift figures: traces, axis titles and values (no Streamlit)."""

from __future__ import annotations

import numpy as np

from studio.charts.monitor import (
    distribution_overlay_figure,
    drift_heatmap_figure,
    drift_share_figure,
    feature_over_time_figure,
)


def test_overlay_shares_sum_to_one_on_shared_bins() -> None:
    """Numbers: two histograms of shares on the same bins; categories: shares per category."""
    rng = np.random.default_rng(0)
    fig = distribution_overlay_figure("age", rng.normal(size=500), rng.normal(1, 1, 300), True)
    ref, cur = fig.data
    assert (ref.name, cur.name) == ("reference", "current")
    assert list(ref.x) == list(cur.x)
    assert abs(sum(ref.y) - 1) < 1e-9 and abs(sum(cur.y) - 1) < 1e-9
    assert fig.layout.yaxis.title.text == "share of rows"
    cats = distribution_overlay_figure("plan", np.array(["a", "a", "b"]), np.array(["b"]), False)
    assert list(cats.data[0].x) == ["a", "b"]
    assert list(cats.data[0].y) == [2 / 3, 1 / 3] and list(cats.data[1].y) == [0.0, 1.0]


def test_share_time_and_heatmap() -> None:
    """Windows are categories; drifted windows are highlighted; severity is clipped."""
    share = drift_share_figure(["w1", "w2"], [0.2, 0.6], 0.5)
    assert list(share.data[0].y) == [0.2, 0.6]
    assert share.data[0].marker.color[0] != share.data[0].marker.color[1]
    assert share.layout.xaxis.type == "category"
    line = feature_over_time_figure("age", "ks", ["w1", "w2"], [0.5, 1e-5], 0.05)
    assert line.layout.yaxis.type == "log" and list(line.data[0].y) == [0.5, 1e-5]
    distance = feature_over_time_figure("age", "wasserstein", ["w1"], [0.3], 0.1)
    assert distance.layout.yaxis.type != "log"
    heat = drift_heatmap_figure(["a", "b"], ["w1", "w2"], [[0.5, 12.0], [None, -3.0]])
    assert [list(r) for r in heat.data[0].z] == [[0.5, 5.0], [None, -1.0]]

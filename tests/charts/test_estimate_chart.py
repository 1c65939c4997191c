"""The estimated-performance figure: info from a result, then a dashed estimate in its band,
a solid realised line only where labels exist, the holdout as a dotted guide."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from studio.charts.estimate import estimate_series, estimated_metric_figure
from studio.monitor.cbpe import MetricEstimate


def _window(label: str, value: float, realised: float | None) -> SimpleNamespace:
    metric = MetricEstimate("accuracy", value, value - 0.02, value + 0.02)
    known = None if realised is None else {"accuracy": realised}
    return SimpleNamespace(label=label, metrics={"accuracy": metric}, realised=known)


def test_series_and_figure() -> None:
    result = SimpleNamespace(
        windows=[_window("w1", 0.8, 0.81), _window("w2", 0.7, None)],
        holdout={"accuracy": 0.82},
    )
    series = estimate_series(result, "accuracy", "Accuracy")
    assert series.estimated == (0.8, 0.7) and series.realised == (0.81, None)
    assert series.low == pytest.approx((0.78, 0.68)) and series.holdout == 0.82
    fig = estimated_metric_figure(series)
    by_name = {t.name: t for t in fig.data}
    assert by_name["estimated (no labels)"].line.dash == "dash"
    assert by_name["realised (labelled rows)"].line.dash == "solid"
    assert list(by_name["95% band of the estimate"].y) == pytest.approx([0.78, 0.68])
    assert fig.layout.shapes[0].line.dash == "dot"  # the holdout guide


def test_no_labels_no_realised_line() -> None:
    result = SimpleNamespace(windows=[_window("w1", 0.8, None)], holdout={})
    fig = estimated_metric_figure(estimate_series(result, "accuracy", "Accuracy"))
    assert "realised (labelled rows)" not in {t.name for t in fig.data}
    assert not fig.layout.shapes

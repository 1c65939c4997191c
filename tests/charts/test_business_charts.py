"""Business figures are built from value curves and gains without Streamlit."""

from __future__ import annotations

import numpy as np

from studio.business.value import CostMatrix, class_quality, gains_of, value_curve
from studio.charts.business import class_recall_figure, gains_figure, lift_figure, profit_figure
from studio.experiments.diagnostics import classification


def _curves() -> dict:
    rng = np.random.default_rng(0)
    y = (rng.random(500) < 0.3).astype(int)
    return classification(y, np.clip(0.4 * y + 0.6 * rng.random(500), 0, 1), ["no", "yes"])


def test_profit_curve_marks_each_optimum_in_the_unit() -> None:
    matrix = CostMatrix(100, -20, 0, 0, unit="€")
    curve = value_curve(_curves()["thresholds"], matrix)
    fig = profit_figure(["a"], [curve], matrix)
    line, marker = fig.data
    assert len(line.x) == 101 and marker.x == (curve.best_threshold,)
    assert marker.text == (matrix.money(curve.best_value),)
    assert "(€)" in fig.layout.yaxis.title.text


def test_gains_and_lift() -> None:
    gains = gains_of(_curves())
    fig = gains_figure(["a"], [gains], "yes")
    assert fig.data[0].y[-1] == 1.0 and fig.data[-1].name == "random order"
    lift = lift_figure(["a"], [gains])
    assert len(lift.data[0].x) == 100  # the 0% point has no lift
    assert lift.data[0].y[-1] == 1.0


def test_class_recall_bars() -> None:
    rng = np.random.default_rng(1)
    y = rng.integers(0, 3, 300)
    curves = classification(y, rng.dirichlet(np.ones(3), 300), ["a", "b", "c"])
    fig = class_recall_figure(["m"], [class_quality(curves)])
    assert list(fig.data[0].x) == ["a", "b", "c"]

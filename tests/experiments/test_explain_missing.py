"""Partial dependence on a numeric column with missing values draws points, and says how many
rows had none (checked against a naive partial dependence written here)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from studio.autopilot.metrics import METRICS
from studio.charts.diagnostics import dependence_figure
from studio.experiments.explain import explain


def _data() -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(5)
    frame = pd.DataFrame({"signal": rng.normal(size=400), "noise": rng.normal(size=400)})
    y = (frame["signal"] + 0.3 * rng.normal(size=400) > 0).astype(int).to_numpy()
    frame.loc[rng.choice(400, 80, replace=False), "signal"] = np.nan  # one row in five
    return frame, y


def _naive(model, frame: pd.DataFrame, name: str, grid: list[float]) -> list[float]:  # noqa: ANN001
    """Partial dependence by hand: every row set to each grid value, probabilities averaged."""
    return [float(model.predict_proba(frame.assign(**{name: g}))[:, 1].mean()) for g in grid]


@pytest.mark.parametrize(
    "model",
    [
        HistGradientBoostingClassifier(max_iter=30, random_state=0),
        make_pipeline(SimpleImputer(), LogisticRegression()),
    ],
    ids=["hgb", "imputed-linear"],
)
def test_dependence_with_missing_values_draws_points(model) -> None:  # noqa: ANN001
    """The grid spans the known values (5th to 95th percentile, 20 points), the curve equals a
    naive partial dependence over every row, and the figure has 20 finite points and a
    caption naming the 80 rows without a value."""
    frame, y = _data()
    model.fit(frame, y)
    result = explain(model, frame, y, METRICS["roc_auc"], ["0", "1"], 0)
    entry = next(d for d in result["dependence"] if d["feature"] == "signal")
    known = frame["signal"].dropna()
    expected = np.linspace(*np.quantile(known, [0.05, 0.95]), 20)
    assert entry["grid"] == pytest.approx(list(expected), abs=1e-5)
    assert entry["series"]["1"] == pytest.approx(
        _naive(model, frame, "signal", entry["grid"]), abs=1e-5
    )
    assert (entry["missing"], entry["rows"]) == (80, 400)
    figure = json.loads(json.dumps(dependence_figure(entry).to_plotly_json(), default=list))
    (trace,) = figure["data"]
    assert len(trace["x"]) == len(trace["y"]) == 20
    assert all(np.isfinite(trace["x"])) and all(np.isfinite(trace["y"]))
    assert "80 of 400 sampled rows had no value" in figure["layout"]["annotations"][0]["text"]


def test_an_analysis_stored_with_a_nan_grid_says_why_it_is_empty() -> None:
    """Dependence stored before the fix (a grid of NaN) is not an empty plot without a word."""
    entry = {"feature": "signal", "categorical": False, "grid": [float("nan")] * 3,
             "series": {"1": [0.5, 0.5, 0.5]}}  # fmt: skip
    figure = dependence_figure(entry)
    assert "before missing values were handled" in figure.layout.annotations[0].text

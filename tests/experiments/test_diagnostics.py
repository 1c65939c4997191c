"""Holdout diagnostics checked against scikit-learn and brute-force references."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics as skm
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from studio.autopilot.metrics import METRICS
from studio.experiments.diagnostics import (
    classification,
    gains,
    holdout_diagnostics,
    regression,
    thin,
    threshold_table,
)
from studio.experiments.explain import explain


@pytest.fixture
def binary() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 500)
    p = np.clip(0.3 * y + 0.7 * rng.random(500), 0, 1)
    return y, p


def test_binary_curves_match_sklearn(binary: tuple[np.ndarray, np.ndarray]) -> None:
    """AUC, average precision, confusion matrix and calibration equal scikit-learn's."""
    y, p = binary
    out = classification(y, np.column_stack([1 - p, p]), ["No", "Yes"])
    assert out["roc"]["auc"] == pytest.approx(skm.roc_auc_score(y, p))
    assert out["pr"]["average_precision"] == pytest.approx(skm.average_precision_score(y, p))
    assert out["pr"]["prevalence"] == pytest.approx(y.mean())
    assert out["confusion"] == skm.confusion_matrix(y, (p >= 0.5).astype(int)).tolist()
    assert out["positive_label"] == "Yes"
    fpr, tpr, _ = skm.roc_curve(y, p)
    assert out["roc"]["fpr"][0] == 0 and out["roc"]["tpr"][-1] == 1
    assert len(out["roc"]["fpr"]) == len(fpr)  # short curves are kept whole
    assert np.all(np.diff(out["roc"]["fpr"]) >= 0)
    assert len(out["calibration"]["predicted"]) == 10
    many = np.random.default_rng(9).random(20_000)
    noisy = (many > 0.5).astype(int) ^ (many > 0.9)
    long = classification(noisy, np.column_stack([1 - many, many]), ["0", "1"])
    assert len(long["roc"]["fpr"]) <= 200  # long curves are thinned for storage


def test_threshold_table_and_gains_match_brute_force(binary: tuple) -> None:
    """Counts at every threshold and the cumulative gains equal a naive loop."""
    y, p = binary
    table = threshold_table(y, p)
    for i, t in enumerate(table["threshold"]):
        predicted = p >= t
        assert table["tp"][i] == int(np.sum(predicted & (y == 1)))
        assert table["fp"][i] == int(np.sum(predicted & (y == 0)))
        assert table["fn"][i] == int(np.sum(~predicted & (y == 1)))
        assert table["tn"][i] == int(np.sum(~predicted & (y == 0)))
        if predicted.any():
            assert table["precision"][i] == pytest.approx(
                skm.precision_score(y, predicted), abs=1e-5
            )
        assert table["recall"][i] == pytest.approx(skm.recall_score(y, predicted), abs=1e-5)
    curve = gains(y, p)
    order = np.argsort(-p, kind="stable")
    top_fifth = int(round(0.2 * len(y)))
    assert curve["population"][20] == pytest.approx(0.2)
    assert curve["found"][20] == pytest.approx(y[order][:top_fifth].sum() / y.sum(), abs=1e-5)
    assert curve["found"][0] == 0 and curve["found"][-1] == 1


def test_multiclass_curves_per_class() -> None:
    """One-vs-rest curves per class, a k x k matrix, and a confidence calibration."""
    rng = np.random.default_rng(1)
    y = rng.integers(0, 3, 300)
    proba = rng.dirichlet([1, 1, 1], 300)
    proba[np.arange(300), y] += 0.5
    proba /= proba.sum(axis=1, keepdims=True)
    out = classification(y, proba, ["a", "b", "c"])
    assert set(out["per_class"]) == {"a", "b", "c"}
    for k, label in enumerate("abc"):
        expected = skm.roc_auc_score(y == k, proba[:, k])
        assert out["per_class"][label]["roc"]["auc"] == pytest.approx(expected)
    assert np.array(out["confusion"]).shape == (3, 3)
    assert out["calibration"]["kind"] == "confidence"


def test_regression_residuals_and_histogram() -> None:
    """Residuals are actual minus predicted; the histogram counts every row."""
    rng = np.random.default_rng(2)
    y = rng.normal(size=3000)
    pred = y + rng.normal(scale=0.5, size=3000)
    out = regression(y, pred)
    assert sum(out["histogram"]["counts"]) == 3000
    assert len(out["actual"]) == 2000  # a sample is kept for the scatter plots
    for a, p_, r in zip(out["actual"], out["predicted"], out["residual"], strict=True):
        assert r == pytest.approx(a - p_, abs=1e-4)
    assert out["residual_mean"] == pytest.approx(np.mean(y - pred))


def test_thin_keeps_ends() -> None:
    """Thinning keeps the first and last points and at most the requested number."""
    kept = thin(np.arange(10_000), 50)
    assert kept[0] == 0 and kept[-1] == 9_999 and len(kept) <= 50


def test_holdout_diagnostics_has_bootstrap_for_every_leaderboard_metric(binary: tuple) -> None:
    """The stored document carries curves and 200 resamples per metric."""
    y, p = binary
    out = holdout_diagnostics("binary", ["0", "1"], y, np.column_stack([1 - p, p]), seed=0)
    assert set(out["bootstrap"]) == {"roc_auc", "accuracy", "f1", "log_loss"}
    assert all(len(v) == 200 for v in out["bootstrap"].values())
    low, high = np.percentile(out["bootstrap"]["roc_auc"], [2.5, 97.5])
    assert low < skm.roc_auc_score(y, p) < high


def test_explain_ranks_the_informative_column_first() -> None:
    """Permutation importance finds the column the label depends on; partial dependence
    follows the fitted relation (probability rises with the informative column)."""
    rng = np.random.default_rng(3)
    frame = pd.DataFrame({"signal": rng.normal(size=600), "noise": rng.normal(size=600),
                          "colour": rng.choice(["red", "blue"], 600)})  # fmt: skip
    y = (frame["signal"] + 0.3 * rng.normal(size=600) > 0).astype(int).to_numpy()
    model = make_pipeline(StandardScaler(), LogisticRegression()).fit(
        frame[["signal", "noise"]], y
    )
    result = explain(model, frame[["signal", "noise"]], y, METRICS["roc_auc"], ["0", "1"], 0)
    assert result["problems"] == []
    assert result["importance"][0]["feature"] == "signal"
    assert result["importance"][0]["mean"] > 0.1 > abs(result["importance"][1]["mean"])
    first = result["dependence"][0]
    assert first["feature"] == "signal" and len(first["grid"]) == 20
    values = first["series"]["1"]
    assert values == sorted(values)


def test_explain_regression_dependence_is_the_prediction() -> None:
    """For a regressor the partial dependence is the average prediction."""
    rng = np.random.default_rng(4)
    frame = pd.DataFrame({"x": rng.normal(size=300), "z": rng.normal(size=300)})
    y = 3 * frame["x"].to_numpy() + rng.normal(scale=0.1, size=300)
    model = LinearRegression().fit(frame, y)
    result = explain(model, frame, y, METRICS["r2"], [], 0)
    dep = result["dependence"][0]
    assert dep["feature"] == "x" and list(dep["series"]) == ["prediction"]
    slope = np.polyfit(dep["grid"], dep["series"]["prediction"], 1)[0]
    assert slope == pytest.approx(3, abs=0.1)

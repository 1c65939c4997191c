"""Vectorised bootstrap metrics equal scikit-learn on the same resampled rows."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics as skm

from studio.experiments.bootstrap import bootstrap_metrics, resample_counts

N = 240


def _rows(counts: np.ndarray) -> np.ndarray:
    """The resampled row indices a count vector stands for."""
    return np.repeat(np.arange(len(counts)), counts.astype(int))


def _reference(name: str, y: np.ndarray, out: np.ndarray) -> float:
    """scikit-learn's value, computed naively on materialised rows."""
    if name == "roc_auc":
        if out.ndim == 1 or out.shape[1] == 2:
            return skm.roc_auc_score(y, out if out.ndim == 1 else out[:, 1])
        return skm.roc_auc_score(y, out, multi_class="ovr", labels=np.arange(out.shape[1]))
    if name == "log_loss":
        return skm.log_loss(y, out, labels=np.arange(out.shape[1]))
    if name in ("r2", "rmse", "mae"):
        fn = {"r2": skm.r2_score, "rmse": skm.root_mean_squared_error,
              "mae": skm.mean_absolute_error}[name]  # fmt: skip
        return fn(y, out)
    predicted = out.argmax(axis=1)
    return {
        "accuracy": lambda: skm.accuracy_score(y, predicted),
        "f1": lambda: skm.f1_score(y, predicted, zero_division=0),
        "f1_macro": lambda: skm.f1_score(y, predicted, average="macro", zero_division=0),
        "balanced_accuracy": lambda: skm.balanced_accuracy_score(y, predicted),
    }[name]()


def _check(task: str, names: tuple[str, ...], y: np.ndarray, out: np.ndarray) -> None:
    seed, samples = 5, 30
    got = bootstrap_metrics(task, names, y, out, seed, samples=samples)
    counts = resample_counts(len(y), seed * 1_000_003, samples)
    for i in range(samples):
        rows = _rows(counts[i])
        for name in names:
            assert got[name][i] == pytest.approx(_reference(name, y[rows], out[rows]), abs=2e-6)


def test_binary_metrics_match_sklearn_with_ties() -> None:
    """ROC AUC (with tied scores), accuracy, F1 and log loss on every resample."""
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, N)
    p = np.round(np.clip(0.35 * y + 0.65 * rng.random(N), 0.01, 0.99), 1)  # many ties
    _check("binary", ("roc_auc", "accuracy", "f1", "log_loss"), y, np.column_stack([1 - p, p]))


def test_multiclass_metrics_match_sklearn() -> None:
    """Macro one-vs-rest AUC, accuracy, macro F1, balanced accuracy and log loss."""
    rng = np.random.default_rng(1)
    y = rng.integers(0, 3, N)
    proba = rng.dirichlet([1, 1, 1], N)
    proba[np.arange(N), y] += 0.4
    proba /= proba.sum(axis=1, keepdims=True)
    names = ("accuracy", "f1_macro", "roc_auc", "log_loss", "balanced_accuracy")
    _check("multiclass", names, y, proba)


def test_regression_metrics_match_sklearn() -> None:
    """R², RMSE and MAE."""
    rng = np.random.default_rng(2)
    y = rng.normal(size=N)
    _check("regression", ("r2", "rmse", "mae"), y, y + rng.normal(scale=0.6, size=N))


def test_same_seed_gives_the_same_resamples_and_undefined_values_are_none() -> None:
    """Two candidates on one holdout share resamples; a one-class resample has no AUC."""
    y = np.array([0] * 9 + [1])
    p = np.linspace(0, 1, 10)
    out = np.column_stack([1 - p, p])
    first = bootstrap_metrics("binary", ("roc_auc",), y, out, seed=3, samples=200)
    again = bootstrap_metrics("binary", ("roc_auc",), y, out, seed=3, samples=200)
    assert first == again
    assert None in first["roc_auc"]  # some resamples miss the single positive row
    other = bootstrap_metrics("binary", ("roc_auc",), y, out, seed=4, samples=200)
    assert other != first

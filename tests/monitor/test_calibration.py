"""Holdout calibration: scikit-learn's isotonic and sigmoid calibrations compared, the method
rule, Guo et al.'s ECE against a naive loop, and the poor-calibration flag."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.frozen import FrozenEstimator

from studio.errors import InvalidInputError
from studio.monitor.calibration import (
    choose_method,
    expected_calibration_error,
    fit_calibration,
)


class _LogOdds(ClassifierMixin, BaseEstimator):
    """A 'model' whose decision function is the log-odds of its one input column."""

    def fit(self, X: np.ndarray, y: np.ndarray) -> _LogOdds:
        self.classes_ = np.array([0, 1])
        return self

    def decision_function(self, X: np.ndarray) -> np.ndarray:
        p = np.clip(X[:, 0], 1e-6, 1 - 1e-6)
        return np.log(p / (1 - p))

    def predict(self, X: np.ndarray) -> np.ndarray:
        return (X[:, 0] >= 0.5).astype(int)


def _data(n: int, power: float, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    s = rng.random(n)
    return np.column_stack([1 - s, s]), (rng.random(n) < s**power).astype(int)


@pytest.mark.parametrize("method", ["sigmoid", "isotonic"])
def test_calibration_matches_scikit_learns_calibrated_classifier(method: str) -> None:
    """Our calibrated probabilities are CalibratedClassifierCV's on the same holdout (isotonic
    exactly; sigmoid within 0.01, sklearn's Platt smooths the targets)."""
    proba, y = _data(3_000, power=2.5)
    ours = fit_calibration(proba, y, method=method).apply(proba)[:, 1]
    frozen = FrozenEstimator(_LogOdds().fit(proba, y))
    theirs = CalibratedClassifierCV(frozen, method=method).fit(proba[:, 1:], y)
    expected = theirs.predict_proba(proba[:, 1:])[:, 1]
    assert np.max(np.abs(ours - expected)) < (1e-9 if method == "isotonic" else 0.01)


@pytest.mark.parametrize(
    ("rows", "method"),
    [(100, "sigmoid"), (999, "sigmoid"), (1_000, "isotonic"), (50_000, "isotonic")],
)
def test_isotonic_from_a_thousand_rows_else_sigmoid(rows: int, method: str) -> None:
    """scikit-learn's guide: isotonic overfits below about 1,000 calibration rows."""
    assert choose_method(rows) == method


def test_ece_is_guo_et_al_s_by_a_naive_loop() -> None:
    """15 equal-width confidence bins, |accuracy - confidence| weighted by the bin's rows."""
    proba = np.random.default_rng(1).dirichlet([1, 1, 1], size=500)
    y = np.random.default_rng(2).integers(0, 3, 500)
    total = 0.0
    for b in range(15):
        rows = [i for i in range(500) if min(int(proba[i].max() * 15), 14) == b]
        if rows:
            accuracy = np.mean([proba[i].argmax() == y[i] for i in rows])
            confidence = np.mean([proba[i].max() for i in rows])
            total += len(rows) / 500 * abs(accuracy - confidence)
    assert expected_calibration_error(proba, y) == pytest.approx(total)


def test_poor_calibration_is_flagged_and_good_is_not() -> None:
    """A U-shaped truth no monotone map can fix is poor; a model calibrated up to a power is
    fixed by the calibration and is not; the raw ECE shows the difference calibration made."""
    proba, y = _data(900, power=6, seed=3)
    fixed = fit_calibration(proba, y)
    assert not fixed.poor and fixed.ece < fixed.ece_raw
    s = proba[:, 1]
    u = (np.random.default_rng(4).random(900) < 4 * s * (1 - s)).astype(int)
    assert fit_calibration(proba, u).poor


@pytest.mark.parametrize(
    ("proba", "y", "message"),
    [
        (np.full((10, 2), 0.5), np.zeros(10, dtype=int), "at least 30 are needed"),
        (np.full((40, 2), 0.5), np.zeros(30, dtype=int), "one probability per class"),
    ],
)
def test_too_few_or_mismatched_rows_are_refused(proba, y, message) -> None:  # noqa: ANN001
    with pytest.raises(InvalidInputError, match=message):
        fit_calibration(proba, y)


def test_multiclass_calibration_is_one_vs_rest_and_sums_to_one() -> None:
    proba = np.random.default_rng(5).dirichlet([2, 2, 2], size=600)
    y = np.array([np.random.default_rng(i).choice(3, p=r) for i, r in enumerate(proba)])
    out = fit_calibration(proba, y).apply(proba)
    assert out.shape == (600, 3) and np.allclose(out.sum(axis=1), 1.0)

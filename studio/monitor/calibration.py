"""Calibrating a classifier's probabilities on its holdout, and measuring how well it worked.

Performance estimation without labels (``monitor.cbpe``) treats a calibrated probability as the
chance that a row's label is the class: it is only as good as the calibration. The rule for the
method follows scikit-learn's user guide (probability calibration): isotonic regression is
non-parametric and "tends to overfit" below about 1,000 calibration rows, so

- at least ``ISOTONIC_ROWS`` (1,000) holdout rows: isotonic regression
  (``sklearn.isotonic.IsotonicRegression``, clipped outside the seen range);
- fewer: a sigmoid (Platt scaling) on the log-odds of the model's probability, fit by
  ``sklearn.linear_model.LogisticRegression`` (almost unpenalised).

Multiclass: one calibrator per class (one-vs-rest), rows renormalised to sum to 1, as
``sklearn.calibration.CalibratedClassifierCV`` does.

Quality: the expected calibration error (ECE) of Guo et al., "On Calibration of Modern Neural
Networks" (ICML 2017): 15 equal-width bins of the top-label confidence, the row-weighted mean of
|accuracy - confidence|. It is measured on cross-validated calibrated scores (each fifth of the
holdout calibrated by a calibrator fit on the other four), so it is not flattered by fitting and
scoring the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from studio.errors import InvalidInputError

ISOTONIC_ROWS = 1_000
ECE_BINS = 15
ECE_LIMIT = 0.05  # above this (and above chance, see ``Calibration.poor``) calibration is poor
MIN_ROWS = 30
EPS = 1e-6


@dataclass(frozen=True, eq=False)
class ClassCalibrator:
    """One class's map from the model's probability to a calibrated one.

    ``method`` "isotonic": a step function through (``x``, ``y``) (interpolated, clipped at
    the ends); "sigmoid": ``1 / (1 + exp(-(a * logit(p) + b)))``.
    """

    method: str
    x: tuple[float, ...] = ()
    y: tuple[float, ...] = ()
    a: float = 1.0
    b: float = 0.0

    def apply(self, p: np.ndarray) -> np.ndarray:
        """Calibrated probabilities, shape of ``p`` (probabilities in [0, 1])."""
        p = np.asarray(p, dtype=float)
        if self.method == "isotonic":
            return np.interp(p, np.asarray(self.x), np.asarray(self.y))
        z = self.a * _logit(p) + self.b
        return 1.0 / (1.0 + np.exp(-z))


@dataclass(frozen=True, eq=False)
class Calibration:
    """Calibrators for a version's classes and what they are worth.

    ``ece_raw`` and ``ece`` are the ECE of the model's own probabilities and of the
    cross-validated calibrated ones on the holdout; ``ece_chance`` is the 95th percentile of the
    ECE a perfectly calibrated model shows on that many rows (labels drawn from the calibrated
    probabilities, 200 times), i.e. what sampling noise alone gives.
    """

    method: str  # isotonic | sigmoid
    rows: int
    classes: tuple[ClassCalibrator, ...]  # binary: one (the positive class)
    ece_raw: float
    ece: float
    ece_chance: float

    @property
    def poor(self) -> bool:
        """The calibrated probabilities miss by more than ``ECE_LIMIT`` and by more than chance
        explains."""
        return self.ece > max(ECE_LIMIT, self.ece_chance)

    def apply(self, proba: np.ndarray) -> np.ndarray:
        """Calibrated probabilities (n, k) from the model's (n, k), k = number of classes."""
        proba = np.asarray(proba, dtype=float)
        if len(self.classes) == 1:
            positive = self.classes[0].apply(proba[:, 1])
            return np.column_stack([1 - positive, positive])
        out = np.column_stack([c.apply(proba[:, k]) for k, c in enumerate(self.classes)])
        return _normalised(out)


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, EPS, 1 - EPS)
    return np.log(p / (1 - p))


def _normalised(proba: np.ndarray) -> np.ndarray:
    total = proba.sum(axis=1, keepdims=True)
    k = proba.shape[1]
    return np.where(total > 0, proba / np.where(total > 0, total, 1), 1.0 / k)


def choose_method(rows: int) -> str:
    """isotonic from ``ISOTONIC_ROWS`` calibration rows on, sigmoid below (see the module)."""
    return "isotonic" if rows >= ISOTONIC_ROWS else "sigmoid"


def _fit_one(p: np.ndarray, y: np.ndarray, method: str) -> ClassCalibrator:
    if method == "isotonic":
        iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(p, y)
        return ClassCalibrator("isotonic", tuple(iso.X_thresholds_.tolist()),
                               tuple(iso.y_thresholds_.tolist()))  # fmt: skip
    if y.min() == y.max():  # one class only: the constant it shows
        return ClassCalibrator("sigmoid", a=0.0, b=float(_logit(np.array([y[0]]))[0]))
    lr = LogisticRegression(C=1e6, max_iter=1_000).fit(_logit(p)[:, None], y)
    return ClassCalibrator("sigmoid", a=float(lr.coef_[0, 0]), b=float(lr.intercept_[0]))


def _fit_all(proba: np.ndarray, y: np.ndarray, method: str) -> tuple[ClassCalibrator, ...]:
    if proba.shape[1] == 2:
        return (_fit_one(proba[:, 1], (y == 1).astype(float), method),)
    return tuple(
        _fit_one(proba[:, k], (y == k).astype(float), method) for k in range(proba.shape[1])
    )


def expected_calibration_error(proba: np.ndarray, y: np.ndarray, bins: int = ECE_BINS) -> float:
    """Guo et al. (2017)'s ECE of probabilities ``proba`` (n, k) for labels ``y`` (n,) codes:
    top-label confidence in ``bins`` equal-width bins, sum over bins of
    (rows in bin / n) * |accuracy in bin - mean confidence in bin|. A share in [0, 1]."""
    confidence = proba.max(axis=1)
    correct = (proba.argmax(axis=1) == y).astype(float)
    which = np.minimum((confidence * bins).astype(int), bins - 1)
    gap = np.bincount(which, correct - confidence, minlength=bins)
    return float(np.abs(gap).sum() / max(len(y), 1))


def _cross_validated(proba: np.ndarray, y: np.ndarray, method: str, seed: int) -> np.ndarray:
    smallest = int(np.bincount(y).min()) if len(y) else 0
    folds = min(5, smallest)
    if folds < 2:
        return Calibration(method, len(y), _fit_all(proba, y, method), 0, 0, 0).apply(proba)
    out = np.empty_like(proba)
    split = StratifiedKFold(folds, shuffle=True, random_state=seed)
    for fit_rows, score_rows in split.split(proba, y):
        part = _fit_all(proba[fit_rows], y[fit_rows], method)
        out[score_rows] = Calibration(method, 0, part, 0, 0, 0).apply(proba[score_rows])
    return out


def _chance_ece(proba: np.ndarray, seed: int, draws: int = 200) -> float:
    """95th percentile of the ECE of ``proba`` against labels drawn from ``proba`` itself."""
    rng = np.random.default_rng(seed)
    cumulative = np.cumsum(proba, axis=1)
    values = []
    for _ in range(draws):
        u = rng.random((len(proba), 1))
        y = np.minimum((u > cumulative).sum(axis=1), proba.shape[1] - 1)
        values.append(expected_calibration_error(proba, y))
    return float(np.percentile(values, 95))


def fit_calibration(
    proba: np.ndarray, y: np.ndarray, method: str | None = None, seed: int = 0
) -> Calibration:
    """Calibrators for the model's probabilities ``proba`` (n, k) on labels ``y`` (n,) class
    codes 0..k-1, by ``method`` (None: ``choose_method``), with their ECE before and after.

    Raises InvalidInputError with fewer than ``MIN_ROWS`` rows or a shape mismatch.
    """
    proba, y = np.asarray(proba, dtype=float), np.asarray(y, dtype=int)
    if proba.ndim != 2 or proba.shape[1] < 2 or len(proba) != len(y):
        raise InvalidInputError("Calibration needs one probability per class for every label.")
    if len(y) < MIN_ROWS:
        raise InvalidInputError(
            f"Only {len(y)} holdout rows to calibrate on; at least {MIN_ROWS} are needed."
        )
    method = method or choose_method(len(y))
    if method not in ("isotonic", "sigmoid"):
        raise InvalidInputError(f"'{method}' is not a calibration; use isotonic or sigmoid.")
    validated = _cross_validated(proba, y, method, seed)
    return Calibration(
        method,
        len(y),
        _fit_all(proba, y, method),
        expected_calibration_error(proba, y),
        expected_calibration_error(validated, y),
        _chance_ece(validated, seed),
    )

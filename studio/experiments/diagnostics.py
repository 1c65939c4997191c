"""Holdout diagnostics of one candidate, as plain JSON-ready dicts the charts read.

Classification: ROC and precision-recall curves (one-vs-rest per class for multiclass),
confusion matrix, calibration curve, precision/recall/F1 against the decision threshold and
cumulative gains. Regression: predicted against actual, residuals and their histogram. Both:
bootstrap samples of every leaderboard metric (see ``bootstrap``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn import metrics as skm
from sklearn.calibration import calibration_curve

from studio.autopilot.metrics import LEADERBOARD_METRICS
from studio.experiments.bootstrap import bootstrap_metrics

CURVE_POINTS = 200
SCATTER_POINTS = 2_000
THRESHOLDS = np.round(np.linspace(0.0, 1.0, 101), 2)
MAX_ROC_CLASSES = 10


def thin(values: np.ndarray, points: int = CURVE_POINTS) -> np.ndarray:
    """Indices that keep at most ``points`` evenly spread entries, first and last included."""
    if len(values) <= points:
        return np.arange(len(values))
    return np.unique(np.linspace(0, len(values) - 1, points).round().astype(int))


def _rounded(values: np.ndarray, digits: int = 5) -> list[float]:
    return [round(float(v), digits) for v in values]


def _roc_pr(y_true: np.ndarray, scores: np.ndarray) -> dict[str, Any]:
    fpr, tpr, _ = skm.roc_curve(y_true, scores)
    precision, recall, _ = skm.precision_recall_curve(y_true, scores)
    keep, keep_pr = thin(fpr), thin(recall)
    return {
        "roc": {"fpr": _rounded(fpr[keep]), "tpr": _rounded(tpr[keep]),
                "auc": float(skm.roc_auc_score(y_true, scores))},
        "pr": {"recall": _rounded(recall[keep_pr]), "precision": _rounded(precision[keep_pr]),
               "average_precision": float(skm.average_precision_score(y_true, scores)),
               "prevalence": float(np.mean(y_true))},
    }  # fmt: skip


def threshold_table(y_true: np.ndarray, scores: np.ndarray) -> dict[str, list[float]]:
    """Counts and rates when predicting positive at ``score >= t`` for t in 0, 0.01, ..., 1."""
    order = np.sort(scores)
    positives = np.sort(scores[y_true == 1])
    predicted = len(order) - np.searchsorted(order, THRESHOLDS, side="left")
    tp = len(positives) - np.searchsorted(positives, THRESHOLDS, side="left")
    fp = predicted - tp
    fn = len(positives) - tp
    tn = len(order) - predicted - fn
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.where(predicted > 0, tp / np.maximum(predicted, 1), 1.0)
        recall = tp / max(len(positives), 1)
        f1 = np.where(precision + recall > 0, 2 * precision * recall / (precision + recall), 0.0)
    return {
        "threshold": THRESHOLDS.tolist(), "tp": tp.tolist(), "fp": fp.tolist(),
        "fn": fn.tolist(), "tn": tn.tolist(), "precision": _rounded(precision),
        "recall": _rounded(recall), "f1": _rounded(f1),
    }  # fmt: skip


def gains(y_true: np.ndarray, scores: np.ndarray) -> dict[str, list[float]]:
    """Cumulative share of positives found when contacting the top-scored share of cases."""
    ordered = y_true[np.argsort(-scores, kind="stable")]
    found = np.concatenate([[0], np.cumsum(ordered)]) / max(ordered.sum(), 1)
    steps = np.linspace(0, len(ordered), 101).round().astype(int)
    return {"population": _rounded(steps / max(len(ordered), 1)), "found": _rounded(found[steps])}


def classification(y: np.ndarray, proba: np.ndarray, labels: list[str]) -> dict[str, Any]:
    """Curves, matrices and tables for a classifier's holdout probabilities."""
    proba = np.column_stack([1 - proba, proba]) if proba.ndim == 1 else proba
    predicted = proba.argmax(axis=1)
    matrix = skm.confusion_matrix(y, predicted, labels=np.arange(len(labels)))
    out: dict[str, Any] = {"labels": labels, "confusion": matrix.tolist()}
    if len(labels) == 2:
        positive = proba[:, 1]
        out |= _roc_pr(y, positive)
        out["positive_label"] = labels[1]
        out["thresholds"] = threshold_table(y, positive)
        out["gains"] = gains(y, positive)
        truth, confidence = y, positive
    else:
        out["per_class"] = {
            labels[k]: _roc_pr((y == k).astype(int), proba[:, k])
            for k in range(min(len(labels), MAX_ROC_CLASSES))
            if 0 < np.sum(y == k) < len(y)
        }
        truth, confidence = (predicted == y).astype(int), proba.max(axis=1)
    if 0 < truth.sum() < len(truth):
        observed, mean_predicted = calibration_curve(truth, confidence, n_bins=10,
                                                     strategy="quantile")  # fmt: skip
        out["calibration"] = {
            "predicted": _rounded(mean_predicted),
            "observed": _rounded(observed),
            "kind": "positive" if len(labels) == 2 else "confidence",
        }
    return out


def regression(y: np.ndarray, predicted: np.ndarray, seed: int = 0) -> dict[str, Any]:
    """Predicted against actual, residuals and the residual histogram of a regressor."""
    residual = y - predicted
    rng = np.random.default_rng(seed)
    sample = np.sort(rng.choice(len(y), min(len(y), SCATTER_POINTS), replace=False))
    counts, edges = np.histogram(residual, bins=30)
    return {
        "actual": _rounded(y[sample]), "predicted": _rounded(predicted[sample]),
        "residual": _rounded(residual[sample]),
        "histogram": {"counts": counts.tolist(), "edges": _rounded(edges)},
        "residual_mean": float(residual.mean()), "residual_std": float(residual.std()),
        "within": {"shown_points": int(len(sample)), "rows": int(len(y))},
    }  # fmt: skip


def holdout_diagnostics(
    task: str, labels: list[str], y: np.ndarray, output: np.ndarray, seed: int
) -> dict[str, Any]:
    """Everything the run page and the compare view show for one candidate's holdout output."""
    curves = regression(y, output) if task == "regression" else classification(y, output, labels)
    samples = bootstrap_metrics(task, LEADERBOARD_METRICS[task], y, output, seed)
    return {"task": task, "rows": int(len(y)), "curves": curves, "bootstrap": samples}

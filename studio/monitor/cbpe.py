"""Confidence-based performance estimation (CBPE): a classifier's metrics on rows without
labels, from its calibrated probabilities. Pure: arrays in, numbers out.

Source: NannyML's CBPE ("How it works: Confidence-based Performance Estimation",
nannyml.readthedocs.io). If a calibrated probability ``p_i`` is the chance that row i belongs
to the class, the expected confusion matrix of a window is a sum of probabilities: for a binary
model that predicts positive on the rows ``P``,

    E[TP] = sum of p_i over P,        E[FP] = sum of (1 - p_i) over P,
    E[FN] = sum of p_i outside P,     E[TN] = sum of (1 - p_i) outside P,

and accuracy, precision, recall, F1 and the value per 1,000 cases follow from the expected
counts (ratios of expectations, as NannyML computes them). The expected ROC AUC is the
Mann-Whitney statistic with each row counted as a positive with weight ``p_i`` and as a negative
with weight ``1 - p_i`` (ties count one half), ordered by the model's own scores. Multiclass:
the expected confusion matrix ``C[j, k]`` = sum of ``P[i, j]`` over rows predicted k, and
one-vs-rest macro averages.

The band: if the calibrated probabilities are right, the realised labels of the window are
independent draws ``y_i ~ Bernoulli(p_i)`` (a Poisson-binomial count). ``DRAWS`` label sets are
drawn (seeded), each metric is computed on each, and the band is their 2.5th to 97.5th
percentile: the range the realised metric falls in 95% of the time. It does not include the
error of the calibration itself (a finite holdout), nor concept drift.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from studio.business.value import CostMatrix, value_curve

DRAWS = 200
CELLS = 4_000_000  # draws x rows x classes held in memory at once
BINARY_METRICS = ("accuracy", "precision", "recall", "f1", "roc_auc", "value")
MULTICLASS_METRICS = ("accuracy", "precision", "recall", "f1", "roc_auc")
LABELS = {
    "accuracy": "Accuracy", "precision": "Precision", "recall": "Recall", "f1": "F1",
    "roc_auc": "ROC AUC", "value": "Value per 1,000 cases",
}  # fmt: skip


@dataclass(frozen=True)
class MetricEstimate:
    """One metric: the estimate and its 95% band (None where it is undefined)."""

    name: str
    value: float | None
    low: float | None
    high: float | None

    def to_json(self) -> dict:
        """The CLI's entry."""
        return {"value": self.value, "low": self.low, "high": self.high}


def decisions(proba: np.ndarray, threshold: float | None) -> np.ndarray:
    """Predicted class codes (n,) from the model's probabilities (n, k): binary with a
    ``threshold``, class 1 where its probability is at least it; else the most probable class
    (as ``registry.outputs.output_frame`` decides)."""
    if threshold is not None and proba.shape[1] == 2:
        return (proba[:, 1] >= threshold).astype(int)
    return proba.argmax(axis=1)


def expected_confusion(calibrated: np.ndarray, predicted: np.ndarray) -> np.ndarray:
    """The expected confusion matrix (k, k), rows the true class and columns the predicted
    one: ``C[j, k]`` = sum of ``calibrated[i, j]`` over the rows i predicted k."""
    k = calibrated.shape[1]
    onehot = np.eye(k)[predicted]  # (n, k)
    return calibrated.T @ onehot


def _auc(scores: np.ndarray, pos: np.ndarray, neg: np.ndarray) -> np.ndarray:
    """ROC AUC of ``scores`` (n,) for each row of positive weights ``pos`` (d, n) and negative
    weights ``neg`` (d, n); ties count one half; NaN where a side weighs nothing."""
    order = np.argsort(scores, kind="stable")
    ordered = scores[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    p = np.add.reduceat(pos[:, order], starts, axis=1)
    n = np.add.reduceat(neg[:, order], starts, axis=1)
    below = np.cumsum(n, axis=1) - n
    total = p.sum(axis=1) * n.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, (p * (below + 0.5 * n)).sum(axis=1) / total, np.nan)


def _ratio(top: np.ndarray, bottom: np.ndarray) -> np.ndarray:
    """top / bottom, 0 where bottom is 0 (scikit-learn's ``zero_division=0``)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(bottom > 0, top / np.where(bottom > 0, bottom, 1), 0.0)


def _from_confusion(c: np.ndarray, matrix: CostMatrix | None) -> dict[str, np.ndarray]:
    """Metrics of confusion matrices ``c`` (d, k, k) except ROC AUC, one value per matrix."""
    n = c.sum(axis=(1, 2))
    diagonal = np.diagonal(c, axis1=1, axis2=2)  # (d, k)
    if c.shape[1] == 2:
        tp, fp, fn, tn = c[:, 1, 1], c[:, 0, 1], c[:, 1, 0], c[:, 0, 0]
        out = {
            "accuracy": (tp + tn) / n,
            "precision": _ratio(tp, tp + fp),
            "recall": _ratio(tp, tp + fn),
            "f1": _ratio(2 * tp, 2 * tp + fp + fn),
        }
        if matrix is not None:
            table = {"threshold": [0.5] * len(n), "tp": tp.tolist(), "fp": fp.tolist(),
                     "fn": fn.tolist(), "tn": tn.tolist()}  # fmt: skip
            out["value"] = np.asarray(value_curve(table, matrix).per_thousand)
        return out
    predicted, actual = c.sum(axis=1), c.sum(axis=2)
    return {
        "accuracy": diagonal.sum(axis=1) / n,
        "precision": _ratio(diagonal, predicted).mean(axis=1),
        "recall": _ratio(diagonal, actual).mean(axis=1),
        "f1": _ratio(2 * diagonal, predicted + actual).mean(axis=1),
    }


def _macro_auc(scores: np.ndarray, pos: list[np.ndarray], neg: list[np.ndarray]) -> np.ndarray:
    """Binary: the positive class's AUC; multiclass: the mean over classes of one-vs-rest AUC
    (classes with no weight on a side left out)."""
    if scores.shape[1] == 2:
        return _auc(scores[:, 1], pos[1], neg[1])
    per_class = np.vstack([_auc(scores[:, k], pos[k], neg[k]) for k in range(scores.shape[1])])
    known = ~np.isnan(per_class)
    count = known.sum(axis=0)
    total = np.where(known, per_class, 0.0).sum(axis=0)
    return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def _metrics(
    scores: np.ndarray, truth: np.ndarray, predicted: np.ndarray, matrix: CostMatrix | None
) -> dict[str, np.ndarray]:
    """Every metric for each of ``d`` label weightings ``truth`` (d, n, k): weights of each row
    on each class (one-hot realised labels, or calibrated probabilities)."""
    onehot = np.eye(scores.shape[1])[predicted]  # (n, k)
    confusion = np.einsum("dnj,nk->djk", truth, onehot)
    out = _from_confusion(confusion, matrix)
    k = scores.shape[1]
    pos = [truth[:, :, j] for j in range(k)]
    out["roc_auc"] = _macro_auc(scores, pos, [1 - p for p in pos])
    return out


def _value(x: float) -> float | None:
    return None if np.isnan(x) else float(x)


def estimate_metrics(
    proba: np.ndarray,
    calibrated: np.ndarray,
    threshold: float | None = None,
    matrix: CostMatrix | None = None,
    draws: int = DRAWS,
    seed: int = 0,
) -> dict[str, MetricEstimate]:
    """Estimated metrics of a window without labels.

    ``proba`` (n, k): the model's probabilities (they decide and rank); ``calibrated`` (n, k):
    the calibrated ones (they say how likely each class is); ``threshold``: a binary model's
    saved decision threshold (None: the most probable class); ``matrix``: a binary model's cost
    matrix (the value per 1,000 cases is left out without one). Returns metric name ->
    estimate with its 95% band (see the module). Precision, recall and F1 are of class 1 for a
    binary model, one-vs-rest macro averages for more classes.
    """
    predicted = decisions(proba, threshold)
    expected = _metrics(proba, calibrated[None], predicted, matrix)
    rng = np.random.default_rng(seed)
    cumulative = np.cumsum(calibrated, axis=1)
    k = calibrated.shape[1]
    samples: dict[str, list[np.ndarray]] = {name: [] for name in expected}
    chunk = max(1, CELLS // max(len(calibrated) * k, 1))
    for start in range(0, draws, chunk):
        u = rng.random((min(chunk, draws - start), len(calibrated), 1))
        codes = np.minimum((u > cumulative[None]).sum(axis=2), k - 1)  # (d, n)
        drawn = _metrics(proba, np.eye(k)[codes], predicted, matrix)
        for name, values in drawn.items():
            samples[name].append(values)
    out = {}
    for name, point in expected.items():
        values = np.concatenate(samples[name])
        values = values[~np.isnan(values)]
        low, high = np.percentile(values, [2.5, 97.5]) if len(values) else (np.nan, np.nan)
        out[name] = MetricEstimate(name, _value(point[0]), _value(low), _value(high))
    return out


def realised_metrics(
    y: np.ndarray, proba: np.ndarray, threshold: float | None = None,
    matrix: CostMatrix | None = None,
) -> dict[str, float | None]:  # fmt: skip
    """The same metrics measured on labels ``y`` (n,) class codes, under the same decision
    rule (None where undefined, e.g. ROC AUC of a window with one class)."""
    k = proba.shape[1]
    truth = np.eye(k)[np.asarray(y, dtype=int)][None]
    values = _metrics(proba, truth, decisions(proba, threshold), matrix)
    return {name: _value(v[0]) for name, v in values.items()}

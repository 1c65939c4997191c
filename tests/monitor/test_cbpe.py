"""CBPE against brute force: expected counts by a naive loop, the expected AUC by a double loop,
the estimate against the mean of realised metrics on labels drawn from a known calibrated
model, and the band against the Poisson-binomial variance."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics as skm

from studio.business.value import CostMatrix
from studio.monitor.cbpe import (
    decisions,
    estimate_metrics,
    expected_confusion,
    realised_metrics,
)


def _binary(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Scores s (the model's) and true probabilities p = s ** 1.4 (a known calibration)."""
    s = np.random.default_rng(seed).random(n)
    return np.column_stack([1 - s, s]), s**1.4


def _naive_counts(p: np.ndarray, predicted: np.ndarray) -> tuple[float, float, float, float]:
    tp = fp = fn = tn = 0.0
    for p_i, positive in zip(p, predicted, strict=True):
        if positive:
            tp, fp = tp + p_i, fp + (1 - p_i)
        else:
            fn, tn = fn + p_i, tn + (1 - p_i)
    return tp, fp, fn, tn


def _naive_auc(scores: np.ndarray, p: np.ndarray) -> float:
    top = 0.0
    for i in range(len(p)):
        for j in range(len(p)):
            if scores[i] > scores[j]:
                top += p[i] * (1 - p[j])
            elif scores[i] == scores[j]:
                top += 0.5 * p[i] * (1 - p[j])
    return top / (p.sum() * (1 - p).sum())


@pytest.mark.parametrize("threshold", [None, 0.3, 0.7])
def test_binary_estimate_is_the_naive_loops_expected_confusion(threshold: float | None) -> None:
    """Accuracy, precision, recall, F1, value and AUC from counts summed row by row."""
    proba, p = _binary(300, seed=1)
    proba[:5, 1] = proba[5:10, 1]  # some tied scores
    proba[:, 0] = 1 - proba[:, 1]
    calibrated = np.column_stack([1 - p, p])
    matrix = CostMatrix(tp=50, fp=-10, fn=-5, tn=1)
    got = estimate_metrics(proba, calibrated, threshold, matrix, draws=20)
    cut = 0.5 if threshold is None else threshold
    predicted = proba[:, 1] >= cut if threshold is not None else proba[:, 1] > cut
    tp, fp, fn, tn = _naive_counts(p, predicted)
    n = len(p)
    assert got["accuracy"].value == pytest.approx((tp + tn) / n)
    assert got["precision"].value == pytest.approx(tp / (tp + fp))
    assert got["recall"].value == pytest.approx(tp / (tp + fn))
    assert got["f1"].value == pytest.approx(2 * tp / (2 * tp + fp + fn))
    value = (50 * tp - 10 * fp - 5 * fn + tn) / n * 1000
    assert got["value"].value == pytest.approx(value)
    assert got["roc_auc"].value == pytest.approx(_naive_auc(proba[:, 1], p))


def test_the_estimate_is_the_mean_of_realised_metrics_on_labels_drawn_from_the_model() -> None:
    """Monte-Carlo: labels y ~ Bernoulli(p), 400 times; the estimates match the mean realised
    value, and the accuracy band matches the Poisson-binomial standard deviation."""
    proba, p = _binary(2_000, seed=2)
    calibrated = np.column_stack([1 - p, p])
    got = estimate_metrics(proba, calibrated, 0.5, CostMatrix())
    rng = np.random.default_rng(3)
    drawn = [
        realised_metrics((rng.random(len(p)) < p).astype(int), proba, 0.5, CostMatrix())
        for _ in range(400)
    ]
    for name, tolerance in [("accuracy", 0.002), ("precision", 0.003), ("recall", 0.003),
                            ("f1", 0.003), ("roc_auc", 0.002), ("value", 150)]:  # fmt: skip
        mean = np.mean([d[name] for d in drawn])
        assert got[name].value == pytest.approx(mean, abs=tolerance), name
        assert got[name].low < mean < got[name].high
    correct = np.where(proba[:, 1] >= 0.5, p, 1 - p)
    sd = np.sqrt(np.sum(correct * (1 - correct))) / len(p)  # Poisson-binomial
    width = got["accuracy"].high - got["accuracy"].low
    assert width == pytest.approx(2 * 1.96 * sd, rel=0.25)


def test_realised_metrics_are_scikit_learns() -> None:
    """The same formulas on real labels give scikit-learn's metrics (binary and multiclass)."""
    proba, p = _binary(500, seed=4)
    y = (np.random.default_rng(5).random(500) < p).astype(int)
    got = realised_metrics(y, proba, 0.4)
    cut = (proba[:, 1] >= 0.4).astype(int)
    assert got["accuracy"] == pytest.approx(skm.accuracy_score(y, cut))
    assert got["f1"] == pytest.approx(skm.f1_score(y, cut))
    assert got["precision"] == pytest.approx(skm.precision_score(y, cut))
    assert got["roc_auc"] == pytest.approx(skm.roc_auc_score(y, proba[:, 1]))
    many = np.random.default_rng(6).dirichlet([1, 1, 1], size=400)
    y3 = np.array([np.random.default_rng(i).choice(3, p=row) for i, row in enumerate(many)])
    got3 = realised_metrics(y3, many)
    assert got3["f1"] == pytest.approx(skm.f1_score(y3, many.argmax(1), average="macro"))
    assert got3["recall"] == pytest.approx(skm.recall_score(y3, many.argmax(1), average="macro"))
    assert got3["roc_auc"] == pytest.approx(skm.roc_auc_score(y3, many, multi_class="ovr"))


def test_multiclass_expected_confusion_is_a_sum_of_probabilities() -> None:
    """C[j, k] = sum of P[i, j] over rows predicted k, by a loop; accuracy is its trace."""
    proba = np.random.default_rng(7).dirichlet([1, 2, 1], size=200)
    predicted = decisions(proba, None)
    matrix = np.zeros((3, 3))
    for row, k in zip(proba, predicted, strict=True):
        matrix[:, k] += row
    assert np.allclose(expected_confusion(proba, predicted), matrix)
    got = estimate_metrics(proba, proba, draws=20)
    assert got["accuracy"].value == pytest.approx(np.trace(matrix) / 200)
    assert "value" not in got


def test_a_window_of_one_class_has_no_realised_auc() -> None:
    """ROC AUC is undefined on labels of one class: None, not an error."""
    proba, _ = _binary(50, seed=8)
    assert realised_metrics(np.zeros(50, dtype=int), proba)["roc_auc"] is None

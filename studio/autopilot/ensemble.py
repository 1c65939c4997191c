"""Greedy ensemble selection (Caruana et al., 2004) over out-of-fold outputs, its honest
(nested) cross-validated score, and the fitted soft-voting model that serves it.

The weights are chosen to maximise the score of the blended out-of-fold outputs, so that same
score, read back, is in-sample for the weights and flatters the ensemble (most with many noisy
candidates on a small table). ``nested_scores`` scores it honestly: for each fold, weights
chosen on the other folds' out-of-fold rows, scored on that fold's rows they did not see.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import clone
from sklearn.ensemble import VotingClassifier, VotingRegressor
from sklearn.preprocessing import LabelEncoder

from studio.autopilot.metrics import Metric, score, search_value

ROUNDS = 25


def greedy_weights(outputs: list[np.ndarray], y: np.ndarray, metric: Metric) -> np.ndarray:
    """How many times each model is picked when adding, with replacement, the model that most
    improves the averaged output's score."""
    counts = np.zeros(len(outputs), dtype=int)
    total = np.zeros_like(outputs[0])
    for round_ in range(ROUNDS):
        trials = [
            search_value(metric, score(metric, y, (total + out) / (round_ + 1))) for out in outputs
        ]
        pick = int(np.argmax(trials))
        counts[pick] += 1
        total = total + outputs[pick]
    return counts


def covered(folds: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """The training rows some fold validates, sorted (with time-ordered folds the earliest
    rows are never validated, so their out-of-fold outputs are NaN)."""
    return np.unique(np.concatenate([valid for _, valid in folds]))


def nested_scores(
    outputs: list[np.ndarray],
    y: np.ndarray,
    folds: list[tuple[np.ndarray, np.ndarray]],
    metric: Metric,
) -> list[float]:
    """Per fold k: the metric on fold k's validation rows of the blend whose greedy weights
    were chosen on the other folds' validation rows only. Shapes: ``outputs`` are out-of-fold
    outputs over all training rows (n,) or (n, classes); ``y`` is (n,)."""
    scores = []
    for k, (_, valid) in enumerate(folds):
        others = np.unique(np.concatenate([v for j, (_, v) in enumerate(folds) if j != k]))
        weights = greedy_weights([o[others] for o in outputs], y[others], metric)
        blended = blend([o[valid] for o in outputs], weights.astype(float))
        scores.append(score(metric, y[valid], blended))
    return scores  # fmt: skip


def blend(outputs: list[np.ndarray], weights: np.ndarray) -> np.ndarray:
    """The weighted average of model outputs."""
    stacked = np.stack(outputs)
    return np.tensordot(weights / weights.sum(), stacked, axes=1)


def fold_scores(
    output: np.ndarray, y: np.ndarray, folds: list[tuple[np.ndarray, np.ndarray]], metric: Metric
) -> list[float]:
    """The metric on each fold's validation rows of an out-of-fold output."""
    return [score(metric, y[valid], output[valid]) for _, valid in folds]


def voting_model(
    members: list[tuple[str, Any]], weights: list[float], task: str, n_classes: int
) -> Any:
    """A soft-voting ensemble built from already fitted members (no refit).

    The constructor gets unfitted clones and only ``estimators_`` holds the fitted members:
    skops saves every reference separately, so sharing them would store each model twice.
    """
    blueprints = [(name, clone(model)) for name, model in members]
    if task == "regression":
        ensemble = VotingRegressor(blueprints, weights=weights)
    else:
        ensemble = VotingClassifier(blueprints, voting="soft", weights=weights)
        ensemble.le_ = LabelEncoder().fit(np.arange(n_classes))
        ensemble.classes_ = ensemble.le_.classes_
    ensemble.estimators_ = [model for _, model in members]
    return ensemble

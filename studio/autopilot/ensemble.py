"""Greedy ensemble selection (Caruana et al., 2004) over out-of-fold outputs, and the fitted
soft-voting model that serves it."""

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

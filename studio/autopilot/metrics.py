"""The metric registry: how candidates are scored, with documented defaults per task.

Defaults: binary → ROC AUC, multiclass → accuracy, regression → R². Leaderboards always show
every metric of the task. Scores are "higher is better" internally; metrics where lower is
better (log loss, RMSE, MAE) are negated for the search and shown positive.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn import metrics as skm

from studio.errors import InvalidInputError
from studio.i18n import N_, _, format_percent

TASKS = ("binary", "multiclass", "regression")


@dataclass(frozen=True)
class Metric:
    """A named score computed from true labels and predictions (labels or probabilities)."""

    name: str
    label: str
    tasks: tuple[str, ...]
    needs_proba: bool
    greater_is_better: bool
    compute: Callable[[np.ndarray, np.ndarray], float]


def _auc(y: np.ndarray, proba: np.ndarray) -> float:
    if proba.ndim == 2 and proba.shape[1] == 2:
        proba = proba[:, 1]
    if proba.ndim == 1:
        return float(skm.roc_auc_score(y, proba))
    return float(skm.roc_auc_score(y, proba, multi_class="ovr", labels=np.arange(proba.shape[1])))


def _log_loss(y: np.ndarray, proba: np.ndarray) -> float:
    if proba.ndim == 1:
        proba = np.column_stack([1 - proba, proba])
    return float(skm.log_loss(y, proba, labels=np.arange(proba.shape[1])))


METRICS: dict[str, Metric] = {
    m.name: m
    for m in (
        Metric("roc_auc", "ROC AUC", ("binary", "multiclass"), True, True, _auc),
        Metric("accuracy", N_("Accuracy"), ("binary", "multiclass"), False, True,
               lambda y, p: float(skm.accuracy_score(y, p))),
        Metric("balanced_accuracy", N_("Balanced accuracy"), ("binary", "multiclass"), False,
               True,
               lambda y, p: float(skm.balanced_accuracy_score(y, p))),
        Metric("f1", "F1", ("binary",), False, True, lambda y, p: float(skm.f1_score(y, p))),
        Metric("f1_macro", N_("Macro F1"), ("binary", "multiclass"), False, True,
               lambda y, p: float(skm.f1_score(y, p, average="macro"))),
        Metric("log_loss", N_("Log loss"), ("binary", "multiclass"), True, False, _log_loss),
        Metric("r2", "R²", ("regression",), False, True, lambda y, p: float(skm.r2_score(y, p))),
        Metric("rmse", "RMSE", ("regression",), False, False,
               lambda y, p: float(skm.root_mean_squared_error(y, p))),
        Metric("mae", "MAE", ("regression",), False, False,
               lambda y, p: float(skm.mean_absolute_error(y, p))),
    )
}  # fmt: skip

DEFAULT_METRIC = {"binary": "roc_auc", "multiclass": "accuracy", "regression": "r2"}
LEADERBOARD_METRICS = {
    "binary": ("roc_auc", "accuracy", "f1", "log_loss"),
    "multiclass": ("accuracy", "balanced_accuracy", "f1_macro", "roc_auc", "log_loss"),
    "regression": ("r2", "rmse", "mae"),
}


RARE_CLASS_SHARE = 0.10  # a multiclass target with a class this rare defaults to balanced accuracy


def default_metric(task: str, y: pd.Series) -> tuple[str, str]:
    """The task's default metric for the target ``y`` and why, in a sentence ("" if plain).

    A multiclass target with a class under ``RARE_CLASS_SHARE`` of the rows gets balanced
    accuracy (the mean of per-class recalls, scikit-learn's ``balanced_accuracy_score``):
    plain accuracy there rewards a model that never predicts the rare class.
    """
    if task != "multiclass":
        return DEFAULT_METRIC[task], ""
    shares = y.dropna().astype(str).value_counts(normalize=True)
    if shares.empty or shares.iloc[-1] >= RARE_CLASS_SHARE:
        return DEFAULT_METRIC[task], ""
    return "balanced_accuracy", _(
        "Class '{label}' is only {share} of the rows, so the default metric is balanced "
        "accuracy, which weighs every class equally (accuracy would reward predicting the "
        "common classes)."
    ).format(label=shares.index[-1], share=format_percent(shares.iloc[-1], digits=1))


def metric_label(name: str) -> str:
    """The human name of metric ``name`` (the name itself if it is not in the registry)."""
    return METRICS[name].label if name in METRICS else name


def metric_for(task: str, name: str | None) -> Metric:
    """The metric ``name`` (or the task's default); unknown names list the valid ones."""
    name = name or DEFAULT_METRIC[task]
    valid = [m.name for m in METRICS.values() if task in m.tasks]
    if name not in valid:
        raise InvalidInputError(
            _("'{name}' is not a metric for {task} tasks; choose one of {names}.").format(
                name=name, task=task, names=", ".join(valid)
            )
        )
    return METRICS[name]


def score(metric: Metric, y: np.ndarray, output: np.ndarray) -> float:
    """The metric on ``output`` (probabilities for classifiers, predictions for regressors)."""
    if metric.needs_proba or "regression" in metric.tasks:
        return metric.compute(y, output)
    labels = output.argmax(axis=1) if output.ndim == 2 else (output >= 0.5).astype(int)
    return metric.compute(y, labels)


def search_value(metric: Metric, value: float) -> float:
    """The value the search maximises (negated when lower is better)."""
    return value if metric.greater_is_better else -value

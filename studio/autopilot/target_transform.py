"""Target transforms for skewed regression targets, a searched choice of the autopilot.

A regression target with a long tail (prices, counts, durations) is often learned better on a
scale that makes it nearly symmetric, the model's predictions mapped back afterwards: both
anchors do this (AutoGluon's log target for skewed regression, FLAML's ``log`` variants).
Studio offers it where it can matter: for a regression whose training target has a sample
skewness of at least ``SKEW_THRESHOLD`` in absolute value (1.0: "highly skewed", Bulmer 1979),
the search chooses per trial between ``"none"`` and ``"power"``: scikit-learn's
``TransformedTargetRegressor`` around the family's estimator with a Yeo-Johnson
``PowerTransformer`` (Yeo & Johnson 2000; standardised, its lambda fitted by maximum
likelihood on each fit's training rows, so the holdout and the validation folds stay unseen).
The choice is the trial parameter ``regression__target_transform``, stored on the candidate as
``target_transform``; a candidate without it is untransformed.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import optuna
from scipy.stats import skew
from sklearn.base import BaseEstimator
from sklearn.compose import TransformedTargetRegressor
from sklearn.preprocessing import PowerTransformer

SKEW_THRESHOLD = 1.0
PARAM = "regression__target_transform"
NONE, POWER = "none", "power"
SKEWED_TARGET = (
    "The target is skewed (a long tail of large or small values): the search also tries "
    "models fitted on a power-transformed target, their predictions transformed back."
)


def offered(task: str, y: np.ndarray) -> list[str]:
    """The transforms a run searches over: ``["none", "power"]`` for a regression whose target
    ``y`` (n,) is skewed, else ``["none"]`` (nothing to choose)."""
    if task != "regression" or len(y) < 3:
        return [NONE]
    value = float(skew(np.asarray(y, dtype=float), nan_policy="omit"))
    return [NONE, POWER] if np.isfinite(value) and abs(value) >= SKEW_THRESHOLD else [NONE]


def suggest(trial: optuna.Trial, choices: list[str]) -> dict[str, Any]:
    """``{"target_transform": choice}`` sampled by the trial, or nothing with one choice."""
    if len(choices) < 2:
        return {}
    return {"target_transform": trial.suggest_categorical(PARAM, choices)}


def wrap(model: BaseEstimator, params: dict[str, Any]) -> BaseEstimator:
    """``model`` itself, or, when ``params["target_transform"]`` is ``"power"``, the model
    fitted on the Yeo-Johnson transformed target, its predictions transformed back."""
    if params.get("target_transform", NONE) == NONE:
        return model
    return TransformedTargetRegressor(regressor=model, transformer=PowerTransformer())

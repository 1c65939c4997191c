"""Candidate pipelines: one scikit-learn Pipeline (ColumnTransformer + estimator) per spec."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import is_classifier
from sklearn.pipeline import Pipeline

from studio.autopilot import target_transform
from studio.autopilot.families import FAMILIES
from studio.autopilot.prepare import ColumnPlan, build_preprocessor, native_categorical_count


@dataclass(frozen=True)
class CandidateSpec:
    """Everything needed to rebuild a candidate: family, parameters, task and seed."""

    family: str
    params: dict[str, Any]
    task: str
    seed: int


def build_pipeline(spec: CandidateSpec, plan: ColumnPlan) -> Pipeline:
    """The unfitted pipeline for ``spec`` on columns prepared by ``plan``."""
    family = FAMILIES[spec.family]
    prepare = build_preprocessor(plan, family.style, spec.task)
    n_native = native_categorical_count(plan) if family.style == "native" else 0
    model = family.build(spec.params, spec.task, spec.seed, n_native)
    model = target_transform.wrap(model, spec.params)
    return Pipeline([("prepare", prepare), ("model", model)])


def model_output(model: Any, frame: pd.DataFrame) -> np.ndarray:
    """Class probabilities (classifiers) or predictions (regressors), as float64."""
    if is_classifier(model):
        return np.asarray(model.predict_proba(frame), dtype=float)
    return np.asarray(model.predict(frame), dtype=float)

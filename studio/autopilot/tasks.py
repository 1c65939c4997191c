"""Task detection (binary, multiclass, regression), with the reason in plain words."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from studio.autopilot.metrics import TASKS
from studio.errors import InvalidInputError

MAX_CLASSES = 50
MAX_INTEGER_CLASSES = 10


@dataclass(frozen=True)
class TaskDecision:
    """The detected task and why."""

    task: str
    reason: str


def detect_task(y: pd.Series) -> TaskDecision:
    """Binary for two values, multiclass for a few labels, regression for numbers."""
    present = y.dropna()
    distinct = int(present.nunique())
    if distinct == 2:
        return TaskDecision("binary", f"'{y.name}' has exactly two values.")
    numeric = pd.api.types.is_numeric_dtype(present) and not pd.api.types.is_bool_dtype(present)
    if not numeric:
        return TaskDecision(
            "multiclass", f"'{y.name}' holds {distinct} text labels, so each label is a class."
        )
    values = present.to_numpy(dtype=float)
    integral = bool(np.all(np.isfinite(values)) and np.all(values == np.round(values)))
    if integral and distinct <= MAX_INTEGER_CLASSES:
        return TaskDecision(
            "multiclass", f"'{y.name}' holds {distinct} whole-number codes, treated as classes."
        )
    return TaskDecision("regression", f"'{y.name}' is a number with {distinct:,} distinct values.")


def check_target(y: pd.Series, task: str, folds: int, holdout: float) -> None:
    """Refuse targets the task cannot learn from, with a sentence saying why."""
    if task not in TASKS:
        raise InvalidInputError(f"'{task}' is not a task; choose one of {', '.join(TASKS)}.")
    present = y.dropna()
    if present.empty:
        raise InvalidInputError(f"The target '{y.name}' is missing in every row.")
    if task == "regression":
        if not pd.api.types.is_numeric_dtype(present) or pd.api.types.is_bool_dtype(present):
            raise InvalidInputError(
                f"The target '{y.name}' is not numeric, so it cannot be a regression target; "
                "choose binary or multiclass."
            )
        if len(present) < 2 * folds:
            raise InvalidInputError(
                f"Only {len(present)} rows have a target; {2 * folds} are needed "
                f"for {folds} folds."
            )
        return
    counts = present.value_counts()
    if len(counts) < 2:
        raise InvalidInputError(
            f"The target '{y.name}' has a single class ('{counts.index[0]}'); a classifier "
            "needs at least two."
        )
    if task == "binary" and len(counts) != 2:
        raise InvalidInputError(
            f"The target '{y.name}' has {len(counts)} classes, not 2; choose multiclass."
        )
    if len(counts) > MAX_CLASSES:
        raise InvalidInputError(
            f"The target '{y.name}' has {len(counts)} classes (the limit is {MAX_CLASSES}); "
            "choose regression or group the classes."
        )
    needed = int(np.ceil(folds / (1 - holdout))) + 1
    if counts.min() < needed:
        raise InvalidInputError(
            f"The smallest class '{counts.idxmin()}' has {counts.min()} rows; at least {needed} "
            f"are needed for {folds}-fold cross-validation and a holdout."
        )


TARGET_NAMES = (
    "target", "label", "class", "y", "outcome", "churn", "diagnosis", "cultivar", "progression",
    "species", "price", "default", "fraud",
)  # fmt: skip


def suggest_target(columns: list[str]) -> str:
    """A likely target among ``columns``: a conventional target name, else the last column."""
    lowered = {c.lower(): c for c in columns}
    for name in TARGET_NAMES:
        if name in lowered:
            return lowered[name]
    return columns[-1]

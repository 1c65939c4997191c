"""Task detection (binary, multiclass, regression), with the reason in plain words."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from studio.autopilot.metrics import TASKS
from studio.errors import InvalidInputError
from studio.i18n import _, format_number

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
        return TaskDecision("binary", _("'{name}' has exactly two values.").format(name=y.name))
    numeric = pd.api.types.is_numeric_dtype(present) and not pd.api.types.is_bool_dtype(present)
    if not numeric:
        return TaskDecision(
            "multiclass",
            _("'{name}' holds {n} text labels, so each label is a class.").format(
                name=y.name, n=format_number(distinct)
            ),
        )
    values = present.to_numpy(dtype=float)
    integral = bool(np.all(np.isfinite(values)) and np.all(values == np.round(values)))
    if integral and distinct <= MAX_INTEGER_CLASSES:
        return TaskDecision(
            "multiclass",
            _("'{name}' holds {n} whole-number codes, treated as classes.").format(
                name=y.name, n=format_number(distinct)
            ),
        )
    return TaskDecision(
        "regression",
        _("'{name}' is a number with {n} distinct values.").format(
            name=y.name, n=format_number(distinct)
        ),
    )


def check_target(y: pd.Series, task: str, folds: int, holdout: float) -> None:
    """Refuse targets the task cannot learn from, with a sentence saying why."""
    if task not in TASKS:
        raise InvalidInputError(
            _("'{task}' is not a task; choose one of {tasks}.").format(
                task=task, tasks=", ".join(TASKS)
            )
        )
    present = y.dropna()
    if present.empty:
        raise InvalidInputError(
            _("The target '{name}' is missing in every row.").format(name=y.name)
        )
    if task == "regression":
        if not pd.api.types.is_numeric_dtype(present) or pd.api.types.is_bool_dtype(present):
            raise InvalidInputError(
                _(
                    "The target '{name}' is not numeric, so it cannot be a regression target; "
                    "choose binary or multiclass."
                ).format(name=y.name)
            )
        if len(present) < 2 * folds:
            raise InvalidInputError(
                _("Only {rows} rows have a target; {needed} are needed for {folds} folds.").format(
                    rows=format_number(len(present)), needed=format_number(2 * folds), folds=folds
                )
            )
        return
    counts = present.value_counts()
    if len(counts) < 2:
        raise InvalidInputError(
            _(
                "The target '{name}' has a single class ('{label}'); a classifier needs at "
                "least two."
            ).format(name=y.name, label=counts.index[0])
        )
    if task == "binary" and len(counts) != 2:
        raise InvalidInputError(
            _("The target '{name}' has {n} classes, not 2; choose multiclass.").format(
                name=y.name, n=format_number(len(counts))
            )
        )
    if len(counts) > MAX_CLASSES:
        raise InvalidInputError(
            _(
                "The target '{name}' has {n} classes (the limit is {limit}); choose regression "
                "or group the classes."
            ).format(name=y.name, n=format_number(len(counts)), limit=MAX_CLASSES)
        )
    needed = int(np.ceil(folds / (1 - holdout))) + 1
    if counts.min() < needed:
        raise InvalidInputError(
            _(
                "The smallest class '{label}' has {rows} rows; at least {needed} are needed for "
                "{folds}-fold cross-validation and a holdout."
            ).format(label=counts.idxmin(), rows=counts.min(), needed=needed, folds=folds)
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

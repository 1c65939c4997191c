"""A run's training data: rows with a target, encoded labels, the holdout and the folds.

The split depends only on the dataset version and the seed (and the time column, when the run
has one: see ``splits``), so every worker that joins a run sees exactly the same training rows,
folds and holdout.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from studio.autopilot.column_types import as_set_type
from studio.autopilot.evaluation import TrainingData
from studio.autopilot.metrics import METRICS
from studio.autopilot.positive import ordered, positive_class
from studio.autopilot.prepare import ColumnChoice, ColumnPlan
from studio.autopilot.splits import Split, as_times, random_split, time_split
from studio.context import Studio
from studio.data.versions import get_version, load_frame


def class_labels(y: pd.Series, config: dict | None = None) -> list[str]:
    """The classes of a classification target as strings (code i = labels[i]): sorted, with a
    binary run's positive class (see ``positive.positive_class``) last, so it is class 1."""
    labels = sorted({str(v) for v in y.dropna()})
    return ordered(labels, positive_class(config or {}, labels))


def prepare_training_data(studio: Studio, dataset_ref: str, config: dict) -> TrainingData:
    """Load, encode, split and fold a run's data as described by its stored config."""
    version = get_version(studio, dataset_ref)
    frame = load_frame(studio, version)
    target, task = config["target"], config["task"]
    labelled = frame[target].notna().to_numpy()
    frame = frame[labelled].reset_index(drop=True)
    row_numbers = np.flatnonzero(labelled)  # position of each kept row in the stored frame
    if task == "regression":
        y = frame[target].to_numpy(dtype=float)
        n_classes, labels = 0, []
    else:
        labels = class_labels(frame[target], config)
        y = frame[target].astype(str).map({v: i for i, v in enumerate(labels)}).to_numpy(int)
        n_classes = len(labels)
    plan = ColumnPlan(target, tuple(ColumnChoice(**c) for c in config["columns"]))
    X = as_set_type(frame[plan.features], config.get("column_types", {}))
    split = run_split(frame, y, config)
    train, holdout = split.train, split.holdout
    X_train = X.iloc[train].reset_index(drop=True)
    folds = split.folds
    return TrainingData(
        X=X_train, y=y[train], folds=folds,
        X_holdout=X.iloc[holdout].reset_index(drop=True), y_holdout=y[holdout],
        plan=plan, metric=METRICS[config["metric"]], task=task, n_classes=n_classes,
        labels=tuple(labels), train_rows=row_numbers[train], holdout_rows=row_numbers[holdout],
    )  # fmt: skip


def run_split(frame: pd.DataFrame, y: np.ndarray, config: dict) -> Split:
    """The run's split of its labelled rows ``frame``: by time when the config names a time
    column, else a seeded random (stratified) one."""
    share, folds = float(config["holdout"]), int(config["folds"])
    column = config.get("time_column")
    if column:
        return time_split(as_times(frame[column]), share, folds)
    return random_split(y, config["task"], share, folds, int(config["seed"]))

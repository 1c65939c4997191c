"""Which rows a registered version was fit on, and the optional refit on all of them.

A candidate is fit on the run's training rows; its holdout (20% by default) is what measured
it. On a small table those rows are a real loss, so registration can refit the candidate's
pipeline (unfitted clone, same parameters) on training + holdout rows. The holdout score stays
the version's estimate, and the card says it was measured before the refit. The record
(``model_version.training``) names the rows by their recipe (dataset version, split, seed)
plus a SHA-256 of their row numbers in the stored frame, so they can be rebuilt and checked.
"""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.ensemble import VotingClassifier, VotingRegressor
from threadpoolctl import threadpool_limits

from studio.autopilot.ensemble import voting_model
from studio.autopilot.evaluation import TrainingData, fit_threads
from studio.autopilot.metrics import metric_label
from studio.autopilot.splits import describe_split
from studio.i18n import _, format_number


def rows_checksum(rows: np.ndarray) -> str:
    """SHA-256 of sorted row numbers (int64, little-endian): the rows' fingerprint."""
    return hashlib.sha256(np.sort(rows).astype("<i8").tobytes()).hexdigest()


def all_rows(data: TrainingData) -> tuple[pd.DataFrame, np.ndarray]:
    """Training and holdout rows together: features (n, columns) and encoded target (n,)."""
    X = pd.concat([data.X, data.X_holdout], ignore_index=True)
    return X, np.concatenate([data.y, data.y_holdout])


def refit_all_rows(model: Any, data: TrainingData) -> Any:
    """A new fit of ``model``'s unfitted clone on every labelled row (the candidate itself is
    not touched: candidates are immutable). A soft-voting ensemble is rebuilt as the autopilot
    builds one (``ensemble.voting_model``: each member refit, then assembled), never by the
    ensemble's own ``fit``, whose extra attributes (a ``Bunch`` of the members) the model
    loader's allow-list does not hold."""
    X, y = all_rows(data)
    with threadpool_limits(fit_threads(len(X)), user_api="openmp"):
        if not isinstance(model, VotingClassifier | VotingRegressor):
            return clone(model).fit(X, y)
        members = [(name, clone(member).fit(X, y)) for name, member in model.estimators]
        return voting_model(members, list(model.weights), data.task, data.n_classes)


def training_record(data: TrainingData, config: dict, dataset: str, refit: bool) -> dict:
    """What ``model_version.training`` stores: scope ("all_rows" or "training_rows"), row
    counts, the split sentence and the rows' checksum."""
    rows = np.concatenate([data.train_rows, data.holdout_rows]) if refit else data.train_rows
    return {
        "scope": "all_rows" if refit else "training_rows",
        "rows": int(len(rows)),
        "holdout_rows": int(len(data.holdout_rows)),
        "dataset": dataset,
        "split": describe_split(config),
        "rows_sha256": rows_checksum(rows),
    }


def training_note(training: dict, metrics: dict, metric: str) -> str:
    """One sentence for the model card: which rows the model saw and what the holdout score
    means ("" for a version registered before this was recorded)."""
    if not training:
        return ""
    counts = {"rows": format_number(training["rows"]),
              "holdout": format_number(training["holdout_rows"])}  # fmt: skip
    score = (metrics.get("holdout") or {}).get(metric)
    if training["scope"] == "all_rows":
        if score is None:
            return _(
                "Trained on all {rows} rows; the holdout score was measured before the refit, "
                "on the {holdout} holdout rows it now includes."
            ).format(**counts)
        return _(
            "Trained on all {rows} rows; the holdout {metric} {score} was measured before the "
            "refit, on the {holdout} holdout rows it now includes."
        ).format(**counts, metric=metric_label(metric), score=f"{score:.3f}")
    if score is None:
        return _(
            "Trained on the run's {rows} training rows; the holdout score was measured on "
            "{holdout} holdout rows it never saw."
        ).format(**counts)
    return _(
        "Trained on the run's {rows} training rows; the holdout {metric} {score} was measured "
        "on {holdout} holdout rows it never saw."
    ).format(**counts, metric=metric_label(metric), score=f"{score:.3f}")

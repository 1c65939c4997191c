"""How a run splits its rows: a random (stratified) holdout with shuffled folds, or, when the
user names a time column, the latest rows as the holdout and time-ordered folds.

A model that will score the future is judged on the future: with a time column the holdout is
the most recent ``share`` of the rows by that column, and cross-validation uses scikit-learn's
``TimeSeriesSplit`` on the training rows sorted by time (each fold trains on the past and is
scored on the period right after it). Both splits depend only on the rows and the seed, so
every worker and the exported script see the same rows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.model_selection import KFold, StratifiedKFold, TimeSeriesSplit, train_test_split

from studio.data.profile import DatasetProfile
from studio.errors import InvalidInputError
from studio.i18n import _, format_number, format_percent

Folds = list[tuple[np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class Split:
    """Positions (into the labelled rows) of the training rows, in the order the search sees
    them, and of the holdout rows, plus the CV folds as positions into the training rows."""

    train: np.ndarray
    holdout: np.ndarray
    folds: Folds

    def holdout_from(self, times: pd.Series) -> str:
        """The earliest holdout timestamp (ISO) of a time split over ``times``."""
        return pd.Timestamp(times.iloc[self.holdout].min()).isoformat()


def as_times(column: pd.Series) -> pd.Series:
    """``column`` as timestamps (tz-aware values in UTC without the zone); unreadable -> NaT."""
    if pd.api.types.is_datetime64_any_dtype(column.dtype):
        values = column
    else:
        values = pd.to_datetime(column, errors="coerce", format="mixed", utc=True)
    if getattr(values.dt, "tz", None) is not None:
        values = values.dt.tz_convert("UTC").dt.tz_localize(None)
    return values


def holdout_size(rows: int, share: float) -> int:
    """Rows in the holdout: ``ceil(rows * share)``, as scikit-learn's ``train_test_split``."""
    return math.ceil(rows * share)


def time_split(times: pd.Series, share: float, folds: int) -> Split:
    """The latest ``share`` of rows (stable sort by time, so ties keep file order) as the
    holdout; ``TimeSeriesSplit(folds)`` over the rest in time order. ``times`` has no NaT."""
    order = np.argsort(times.to_numpy(), kind="stable")
    n_holdout = holdout_size(len(order), share)
    train, holdout = order[:-n_holdout], order[-n_holdout:]
    cv = list(TimeSeriesSplit(n_splits=folds).split(np.zeros(len(train))))
    return Split(train, holdout, cv)


def random_split(y: np.ndarray, task: str, share: float, folds: int, seed: int) -> Split:
    """A seeded (stratified for classification) holdout and shuffled (stratified) K folds."""
    stratify = None if task == "regression" else y
    train, holdout = train_test_split(
        np.arange(len(y)), test_size=share, random_state=seed, stratify=stratify
    )
    splitter = (
        KFold(folds, shuffle=True, random_state=seed)
        if task == "regression"
        else StratifiedKFold(folds, shuffle=True, random_state=seed)
    )
    return Split(train, holdout, list(splitter.split(np.zeros(len(train)), y[train])))


def suggest_time_column(profile: DatasetProfile, target: str) -> str | None:
    """The one datetime column of a dataset (not the target), or None when there are 0 or 2+:
    a suggestion shown on the launch form; the user decides."""
    dates = [c.name for c in profile.column_profiles if c.kind == "datetime" and c.name != target]
    return dates[0] if len(dates) == 1 else None


def check_time_column(frame: pd.DataFrame, column: str, target: str, folds: int) -> pd.Series:
    """The labelled rows' timestamps; ``InvalidInputError`` (one sentence) when ``column`` is
    not a column, is the target, has rows without a readable date, or has too few dates."""
    if column not in frame.columns:
        raise InvalidInputError(
            _("There is no column '{column}' to order the rows by time.").format(column=column)
        )
    if column == target:
        raise InvalidInputError(
            _("'{column}' is the target; choose another time column.").format(column=column)
        )
    times = as_times(frame.loc[frame[target].notna(), column])
    missing = int(times.isna().sum())
    if missing == len(times):
        raise InvalidInputError(
            _("Column '{column}' holds no dates; choose a date column as the time column.").format(
                column=column
            )
        )
    if missing:
        raise InvalidInputError(
            _(
                "Column '{column}' has {n} labelled rows without a readable date; fill them or "
                "choose no time column."
            ).format(column=column, n=format_number(missing))
        )
    if times.nunique() <= folds:
        raise InvalidInputError(
            _(
                "Column '{column}' has only {n} distinct dates; a time-ordered split into "
                "{folds} folds needs more."
            ).format(column=column, n=format_number(times.nunique()), folds=folds)
        )
    return times


def check_time_classes(labels: pd.Series, split: Split, column: str) -> None:
    """Every time-ordered fold must train on every class and be scored on two or more:
    ``InvalidInputError`` naming the first fold that does not (``labels`` are the labelled
    rows' classes as text, in the order ``split`` indexes)."""
    classes = set(labels)
    ordered = labels.to_numpy()[split.train]
    for k, (train, valid) in enumerate(split.folds, start=1):
        missing = sorted(classes - set(ordered[train]))
        if missing:
            raise InvalidInputError(
                _(
                    "Ordered by '{column}', time-ordered fold {k} trains on rows without the "
                    "class '{label}'; choose fewer folds, or no time column."
                ).format(column=column, k=k, label=missing[0])
            )
        if len(set(ordered[valid])) < 2:
            raise InvalidInputError(
                _(
                    "Ordered by '{column}', time-ordered fold {k} is scored on rows of one class "
                    "only; choose fewer folds, or no time column."
                ).format(column=column, k=k)
            )


def describe_split(config: dict) -> str:
    """One sentence saying how a run's holdout and folds were made, from its stored config,
    e.g. "Holdout: the latest 20% of rows by 'order_date' (from 2024-03-02); ..."."""
    share = format_percent(float(config.get("holdout", 0.2)))
    folds = int(config.get("folds", 5))
    split = config.get("split") or {}
    if split.get("kind") == "time":
        start = str(split.get("holdout_from", ""))[:10]
        values = {"share": share, "column": split["column"], "folds": folds, "start": start}
        if start:
            return _(
                "Holdout: the latest {share} of rows by '{column}' (from {start}); "
                "cross-validated on {folds} time-ordered folds (each trained on earlier rows "
                "only)."
            ).format(**values)
        return _(
            "Holdout: the latest {share} of rows by '{column}'; cross-validated on {folds} "
            "time-ordered folds (each trained on earlier rows only)."
        ).format(**values)
    return _(
        "Holdout: a random {share} sample; cross-validated on {folds} shuffled folds."
    ).format(share=share, folds=folds)

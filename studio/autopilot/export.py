"""Export a candidate as a standalone Python script that needs only scikit-learn and pandas.

The script rebuilds the exact pipeline (the column preparation is Studio's own source, copied
in, so it cannot drift), reads a CSV, repeats the run's split and cross-validation, prints the
CV score, then fits on all training rows and prints the holdout score; last, it fits on every
row (training and holdout), as the run fits its leader and as "refit on all rows" registers a
candidate, and writes that model's outputs for every row to a CSV when given a second path. A
run with a time column repeats its time split: the latest rows as the holdout, time-ordered
folds.
"""

from __future__ import annotations

import inspect
import json
import textwrap
from typing import Any

import sklearn
from sklearn.base import BaseEstimator

from studio.autopilot import prepare, target_transform
from studio.autopilot.families import FAMILIES
from studio.autopilot.prepare import ColumnChoice, ColumnPlan, native_categorical_count
from studio.context import Studio
from studio.errors import NotFoundError
from studio.i18n import _
from studio.tracking import CandidateInfo, get_run

SKLEARN_SCORING = {
    ("roc_auc", "binary"): "roc_auc",
    ("roc_auc", "multiclass"): "roc_auc_ovr",
    ("accuracy", None): "accuracy",
    ("balanced_accuracy", None): "balanced_accuracy",
    ("f1", None): "f1",
    ("f1_macro", None): "f1_macro",
    ("log_loss", None): "neg_log_loss",
    ("r2", None): "r2",
    ("rmse", None): "neg_root_mean_squared_error",
    ("mae", None): "neg_mean_absolute_error",
}
_PREPARE_PARTS = (
    "ColumnChoice", "ColumnPlan", "category_text", "as_category_text", "as_numbers",
    "calendar_parts", "calendar_part_names",
    "_categorical_imputer", "build_preprocessor", "_split_native", "native_categorical_count",
)  # fmt: skip


def _scoring(metric: str, task: str) -> str:
    return SKLEARN_SCORING.get((metric, task)) or SKLEARN_SCORING[(metric, None)]


def _estimators(obj: Any) -> list[BaseEstimator]:
    found = [obj] if isinstance(obj, BaseEstimator) else []
    if isinstance(obj, BaseEstimator):
        for value in obj.get_params(deep=False).values():
            found += _estimators(value)
    return found


def _model_code(family: str, params: dict, task: str, seed: int, plan: ColumnPlan) -> tuple:
    n_native = native_categorical_count(plan) if FAMILIES[family].style == "native" else 0
    model = target_transform.wrap(FAMILIES[family].build(params, task, seed, n_native), params)
    with sklearn.config_context(print_changed_only=True):
        code = repr(model).replace("\n", " ")
    imports = {
        (".".join(type(e).__module__.split(".")[:2]), type(e).__name__) for e in _estimators(model)
    }
    return code, FAMILIES[family].style, imports


def export_code(studio: Studio, run_id: int, candidate: str | None = None) -> str:
    """The script for ``candidate`` (default: the top of the leaderboard) of a finished run."""
    run = get_run(studio, run_id, events=0)
    if not run.leaderboard:
        raise NotFoundError(
            _("Run {run} has no finalised candidates to export yet.").format(run=run_id)
        )
    chosen = _pick(run.leaderboard, candidate)
    plan = ColumnPlan(run.target, tuple(ColumnChoice(**c) for c in run.config["columns"]))
    seed = int(run.config["seed"])
    members = (
        [(name, _member_params(run.leaderboard, name)) for name in chosen.params["members"]]
        if chosen.family == "ensemble"
        else [(chosen.name, (chosen.family, chosen.params))]
    )
    imports: set[tuple[str, str]] = set()
    builders = []
    for name, (family, params) in members:
        code, style, needed = _model_code(family, params, run.task, seed, plan)
        imports |= needed
        builders.append(f"    {name!r}: (lambda: {code}, {style!r}),")
    weights = [float(w) for w in chosen.params.get("members", {}).values()]
    return _TEMPLATE.format(
        run_id=run.id, candidate=chosen.name, dataset=run.dataset, cv=chosen.cv_score,
        metric=run.metric, imports="\n".join(f"from {m} import {n}" for m, n in sorted(imports)),
        prepare_source=_prepare_source(),
        target=json.dumps(run.target), task=json.dumps(run.task),
        positive=repr(run.positive_class),
        columns=textwrap.indent(json.dumps(run.config["columns"], indent=1), "    ").strip(),
        seed=seed, folds=int(run.config["folds"]), holdout=float(run.config["holdout"]),
        scoring=json.dumps(_scoring(run.metric, run.task)), builders="\n".join(builders),
        weights=weights or None, time_column=repr(run.config.get("time_column") or None),
    )  # fmt: skip


def _pick(board: tuple[CandidateInfo, ...], name: str | None) -> CandidateInfo:
    if name is None:
        return board[0]
    for candidate in board:
        if candidate.name == name:
            return candidate
    names = ", ".join(c.name for c in board)
    raise NotFoundError(
        _("Run has no candidate '{name}'; its candidates are {names}.").format(
            name=name, names=names
        )
    )


def _member_params(board: tuple[CandidateInfo, ...], name: str) -> tuple[str, dict]:
    member = _pick(board, name)
    return member.family, member.params


def _prepare_source() -> str:
    constants = (
        f"CALENDAR_PARTS = {prepare.CALENDAR_PARTS!r}\n"
        f"MISSING_LABEL = {prepare.MISSING_LABEL!r}\n"
        f"NATIVE_CATEGORICAL_MAX = {prepare.NATIVE_CATEGORICAL_MAX!r}\n"
    )
    parts = [inspect.getsource(getattr(prepare, name)) for name in _PREPARE_PARTS]
    return constants + "\n\n" + "\n\n".join(parts)


_TEMPLATE = '''"""Candidate {candidate} of Studio run {run_id} ({dataset}), in scikit-learn.

Studio's cross-validated {metric}: {cv:.6f}. Usage: python this_file.py DATA.csv [OUTPUTS.csv]
The CSV must have the dataset's columns as Studio stored them: use Studio's "Download as CSV"
(or `studio data export`), which writes numbers, dates and missing values plainly. A raw file
with thousands separators, currency signs, day-first dates or NA tokens is read here by plain
pandas, not by Studio's reader, and may give other values.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import VotingClassifier, VotingRegressor
from sklearn.impute import SimpleImputer
from sklearn.metrics import get_scorer
from sklearn.model_selection import (
    KFold,
    StratifiedKFold,
    TimeSeriesSplit,
    cross_val_score,
    train_test_split,
)
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import (
    FunctionTransformer,
    OneHotEncoder,
    OrdinalEncoder,
    StandardScaler,
    TargetEncoder,
)
{imports}

# --- Studio's column preparation (copied from studio/autopilot/prepare.py) ---
{prepare_source}

# --- This run ---
TARGET = {target}
TASK = {task}
POSITIVE = {positive}  # a binary target's positive class: encoded as 1, like Studio does
SEED = {seed}
FOLDS = {folds}
HOLDOUT = {holdout}
TIME_COLUMN = {time_column}  # None: a random holdout; else the latest rows by it
SCORING = {scoring}
PLAN = ColumnPlan(TARGET, tuple(ColumnChoice(**c) for c in {columns}))
MODELS = {{
{builders}
}}
WEIGHTS = {weights}


def build_pipeline():
    """The candidate's unfitted pipeline."""
    pipelines = [
        (name, Pipeline([("prepare", build_preprocessor(PLAN, style, TASK)), ("model", make())]))
        for name, (make, style) in MODELS.items()
    ]
    if WEIGHTS is None:
        return pipelines[0][1]
    if TASK == "regression":
        return VotingRegressor(pipelines, weights=WEIGHTS)
    return VotingClassifier(pipelines, voting="soft", weights=WEIGHTS)


def split(frame, y):
    """Studio's split: training and holdout row positions, and the CV splitter."""
    if TIME_COLUMN is not None:  # the latest rows are the holdout; folds are time-ordered
        times = pd.to_datetime(frame[TIME_COLUMN], errors="coerce", format="mixed", utc=True)
        order = np.argsort(times.dt.tz_localize(None).to_numpy(), kind="stable")
        n_holdout = math.ceil(len(y) * HOLDOUT)
        return order[:-n_holdout], order[-n_holdout:], TimeSeriesSplit(FOLDS)
    stratify = None if TASK == "regression" else y
    train, holdout = train_test_split(
        np.arange(len(y)), test_size=HOLDOUT, random_state=SEED, stratify=stratify
    )
    if TASK == "regression":
        return train, holdout, KFold(FOLDS, shuffle=True, random_state=SEED)
    return train, holdout, StratifiedKFold(FOLDS, shuffle=True, random_state=SEED)


def outputs(model, X):
    """Class probabilities (one column per class code), or predicted numbers."""
    if TASK == "regression":
        return pd.DataFrame({{"prediction": model.predict(X)}})
    return pd.DataFrame(model.predict_proba(X)).add_prefix("class_")


def main(path: str, outputs_path: str | None = None) -> None:
    frame = pd.read_csv(path)
    frame = frame[frame[TARGET].notna()].reset_index(drop=True)
    for choice in PLAN.choices:
        if choice.treatment == "calendar_parts":
            dates = pd.to_datetime(frame[choice.name], errors="coerce", format="mixed", utc=True)
            frame[choice.name] = dates.dt.tz_localize(None)
    if TASK == "regression":
        y = frame[TARGET].to_numpy(dtype=float)
    else:
        labels = sorted({{str(v) for v in frame[TARGET]}})
        if POSITIVE in labels and len(labels) == 2:
            labels = [v for v in labels if v != POSITIVE] + [POSITIVE]
        y = frame[TARGET].astype(str).map({{v: i for i, v in enumerate(labels)}}).to_numpy(int)
    X = frame[PLAN.features]
    train, holdout, folds = split(frame, y)
    X_train, y_train = X.iloc[train].reset_index(drop=True), y[train]
    scores = cross_val_score(build_pipeline(), X_train, y_train, cv=folds, scoring=SCORING)
    sign = -1 if SCORING.startswith("neg_") else 1
    print(f"cv {{SCORING.removeprefix('neg_')}}: {{sign * scores.mean():.6f}}")
    model = build_pipeline().fit(X_train, y_train)
    holdout_score = get_scorer(SCORING)(model, X.iloc[holdout], y[holdout])
    print(f"holdout {{SCORING.removeprefix('neg_')}}: {{sign * holdout_score:.6f}}")
    final = build_pipeline().fit(X.iloc[np.concatenate([train, holdout])],
                                 y[np.concatenate([train, holdout])])
    print(f"fitted on all {{len(y):,}} rows (training and holdout)")
    if outputs_path:
        outputs(final, X).to_csv(outputs_path, index=False)


if __name__ == "__main__":
    main(*sys.argv[1:3])
'''

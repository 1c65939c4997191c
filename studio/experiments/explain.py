"""What drives a candidate: permutation importance of its input columns on the holdout, and
the partial dependence of its most important columns (scikit-learn's own implementations)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.inspection import partial_dependence, permutation_importance

from studio.autopilot.metrics import Metric, score
from studio.autopilot.pipeline import model_output

IMPORTANCE_ROWS = 2_000
IMPORTANCE_REPEATS = 3
DEPENDENCE_ROWS = 500
DEPENDENCE_FEATURES = 3
GRID_POINTS = 20
TOP_FEATURES = 15


def _scorer(metric: Metric):  # noqa: ANN202 (sklearn's scorer signature)
    def scorer(model: Any, frame: pd.DataFrame, y: np.ndarray) -> float:
        value = score(metric, y, model_output(model, frame))
        return value if metric.greater_is_better else -value

    return scorer


def importance(
    model: Any, X: pd.DataFrame, y: np.ndarray, metric: Metric, seed: int
) -> list[dict[str, Any]]:
    """The drop in ``metric`` when each column is shuffled (mean and std over repeats), largest
    first, on at most ``IMPORTANCE_ROWS`` holdout rows."""
    rows = np.random.default_rng(seed).permutation(len(X))[:IMPORTANCE_ROWS]
    result = permutation_importance(
        model, X.iloc[rows], y[rows], scoring=_scorer(metric), n_repeats=IMPORTANCE_REPEATS,
        random_state=seed, n_jobs=1,
    )  # fmt: skip
    order = np.argsort(-result.importances_mean)[:TOP_FEATURES]
    return [
        {"feature": str(X.columns[i]), "mean": round(float(result.importances_mean[i]), 6),
         "std": round(float(result.importances_std[i]), 6)}
        for i in order
    ]  # fmt: skip


def _dependence_columns(X: pd.DataFrame, ranked: list[str]) -> list[tuple[str, bool]]:
    chosen = []
    for name in ranked:
        column = X[name]
        if pd.api.types.is_bool_dtype(column) or pd.api.types.is_datetime64_any_dtype(column):
            continue
        categorical = not pd.api.types.is_numeric_dtype(column)
        if column.nunique(dropna=True) < 2 or (categorical and column.nunique() > 30):
            continue
        chosen.append((name, categorical))
        if len(chosen) == DEPENDENCE_FEATURES:
            break
    return chosen


def numeric_grid(values: pd.Series) -> np.ndarray:
    """scikit-learn's default grid, on the non-missing values only: every distinct value when
    there are at most ``GRID_POINTS``, else evenly spaced from the 5th to the 95th percentile.
    (Left to scikit-learn, one missing value turns the whole grid into NaN: an empty plot.)"""
    known = pd.to_numeric(values, errors="coerce").dropna().to_numpy(dtype=float)
    distinct = np.unique(known)
    if len(distinct) <= GRID_POINTS:
        return distinct
    low, high = np.quantile(known, [0.05, 0.95])
    return np.unique(np.linspace(low, high, GRID_POINTS))


def dependence(
    model: Any, X: pd.DataFrame, ranked: list[str], labels: list[str], seed: int
) -> list[dict[str, Any]]:
    """Average partial dependence of the top columns (probability of each class, or the
    prediction), on a sample of holdout rows.

    A numeric column's grid is made of its known values and the average is over every sampled
    row (each row is set to each grid value in turn); a categorical column's rows without a
    value are left out. ``missing`` says how many of the ``rows`` sampled had no value.
    """
    rows = np.random.default_rng(seed).permutation(len(X))[:DEPENDENCE_ROWS]
    sample = X.iloc[rows].reset_index(drop=True)
    out = []
    for name, categorical in _dependence_columns(sample, ranked):
        frame = sample.dropna(subset=[name]) if categorical else sample
        options: dict[str, Any] = (
            {"categorical_features": [name]}
            if categorical
            else {"custom_values": {name: numeric_grid(sample[name])}}
        )
        result = partial_dependence(  # brute: probabilities, never a booster's log-odds
            model, frame, [name], kind="average", grid_resolution=GRID_POINTS, method="brute",
            **options,
        )  # fmt: skip
        series = _series(np.asarray(result["average"]), labels)
        grid = [str(v) if categorical else round(float(v), 6) for v in result["grid_values"][0]]
        out.append({
            "feature": name, "categorical": categorical, "grid": grid, "series": series,
            "missing": int(sample[name].isna().sum()), "rows": len(sample),
        })  # fmt: skip
    return out


def _series(average: np.ndarray, labels: list[str]) -> dict[str, list[float]]:
    if len(labels) == 2:  # scikit-learn reports the positive class only
        return {labels[1]: [round(float(v), 6) for v in average[0]]}
    if labels:
        return {labels[k]: [round(float(v), 6) for v in average[k]] for k in range(len(labels))}
    return {"prediction": [round(float(v), 6) for v in average[0]]}


def explain(
    model: Any, X: pd.DataFrame, y: np.ndarray, metric: Metric, labels: list[str], seed: int
) -> dict[str, Any]:
    """Permutation importance and partial dependence; a failing part is reported, not raised."""
    out: dict[str, Any] = {"importance": [], "dependence": [], "problems": []}
    try:
        out["importance"] = importance(model, X, y, metric, seed)
    except Exception as exc:  # noqa: BLE001 (an explanation must never fail the analysis)
        out["problems"].append(f"Permutation importance could not be computed: {exc}")
        return out
    ranked = [row["feature"] for row in out["importance"]]
    try:
        out["dependence"] = dependence(model, X, ranked, labels, seed)
    except Exception as exc:  # noqa: BLE001
        out["problems"].append(f"Partial dependence could not be computed: {exc}")
    return out

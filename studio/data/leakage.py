"""Suspected target leakage: a single feature that almost determines the target on its own.

A feature is grouped (categories as they are, numbers into quantile bins); if the target is
nearly constant within groups while it varies overall, that feature is flagged. This catches
copies, encodings and post-outcome columns without fitting a model.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from studio.data.warnings import ProfileWarning

NUMERIC_BINS = 50
MIN_ROWS_PER_GROUP = 10
CLASSIFICATION_PURITY = 0.99
REGRESSION_R2 = 0.98
MAX_CLASSES = 50
SAMPLE_ROWS = 200_000


def leakage_warnings(frame: pd.DataFrame, target: str, seed: int = 0) -> list[ProfileWarning]:
    """High-severity warnings for features that give the target away."""
    if target not in frame.columns:
        return []
    data = frame[frame[target].notna()]
    if len(data) > SAMPLE_ROWS:
        data = data.sample(SAMPLE_ROWS, random_state=seed)
    y = data[target]
    is_classification = not pd.api.types.is_float_dtype(y) or y.nunique() <= MAX_CLASSES
    if y.nunique() < 2:
        return []
    out: list[ProfileWarning] = []
    for name in data.columns:
        if name == target:
            continue
        groups = _groups(data[name])
        if groups is None:
            continue
        score = _purity(groups, y) if is_classification else _r2(groups, y)
        if score is not None and score >= (
            CLASSIFICATION_PURITY if is_classification else REGRESSION_R2
        ):
            out.append(
                ProfileWarning(
                    "high",
                    "target_leakage",
                    str(name),
                    f"'{name}' predicts '{target}' almost perfectly on its own ({score:.1%}); "
                    "check that it is known before the outcome, or exclude it.",
                )  # fmt: skip
            )
    return out


def _groups(feature: pd.Series) -> pd.Series | None:
    """Group codes for a feature, or None when it has too many groups to judge."""
    numeric = pd.api.types.is_numeric_dtype(feature) and not pd.api.types.is_bool_dtype(feature)
    if numeric and feature.nunique() > NUMERIC_BINS:
        feature = pd.qcut(feature, NUMERIC_BINS, duplicates="drop")
    codes = pd.Series(pd.factorize(feature, use_na_sentinel=False)[0], index=feature.index)
    if codes.nunique() > len(codes) / MIN_ROWS_PER_GROUP:
        return None
    return codes


def _purity(groups: pd.Series, y: pd.Series) -> float | None:
    """Accuracy of predicting the majority class per group, if it beats the base rate clearly."""
    base = y.value_counts(normalize=True).iloc[0]
    if base >= CLASSIFICATION_PURITY:
        return None
    table = pd.crosstab(groups, y.astype(str))
    return float(table.max(axis=1).sum() / table.to_numpy().sum())


def _r2(groups: pd.Series, y: pd.Series) -> float | None:
    """Share of target variance explained by group means (the correlation ratio squared)."""
    values = y.astype(float)
    total = float(((values - values.mean()) ** 2).sum())
    if total == 0:
        return None
    means = values.groupby(groups).transform("mean")
    return float(1 - ((values - means) ** 2).sum() / total) if np.isfinite(total) else None

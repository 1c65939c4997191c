"""A drift report: each feature of a current frame against the reference, and a verdict.

For every feature the test is the column's override or the documented default (see
``stats.default_test``); p-value tests are corrected together with Benjamini-Hochberg. A
feature with too little data gets the status "not enough data" instead of a statistic. Date
features, and the time column of a windowed check, are "not tested", with the reason: as in
Evidently, whose datetime features are left out of drift, a later batch is always later, so
such a test would always fire. Each result keeps the test's own statistic, its p-value and the
adjusted p-value that decides, apart. The dataset drifts when at least ``share_threshold``
(default one half) of the tested features drift. Missing columns, new categories and a rise in
missing values are data quality problems, reported beside the statistics, never raised.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from studio.autopilot.prepare import category_text
from studio.monitor.stats import SMALL_REFERENCE, TESTS, DriftTest, adjust, default_test, get_test

MIN_ROWS = 30  # fewer non-missing values on either side: "not enough data"
DATE_NOTE = "a date: not tested for drift, because a later batch is always later"
TIME_NOTE = "the time column of this check: not tested for drift, it is the time axis"
MISSING_RISE = 0.1  # a rise of 10 percentage points in missing values is a problem
DATASET_SHARE = 0.5


@dataclass(frozen=True)
class FeatureDrift:
    """One feature's result: the test and threshold used, what the test computed, and the
    decision.

    ``statistic`` is the test's own statistic (chi-square, KS D, z, PSI, distance);
    ``p_value`` its p-value and ``adjusted_p_value`` the Benjamini-Hochberg adjusted one
    (p-value tests only). ``status`` is ok, "not enough data", or "not tested" with ``note``
    saying why (a date feature, or the check's time column).
    """

    name: str
    kind: str
    test: str
    statistic: float | None
    threshold: float
    drifted: bool
    status: str = "ok"  # ok | not enough data | not tested
    uses_p_value: bool = False
    p_value: float | None = None
    adjusted_p_value: float | None = None
    note: str = ""

    @property
    def value(self) -> float | None:
        """What the threshold is compared with: the adjusted p-value (else the p-value) of a
        p-value test, the statistic of a distance; None when undecided."""
        if self.uses_p_value:
            return self.adjusted_p_value if self.adjusted_p_value is not None else self.p_value
        return self.statistic

    @property
    def value_name(self) -> str:
        """What ``value`` is, in words."""
        if not self.uses_p_value:
            return "statistic"
        return "adjusted p-value" if self.adjusted_p_value is not None else "p-value"

    @property
    def severity(self) -> float:
        """How far past its threshold the decision value is (larger is worse; 0 when
        undecided); for p-values in powers of ten."""
        value = self.value
        if value is None:
            return 0.0
        if self.uses_p_value:
            return float(-np.log10(max(value, 1e-300)) + np.log10(self.threshold))
        return float(value / self.threshold - 1)

    def to_json(self) -> dict[str, Any]:
        """The CLI's entry (also what a drift result stores)."""
        test = TESTS.get(self.test)
        return {
            "name": self.name,
            "kind": self.kind,
            "test": self.test,
            "test_name": test.label if test else self.test,
            "statistic": self.statistic,
            "p_value": self.p_value,
            "adjusted_p_value": self.adjusted_p_value,
            "correction": "benjamini-hochberg" if self.adjusted_p_value is not None else None,
            "threshold": self.threshold,
            "threshold_on": self.value_name,
            "drifted": self.drifted,
            "status": self.status,
            "note": self.note,
        }


@dataclass(frozen=True)
class DriftReport:
    """Every feature's result (most severe first), the verdict and the data quality problems."""

    features: tuple[FeatureDrift, ...]
    drift_share: float
    dataset_drift: bool
    share_threshold: float
    problems: tuple[str, ...] = field(default_factory=tuple)

    @property
    def tested(self) -> tuple[FeatureDrift, ...]:
        """The features that got a statistic (the drifted share is over these)."""
        return tuple(f for f in self.features if f.status == "ok")

    def to_json(self) -> dict[str, Any]:
        """The CLI's document (``windows`` is added by the time-window report)."""
        return {
            "dataset_drift": self.dataset_drift,
            "drift_share": self.drift_share,
            "features": [f.to_json() for f in self.features],
            "problems": list(self.problems),
        }


def column_kind(column: pd.Series) -> str:
    """numeric, datetime or categorical, as the drift tests see a column."""
    if pd.api.types.is_datetime64_any_dtype(column):
        return "datetime"
    numeric = pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)
    return "numeric" if numeric else "categorical"


def _values(column: pd.Series, kind: str) -> np.ndarray:
    if kind == "numeric":
        return pd.to_numeric(column, errors="coerce").dropna().to_numpy(dtype=float)
    return category_text(column).dropna().to_numpy()


def _test_for(name: str, kind: str, ref: np.ndarray, overrides: dict[str, str]) -> DriftTest:
    if name in overrides:
        return get_test(overrides[name], kind)
    # the number of categories only matters for small references (Z-test or chi-square)
    small = kind != "numeric" and len(ref) <= SMALL_REFERENCE
    return default_test(kind, len(ref), len(pd.unique(ref)) if small else 0)


def _untested(name: str, kind: str, note: str) -> FeatureDrift:
    return FeatureDrift(name, kind, "", None, 0.0, False, "not tested", note=note)


def _feature(
    name: str,
    reference: pd.Series,
    current: pd.Series,
    overrides: dict[str, str],
    thresholds: dict[str, float],
    kind: str | None = None,
) -> FeatureDrift:
    kind = kind or column_kind(reference)
    if kind == "datetime":  # as Evidently does with datetime features: left out of drift
        return _untested(name, kind, DATE_NOTE)
    ref, cur = _values(reference, kind), _values(current, kind)
    test = _test_for(name, kind, ref, overrides)
    threshold = thresholds.get(name, test.default_threshold)
    base = FeatureDrift(name, kind, test.name, None, threshold, False, uses_p_value=test.p_value)
    if len(ref) < MIN_ROWS or len(cur) < MIN_ROWS:
        return replace(base, status="not enough data")
    outcome = test.compute(ref, cur)
    decided = outcome.p_value if test.p_value else outcome.statistic
    return replace(
        base,
        statistic=outcome.statistic,
        p_value=outcome.p_value,
        drifted=test.drifted(decided, threshold),
    )


def _quality(
    reference: pd.DataFrame, current: pd.DataFrame, names: list[str], kinds: dict[str, str]
) -> list[str]:
    problems = []
    missing = [n for n in names if n not in current.columns]
    if missing:
        problems.append("Missing in the current data: " + ", ".join(missing) + ".")
    for name in (n for n in names if n in current.columns):
        rise = current[name].isna().mean() - reference[name].isna().mean()
        if rise >= MISSING_RISE:
            problems.append(
                f"'{name}' is missing in {current[name].isna().mean():.0%} of rows "
                f"(reference {reference[name].isna().mean():.0%})."
            )
        if (kinds.get(name) or column_kind(reference[name])) == "categorical":
            seen = set(category_text(reference[name]).dropna().unique())
            new = set(category_text(current[name]).dropna().unique()) - seen
            if new and len(seen) < 1_000:
                shown = ", ".join(sorted(new)[:5]) + (" …" if len(new) > 5 else "")
                problems.append(
                    f"'{name}' has {len(new)} new categor"
                    f"{'y' if len(new) == 1 else 'ies'}: {shown}."
                )
    return problems


def _threads(rows: int) -> int:
    """Columns are tested in parallel threads (numpy's sorts release the GIL) on big frames."""
    return min(4, os.cpu_count() or 1) if rows >= 50_000 else 1


def drift_report(
    reference: pd.DataFrame,
    current: pd.DataFrame,
    features: list[str],
    overrides: dict[str, str] | None = None,
    thresholds: dict[str, float] | None = None,
    share_threshold: float = DATASET_SHARE,
    kinds: dict[str, str] | None = None,
    time_column: str | None = None,
) -> DriftReport:
    """Compare ``current`` with ``reference`` on ``features``.

    ``kinds`` gives numeric, datetime or categorical per feature as the model used it (the
    schema's treatment, ``monitor.config.feature_kinds``); a column not in it is judged by its
    dtype. Date features and ``time_column`` (the axis of a windowed check) are listed as
    "not tested" with the reason, never tested.
    """
    overrides, thresholds, kinds = overrides or {}, thresholds or {}, kinds or {}
    present = [n for n in features if n in current.columns]

    def one(name: str) -> FeatureDrift:
        if name == time_column:
            return _untested(name, kinds.get(name) or column_kind(reference[name]), TIME_NOTE)
        kind = kinds.get(name)
        return _feature(name, reference[name], current[name], overrides, thresholds, kind)

    with ThreadPoolExecutor(max_workers=_threads(len(current))) as pool:
        results = _corrected(list(pool.map(one, present)))
    tested = [r for r in results if r.status == "ok"]
    share = sum(r.drifted for r in tested) / len(tested) if tested else 0.0
    ranked = sorted(results, key=lambda r: (r.status != "ok", -r.severity))
    return DriftReport(
        tuple(ranked),
        share,
        bool(tested) and share >= share_threshold,
        share_threshold,
        tuple(_quality(reference, current, features, kinds)),
    )


def _corrected(results: list[FeatureDrift]) -> list[FeatureDrift]:
    """P-value results with their Benjamini-Hochberg adjusted p-values, which decide drift
    (statistics, raw p-values and distances unchanged)."""
    index = [i for i, r in enumerate(results) if r.uses_p_value and r.status == "ok"]
    adjusted = adjust([results[i].p_value for i in index])
    out = list(results)
    for i, value in zip(index, adjusted, strict=True):
        out[i] = replace(results[i], adjusted_p_value=value, drifted=value < results[i].threshold)
    return out

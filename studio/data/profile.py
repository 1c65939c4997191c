"""A profile of one dataset version: per-column types, statistics, distributions, warnings.

Profiles are computed once at ingest and stored as JSON, so pages open instantly. Every value is
computed with pandas/numpy and checked against plain pandas in the tests.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from studio.data.warnings import ProfileWarning, column_warnings, rank_warnings

KINDS = ("numeric", "categorical", "boolean", "datetime", "text", "identifier")
TOP_VALUES = 10
BAR_CATEGORIES = 20
HISTOGRAM_BINS = 30
ID_UNIQUE_SHARE = 0.95  # an identifier has (almost) one distinct value per row
_ID_NAME = re.compile(r"(^|[_\s-])(id|uuid|guid|key|code)$|^id[_\s-]|[a-z]Id$|ID$", re.I)
_BOOL_WORDS = {"true", "false", "yes", "no", "y", "n", "t", "f"}


@dataclass(frozen=True)
class Distribution:
    """What a chart of one column shows: histogram bins or category bars."""

    kind: str  # "histogram" or "bars"
    labels: tuple[str, ...] = ()  # bar labels, or bin edges (len(counts) + 1) for histograms
    counts: tuple[int, ...] = ()
    other: int = 0  # bars only: rows in categories beyond the ones shown
    of: str = "values"  # "values", or "lengths" for text and text identifiers


@dataclass(frozen=True)
class ColumnProfile:
    """Type, completeness, statistics and distribution of one column."""

    name: str
    kind: str
    dtype: str
    missing: int
    missing_share: float
    distinct: int
    stats: dict[str, Any] = field(default_factory=dict)
    top_values: tuple[tuple[str, int], ...] = ()
    distribution: Distribution = field(default_factory=lambda: Distribution("bars"))


@dataclass(frozen=True)
class DatasetProfile:
    """The whole profile of a dataset version."""

    rows: int
    columns: int
    duplicate_rows: int
    memory_bytes: int
    column_profiles: tuple[ColumnProfile, ...]
    warnings: tuple[ProfileWarning, ...]

    def column(self, name: str) -> ColumnProfile:
        """The profile of column ``name`` (KeyError if absent)."""
        for column in self.column_profiles:
            if column.name == name:
                return column
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (``from_dict`` reverses it)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DatasetProfile:
        """Rebuild a profile stored with ``to_dict``."""
        columns = tuple(
            ColumnProfile(
                **{
                    **c,
                    "top_values": tuple(tuple(t) for t in c["top_values"]),
                    "distribution": Distribution(
                        **{
                            **c["distribution"],
                            "labels": tuple(c["distribution"]["labels"]),
                            "counts": tuple(c["distribution"]["counts"]),
                        }
                    ),
                }
            )
            for c in data["column_profiles"]
        )
        warnings = tuple(ProfileWarning(**w) for w in data["warnings"])
        return cls(
            data["rows"], data["columns"], data["duplicate_rows"], data["memory_bytes"],
            columns, warnings,
        )  # fmt: skip


def profile_frame(frame: pd.DataFrame) -> DatasetProfile:
    """Profile every column of ``frame`` and rank the warnings it raises."""
    rows = len(frame)
    columns = tuple(profile_column(frame[name], rows) for name in frame.columns)
    duplicates = int(pd.util.hash_pandas_object(frame, index=False).duplicated().sum())
    warnings = [w for c in columns for w in column_warnings(c, rows)]
    if duplicates:
        warnings.append(
            ProfileWarning(
                "low",
                "duplicate_rows",
                "",
                f"{duplicates:,} rows ({duplicates / rows:.1%}) duplicate an earlier row exactly.",
            )  # fmt: skip
        )
    memory = int(frame.memory_usage(deep=True, index=False).sum())
    return DatasetProfile(rows, len(columns), duplicates, memory, columns, rank_warnings(warnings))


def profile_column(series: pd.Series, rows: int) -> ColumnProfile:
    """The profile of one column of a frame with ``rows`` rows."""
    present = series.dropna()
    missing = rows - len(present)
    counts = present.value_counts(sort=True)
    distinct = len(counts)
    kind = infer_kind(series.name, series, present, counts)
    stats = _stats(kind, present, counts)
    top = tuple((_label(v), int(n)) for v, n in counts.head(TOP_VALUES).items())
    return ColumnProfile(
        name=str(series.name),
        kind=kind,
        dtype=str(series.dtype),
        missing=int(missing),
        missing_share=float(missing / rows) if rows else 0.0,
        distinct=int(distinct),
        stats=stats,
        top_values=top,
        distribution=_distribution(kind, present, counts),
    )


def infer_kind(name: object, series: pd.Series, present: pd.Series, counts: pd.Series) -> str:
    """One of KINDS for a column, from its dtype, distinct values and name."""
    distinct, n = len(counts), len(present)
    if pd.api.types.is_bool_dtype(series.dtype):
        return "boolean"
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        return "datetime"
    if pd.api.types.is_numeric_dtype(series.dtype):
        if 0 < distinct <= 2 and set(counts.index.tolist()) <= {0, 1}:
            return "boolean"
        looks_like_id = bool(_ID_NAME.search(str(name))) or present.is_monotonic_increasing
        if (
            pd.api.types.is_integer_dtype(series.dtype)
            and n >= 50
            and distinct >= ID_UNIQUE_SHARE * n
            and looks_like_id
        ):
            return "identifier"
        return "numeric"
    text = present.astype(str)
    if 0 < distinct <= 2 and {str(v).strip().lower() for v in counts.index} <= _BOOL_WORDS:
        return "boolean"
    mean_length = float(text.str.len().mean()) if n else 0.0
    if mean_length >= 50 and distinct > n / 2:
        return "text"
    if n >= 50 and distinct >= ID_UNIQUE_SHARE * n:
        spaces = float(text.head(1000).str.count(" ").mean())
        return "text" if spaces >= 2 else "identifier"
    return "categorical"


def _is_number(kind: str, present: pd.Series) -> bool:
    numeric_dtype = pd.api.types.is_numeric_dtype(present) and not pd.api.types.is_bool_dtype(
        present
    )
    return kind == "numeric" or (kind == "identifier" and numeric_dtype)


def _stats(kind: str, present: pd.Series, counts: pd.Series) -> dict[str, Any]:
    if len(present) == 0:
        return {}
    if _is_number(kind, present):
        values = present.to_numpy(dtype=float)
        finite = values[np.isfinite(values)]
        if len(finite) == 0:
            return {"infinite": int(len(values))}
        q = np.quantile(finite, [0.05, 0.25, 0.5, 0.75, 0.95])
        return {
            "mean": float(finite.mean()),
            "std": float(finite.std(ddof=1)) if len(finite) > 1 else 0.0,
            "min": float(finite.min()),
            "p05": float(q[0]),
            "p25": float(q[1]),
            "median": float(q[2]),
            "p75": float(q[3]),
            "p95": float(q[4]),
            "max": float(finite.max()),
            "zeros": int((finite == 0).sum()),
            "negatives": int((finite < 0).sum()),
            "infinite": int(len(values) - len(finite)),
        }
    if kind == "datetime":
        return {"min": present.min().isoformat(), "max": present.max().isoformat()}
    if kind in ("categorical", "boolean"):
        return {
            "mode": _label(counts.index[0]),
            "mode_share": float(counts.iloc[0] / len(present)),
        }
    lengths = present.astype(str).str.len()
    return {
        "min_length": int(lengths.min()),
        "mean_length": float(lengths.mean()),
        "max_length": int(lengths.max()),
    }


def _histogram(values: np.ndarray, distinct: int, of: str) -> Distribution | None:
    finite = values[np.isfinite(values)]
    if not len(finite):
        return None
    hist, edges = np.histogram(finite, bins=int(min(HISTOGRAM_BINS, max(1, distinct))))
    return Distribution(
        "histogram", tuple(f"{e:.6g}" for e in edges), tuple(map(int, hist)), of=of
    )


def _distribution(kind: str, present: pd.Series, counts: pd.Series) -> Distribution:
    if _is_number(kind, present) and len(present):
        values = present.to_numpy(dtype=float)
        histogram = _histogram(values, len(counts), "values")
        if histogram is not None:
            return histogram
    if kind in ("text", "identifier") and len(present):
        lengths = present.astype(str).str.len().to_numpy(dtype=float)
        histogram = _histogram(lengths, len(np.unique(lengths)), "lengths")
        if histogram is not None:
            return histogram
    if kind == "datetime" and len(present):
        stamps = present.astype("datetime64[ns]").to_numpy().astype("int64")
        hist, edges = np.histogram(stamps, bins=HISTOGRAM_BINS)
        labels = tuple(pd.to_datetime(edges.astype("int64")).strftime("%Y-%m-%d %H:%M"))
        return Distribution("histogram", labels, tuple(map(int, hist)))
    shown = counts.head(BAR_CATEGORIES)
    return Distribution(
        "bars",
        tuple(_label(v) for v in shown.index),
        tuple(int(c) for c in shown.to_numpy()),
        int(counts.to_numpy()[BAR_CATEGORIES:].sum()),
    )


def _label(value: object, limit: int = 80) -> str:
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"

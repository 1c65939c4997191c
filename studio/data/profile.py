"""A profile of one dataset version: per-column types, statistics, distributions, warnings.

Profiles are computed once at ingest and stored as JSON, so pages open instantly. Every value is
computed with pandas/numpy and checked against plain pandas in the tests.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from studio.data.kinds import guess_kind
from studio.data.warnings import ProfileWarning, column_warnings, rank_warnings

KINDS = ("numeric", "categorical", "boolean", "datetime", "text", "identifier")
TOP_VALUES = 10
BAR_CATEGORIES = 20
HISTOGRAM_BINS = 30


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
    reason: str = ""  # why ``kind``, in a few words ("consecutive integers 1…400")
    suggested_kind: str = ""  # a kind the user may prefer ("categorical" for codes), or ""
    suggestion_reason: str = ""  # why ``suggested_kind``


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


def profile_frame(
    frame: pd.DataFrame, reads: dict[str, dict[str, str]] | None = None
) -> DatasetProfile:
    """Profile every column of ``frame`` and rank the warnings it raises.

    ``reads`` (from the ingest report) says how text columns were read; its reasons become
    the columns' reasons ("dates, day first (13/01/2023)").
    """
    rows, reads = len(frame), reads or {}
    columns = tuple(
        profile_column(frame[name], rows, reads.get(str(name), {}).get("reason", ""))
        for name in frame.columns
    )
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


def profile_column(series: pd.Series, rows: int, read_reason: str = "") -> ColumnProfile:
    """The profile of one column of a frame with ``rows`` rows."""
    if isinstance(series.dtype, pd.DatetimeTZDtype):
        series = series.dt.tz_convert("UTC").dt.tz_localize(None)
    present = series.dropna()
    missing = rows - len(present)
    counts = present.value_counts(sort=True)
    distinct = len(counts)
    guess = guess_kind(series.name, series, present, counts, read_reason)
    kind = guess.kind
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
        reason=guess.reason,
        suggested_kind=guess.suggested_kind,
        suggestion_reason=guess.suggestion_reason,
    )


def infer_kind(name: object, series: pd.Series, present: pd.Series, counts: pd.Series) -> str:
    """One of KINDS for a column (``guess_kind`` also says why)."""
    return guess_kind(name, series, present, counts).kind


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
        # microseconds: years 1678 or 2263 would overflow nanoseconds
        stamps = present.to_numpy().astype("datetime64[us]").astype("int64")
        hist, edges = np.histogram(stamps, bins=HISTOGRAM_BINS)
        labels = tuple(pd.to_datetime(edges.astype("int64"), unit="us").strftime("%Y-%m-%d %H:%M"))
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

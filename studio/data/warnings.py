"""Data-quality warnings raised by a profile, ranked by severity."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from studio.data.profile import ColumnProfile

SEVERITIES = ("high", "medium", "low")
HEAVY_MISSING = 0.3
SEVERE_MISSING = 0.7
HIGH_CARDINALITY = 1_000  # distinct values: always "very high"
HIGH_CARDINALITY_SHARE = 0.5  # or more than 50 values and over half the rows distinct


@dataclass(frozen=True)
class ProfileWarning:
    """One problem found in the data: how bad, what kind, where, and in plain words."""

    severity: str  # one of SEVERITIES
    kind: str
    column: str
    message: str


def rank_warnings(warnings: list[ProfileWarning]) -> tuple[ProfileWarning, ...]:
    """Warnings sorted by severity (high first), stable within a severity."""
    return tuple(sorted(warnings, key=lambda w: SEVERITIES.index(w.severity)))


def column_warnings(column: ColumnProfile, rows: int) -> list[ProfileWarning]:
    """The warnings one column raises on its own."""
    name, out = column.name, []
    if column.missing == rows:
        return [ProfileWarning("high", "all_empty", name, f"'{name}' is empty in every row.")]
    if column.distinct == 1:
        out.append(
            ProfileWarning(
                "high",
                "constant",
                name,
                f"'{name}' has the same value in every non-missing row; it carries no signal.",
            )  # fmt: skip
        )
    if column.missing_share >= HEAVY_MISSING:
        severity = "high" if column.missing_share >= SEVERE_MISSING else "medium"
        out.append(
            ProfileWarning(
                severity,
                "heavy_missing",
                name,
                f"'{name}' is missing in {column.missing_share:.0%} of rows.",
            )  # fmt: skip
        )
    infinite = int(column.stats.get("infinite", 0))
    if infinite:
        out.append(
            ProfileWarning(
                "medium",
                "infinite",
                name,
                f"'{name}' holds {infinite:,} infinite value(s); most models cannot use them.",
            )  # fmt: skip
        )
    if column.kind == "identifier":
        why = column.reason or "a distinct value per row"
        out.append(
            ProfileWarning(
                "medium",
                "identifier",
                name,
                f"'{name}' looks like an identifier ({why}); it will not be used as a feature.",
            )  # fmt: skip
        )
    elif column.kind == "categorical" and (
        column.distinct > HIGH_CARDINALITY
        or (
            column.distinct > 50
            and column.distinct > HIGH_CARDINALITY_SHARE * (rows - column.missing)
        )
    ):
        out.append(
            ProfileWarning(
                "medium",
                "high_cardinality",
                name,
                f"'{name}' has {column.distinct:,} distinct values; it will be encoded sparsely.",
            )  # fmt: skip
        )
    if column.suggested_kind == "categorical":
        out.append(
            ProfileWarning(
                "low",
                "suggested_categorical",
                name,
                f"'{name}' is used as a number but may hold category codes "
                f"({column.suggestion_reason}); it can be treated as categorical instead.",
            )  # fmt: skip
        )
    return out

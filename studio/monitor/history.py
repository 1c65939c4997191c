"""Drift over time, read from stored results: windows (or batches), per-feature decision
values, their severity, the drifted share, which windows could be tested, and alerts.

Results stored before a test's statistic and p-value were kept apart (no ``p_value`` key in a
feature entry) held the adjusted p-value of p-value tests in ``statistic``; they are read as
that adjusted p-value with the statistic unknown, so old history still draws.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import col, select

from studio.context import Studio
from studio.db import session_scope
from studio.db.models import DriftResult
from studio.monitor.drift import DATASET_SHARE, MIN_ROWS, FeatureDrift
from studio.monitor.stats import TESTS
from studio.registry.versions import VersionInfo


@dataclass(frozen=True)
class Alert:
    """A window whose dataset drifted, or a feature that drifted in the newest window."""

    window: str
    severity: str  # high | medium
    text: str


@dataclass(frozen=True)
class DriftHistory:
    """Windows in time order with each feature's decision value (adjusted p-value, p-value or
    distance: what its threshold is compared with) and severity.

    ``tested`` says per window whether any feature got a statistic; ``notes`` says per window
    why it is as it is (merged periods, too few rows) and ``periods`` how many periods it
    holds; ``untested`` names the features never tested, with the reason (a date, the time
    column, too few rows).
    """

    windows: tuple[str, ...]
    shares: tuple[float, ...]
    drifted: tuple[bool, ...]
    features: tuple[str, ...]
    tests: dict[str, str]
    thresholds: dict[str, float]
    values: dict[str, tuple[float | None, ...]]
    severity: dict[str, tuple[float | None, ...]]
    alerts: tuple[Alert, ...]
    share_threshold: float = DATASET_SHARE
    tested: tuple[bool, ...] = ()
    notes: tuple[str, ...] = ()
    untested: dict[str, str] = field(default_factory=dict)
    rows: tuple[int, ...] = ()
    periods: tuple[int, ...] = ()  # how many periods each window holds (merged: more than 1)


def stored_feature(entry: dict) -> FeatureDrift:
    """A feature result as stored in a drift result's JSON (either format, see above)."""
    uses_p = TESTS[entry["test"]].p_value if entry.get("test") in TESTS else False
    statistic, p_value, adjusted = entry.get("statistic"), entry.get("p_value"), None
    if "p_value" not in entry and uses_p:  # the old format: the adjusted p-value only
        statistic, adjusted = None, entry.get("statistic")
    elif uses_p:
        adjusted = entry.get("adjusted_p_value")
    return FeatureDrift(
        entry["name"],
        entry.get("kind", ""),
        entry.get("test", ""),
        statistic,
        entry.get("threshold", 0.0),
        entry.get("drifted", False),
        entry.get("status", "ok"),
        uses_p,
        p_value,
        adjusted,
        entry.get("note", ""),
    )


def _rows(studio: Studio, version: VersionInfo) -> list[DriftResult]:
    with session_scope(studio.engine) as session:
        rows = session.exec(
            select(DriftResult)
            .where(DriftResult.model_version_id == version.id)
            .order_by(col(DriftResult.id))
        ).all()
        for row in rows:
            session.expunge(row)
    windowed = [r for r in rows if r.window != "all"]
    if windowed:  # windows of the newest granularity; per window, its newest result
        newest = windowed[-1].granularity
        windowed = [r for r in windowed if r.granularity == newest]
        latest = {r.window: r for r in windowed}
        return sorted(latest.values(), key=lambda r: (r.start or r.at, r.id))
    return rows


def _window_note(row: DriftResult, tested: bool) -> str:
    note = row.report.get("window", {}).get("note", "")
    if note or tested:
        return note
    return f"{row.rows:,} rows: no feature had {MIN_ROWS} values to test here."


def _untested(reports: list[dict[str, FeatureDrift]], names: list[str]) -> dict[str, str]:
    out = {}
    for name in names:
        found = [r[name] for r in reports if name in r]
        if all(f.status != "ok" for f in found):
            notes = [f.note for f in found if f.note]
            out[name] = notes[0] if notes else "not tested: too few values in any window"
    return out


def drift_history(studio: Studio, version: VersionInfo) -> DriftHistory:
    """The stored drift of ``version`` over time (windows of a date column, else batches)."""
    rows = _rows(studio, version)
    labels = tuple(r.window if r.window != "all" else f"batch {r.at:%m-%d %H:%M}" for r in rows)
    reports = [{f["name"]: stored_feature(f) for f in r.report.get("features", [])} for r in rows]
    names = sorted({n for report in reports for n in report})
    untested = _untested(reports, names)
    shown = [n for n in names if n not in untested]
    values, sev, tests, thresholds = {}, {}, {}, {}
    for name in shown:
        found = [report.get(name) for report in reports]
        values[name] = tuple(f.value if f else None for f in found)
        sev[name] = tuple(f.severity if f and f.value is not None else None for f in found)
        first = next(f for f in found if f and f.status == "ok")
        tests[name], thresholds[name] = first.test, first.threshold
    tested = tuple(any(f.status == "ok" for f in report.values()) for report in reports)
    return DriftHistory(
        labels,
        tuple(r.drift_share for r in rows),
        tuple(r.dataset_drift for r in rows),
        tuple(shown),
        tests,
        thresholds,
        values,
        sev,
        _alerts(labels, rows, reports),
        tested=tested,
        notes=tuple(_window_note(r, t) for r, t in zip(rows, tested, strict=True)),
        untested=untested,
        rows=tuple(r.rows for r in rows),
        periods=tuple(max(len(r.report.get("window", {}).get("merged", [])), 1) for r in rows),
    )


def _alerts(labels: tuple[str, ...], rows: list, reports: list[dict]) -> tuple[Alert, ...]:
    """Windows with dataset drift (newest first), then the newest window's drifted features
    (most severe first)."""
    alerts = [
        Alert(label, "high", f"Dataset drift: {row.drift_share:.0%} of features drifted.")
        for label, row in zip(labels, rows, strict=True)
        if row.dataset_drift
    ][::-1]
    if reports:
        newest = sorted((f for f in reports[-1].values() if f.drifted), key=lambda f: -f.severity)
        alerts += [
            Alert(
                labels[-1],
                "medium",
                f"'{f.name}' drifted ({f.test}: {f.value_name} {f.value:.3g}, "
                f"threshold {f.threshold:g}).",
            )
            for f in newest
        ]
    return tuple(alerts)

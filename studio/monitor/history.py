"""Drift over time, read from stored results: windows (or batches), per-feature statistics,
their severity, the drifted share, and alerts."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import col, select

from studio.context import Studio
from studio.db import session_scope
from studio.db.models import DriftResult
from studio.monitor.drift import DATASET_SHARE, FeatureDrift
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
    """Windows in time order with each feature's statistic and severity."""

    windows: tuple[str, ...]
    shares: tuple[float, ...]
    drifted: tuple[bool, ...]
    features: tuple[str, ...]
    tests: dict[str, str]
    thresholds: dict[str, float]
    statistics: dict[str, tuple[float | None, ...]]
    severity: dict[str, tuple[float | None, ...]]
    alerts: tuple[Alert, ...]
    share_threshold: float = DATASET_SHARE


def stored_feature(entry: dict) -> FeatureDrift:
    """A feature result as stored in a drift result's JSON."""
    p_value = TESTS[entry["test"]].p_value if entry["test"] in TESTS else False
    return FeatureDrift(
        entry["name"],
        "",
        entry["test"],
        entry["statistic"],
        entry["threshold"],
        entry["drifted"],
        entry["status"],
        p_value,
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


def drift_history(studio: Studio, version: VersionInfo) -> DriftHistory:
    """The stored drift of ``version`` over time (windows of a date column, else batches)."""
    rows = _rows(studio, version)
    labels = tuple(r.window if r.window != "all" else f"batch {r.at:%m-%d %H:%M}" for r in rows)
    reports = [{f["name"]: stored_feature(f) for f in r.report.get("features", [])} for r in rows]
    names = sorted({n for report in reports for n in report})
    stats, sev, tests, thresholds = {}, {}, {}, {}
    for name in names:
        found = [report.get(name) for report in reports]
        stats[name] = tuple(f.statistic if f else None for f in found)
        sev[name] = tuple(f.severity if f and f.statistic is not None else None for f in found)
        first = next(f for f in found if f)
        tests[name], thresholds[name] = first.test, first.threshold
    shares = tuple(r.drift_share for r in rows)
    alerts = _alerts(labels, rows, reports)
    return DriftHistory(
        labels,
        shares,
        tuple(r.dataset_drift for r in rows),
        tuple(names),
        tests,
        thresholds,
        stats,
        sev,
        alerts,
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
                f"'{f.name}' drifted ({f.test} {f.statistic:.3g}, threshold {f.threshold:g}).",
            )
            for f in newest
        ]
    return tuple(alerts)

"""Monitoring a model version: drift of a current batch (whole, or per time window) against
the version's training baseline, stored per window so history opens instantly.

Reference = the baseline sample saved at registration (training rows with the model's
outputs). Current = a frame the user brings; it is checked against the version's schema and
scored, so prediction drift is measured too. With a time column and a window (``1D``, ``1W``,
``1M``), one report is made per window.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd
from sqlmodel import col, select

from studio.access import require
from studio.context import Studio
from studio.db import session_scope
from studio.db.models import DriftResult, ModelVersion
from studio.errors import InvalidInputError
from studio.modelio import load_version_model
from studio.monitor.config import feature_kinds, get_settings
from studio.monitor.drift import DriftReport, drift_report
from studio.monitor.performance import Performance, performance
from studio.registry.outputs import output_frame, proba_column, recut
from studio.registry.schema import check_batch
from studio.registry.versions import VersionInfo, get_version

WINDOWS = {"1D": ("D", "day"), "1W": ("W", "week"), "1M": ("M", "month")}


@dataclass(frozen=True, eq=False)
class WindowReport:
    """The drift of one time window (or of the whole batch when ``label`` is 'all')."""

    label: str
    start: datetime | None
    end: datetime | None
    rows: int
    report: DriftReport

    def to_json(self) -> dict[str, Any]:
        """The CLI's entry."""
        return {
            "window": self.label,
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "rows": self.rows,
            "dataset_drift": self.report.dataset_drift,
            "drift_share": self.report.drift_share,
        }


@dataclass(frozen=True, eq=False)
class MonitorResult:
    """Drift of the whole batch, of its predictions, and of each window."""

    version: VersionInfo
    overall: DriftReport
    predictions: DriftReport
    windows: tuple[WindowReport, ...]
    performance: Performance | None = None

    def to_json(self) -> dict[str, Any]:
        """The agreed CLI document."""
        return self.overall.to_json() | {
            "model": self.version.name,
            "version": self.version.version,
            "prediction_drift": self.predictions.to_json()["features"],
            "windows": [w.to_json() for w in self.windows],
            "performance": self.performance.to_json() if self.performance else None,
        }


def reference_frame(studio: Studio, version: VersionInfo) -> pd.DataFrame:
    """The version's baseline sample (checksum verified), its predicted labels cut at the
    version's decision threshold like its scored batches."""
    path = studio.artifacts.verified_path(version.reference_artifact, version.reference_sha256)
    return recut(pd.read_parquet(path), version.labels, version.decision_threshold)


def _windows(frame: pd.DataFrame, time_column: str, window: str) -> list[tuple]:
    """(label, start, end, rows) per window: per period of a date column, or per value of a
    batch column (``window="batch"``, in order of appearance)."""
    if window not in (*WINDOWS, "batch"):
        raise InvalidInputError(
            f"'{window}' is not a window; use one of {', '.join(WINDOWS)} or batch."
        )
    if time_column not in frame.columns:
        raise InvalidInputError(f"There is no column '{time_column}' in the file.")
    if window == "batch":
        values = frame[time_column].astype(str)
        return [(str(v)[:40], None, None, values == v) for v in values.unique()]
    times = pd.to_datetime(frame[time_column], errors="coerce", format="mixed")
    if times.notna().sum() == 0:
        raise InvalidInputError(
            f"Column '{time_column}' holds no dates; use ISO dates like 2026-01-31."
        )
    periods = times.dt.to_period(WINDOWS[window][0])
    out = []
    for period in sorted(periods.dropna().unique()):
        rows = periods == period
        start, end = (
            t.tz_localize("UTC").to_pydatetime() for t in (period.start_time, period.end_time)
        )
        out.append((str(period), start, end, rows))
    return out


def monitor_frame(
    studio: Studio,
    ref: str,
    frame: pd.DataFrame,
    actor: str,
    *,
    time_column: str | None = None,
    window: str | None = None,
    overrides: dict[str, str] | None = None,
    source_name: str = "",
) -> MonitorResult:
    """Drift of ``frame`` against the baseline of the version ``ref`` names; stored."""
    require(studio.settings, actor, "score")
    if len(frame) == 0:
        raise InvalidInputError("The batch is empty; monitor a file with rows.")
    version = get_version(studio, ref)
    settings = get_settings(studio, version.name)
    tests = settings.tests | (overrides or {})
    thresholds, share = settings.thresholds, settings.share_threshold
    reference = reference_frame(studio, version)
    features = [f["name"] for f in version.input_schema.get("features", [])]
    checked = check_batch(frame, version.input_schema)
    model = load_version_model(studio.artifacts, version)
    outputs = output_frame(model, checked.features, version.labels, version.decision_threshold)
    current = pd.concat([checked.features, outputs], axis=1)
    output_names = list(outputs.columns)
    kinds = feature_kinds(version)  # as the model used each column (a set type included)
    overall = drift_report(reference, current, features, tests, thresholds, share, kinds)
    predictions = drift_report(reference, current, output_names)
    windows: list[WindowReport] = []
    if time_column and window:
        for label, start, end, rows in _windows(frame, time_column, window):
            part = current[rows.to_numpy()]
            windows.append(
                WindowReport(
                    label,
                    start,
                    end,
                    len(part),
                    drift_report(reference, part, features, tests, thresholds, share, kinds),
                )
            )
    result = MonitorResult(
        version,
        overall,
        predictions,
        tuple(windows),
        _performance(studio, version, frame, outputs),
    )
    _store(studio, result, actor, source_name, len(frame), window or "batch")
    return result


def _performance(
    studio: Studio, version: VersionInfo, frame: pd.DataFrame, outputs: pd.DataFrame
) -> Performance | None:
    """The metric on the batch's labels, when the batch carries the target column."""
    if version.target not in frame.columns:
        return None
    if version.labels:
        output = outputs[[proba_column(label) for label in version.labels]].to_numpy()
    else:
        output = outputs["prediction"].to_numpy(dtype=float)
    return performance(studio, version, frame[version.target], output)


def _store(
    studio: Studio, result: MonitorResult, actor: str, source: str, rows: int, granularity: str
) -> None:
    with session_scope(studio.engine) as session:
        parts = [WindowReport("all", None, None, rows, result.overall), *result.windows]
        for part in parts:
            session.add(
                DriftResult(
                    model_version_id=result.version.id,
                    actor=actor,
                    source_name=source[:255],
                    window=part.label,
                    granularity="batch" if part.label == "all" else granularity,
                    start=part.start,
                    end=part.end,
                    rows=part.rows,
                    dataset_drift=part.report.dataset_drift,
                    drift_share=part.report.drift_share,
                    report=part.report.to_json(),
                )
            )


def list_results(studio: Studio, name: str) -> list[dict[str, Any]]:
    """Stored drift results of every version of model ``name``, newest first."""
    with session_scope(studio.engine) as session:
        rows = session.exec(
            select(DriftResult, ModelVersion.version)
            .join(ModelVersion, col(ModelVersion.id) == col(DriftResult.model_version_id))
            .where(ModelVersion.model_name == name)
            .order_by(col(DriftResult.id).desc())
        ).all()
        return [
            {
                "version": v,
                "at": r.at.isoformat(),
                "window": r.window,
                "rows": r.rows,
                "dataset_drift": r.dataset_drift,
                "drift_share": r.drift_share,
                "source": r.source_name,
            }
            for r, v in rows
        ]

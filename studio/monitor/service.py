"""Monitoring a model version: drift of a current batch (whole, or per time window) against
the version's training baseline, stored per window so history opens instantly.

Reference = the baseline sample saved at registration (training rows with the model's
outputs). Current = a frame the user brings; it is checked against the version's schema and
scored, so prediction drift is measured too. With a time column and a window (``1D``, ``1W``,
``1M``), one report is made per window (periods too small to test merged into the next, see
``monitor.windows``); the time column itself is never tested.
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
from studio.monitor.drift import MIN_ROWS, DriftReport, drift_report
from studio.monitor.performance import Performance, performance
from studio.monitor.windows import TOO_FEW, split_windows
from studio.registry.outputs import output_frame, proba_column, recut
from studio.registry.schema import check_batch
from studio.registry.versions import VersionInfo, get_version


@dataclass(frozen=True, eq=False)
class WindowReport:
    """The drift of one time window (or of the whole batch when ``label`` is 'all')."""

    label: str
    start: datetime | None
    end: datetime | None
    rows: int
    report: DriftReport
    merged: tuple[str, ...] = ()  # the periods joined into this window (when more than one)
    status: str = "ok"  # ok | too few rows

    @property
    def note(self) -> str:
        """Why the window is as it is, in a sentence ('' when there is nothing to say)."""
        if self.status == TOO_FEW:
            return (
                f"{self.rows:,} rows: too few to test (at least {MIN_ROWS} are needed), so "
                "no feature has a statistic here."
            )
        if self.merged:
            return (
                f"{len(self.merged)} periods merged ({self.merged[0]} to {self.merged[-1]}) "
                f"to reach {MIN_ROWS} rows."
            )
        return ""

    def window_json(self) -> dict[str, Any]:
        """How the window was formed (stored with its drift result)."""
        return {
            "status": self.status,
            "merged": list(self.merged),
            "min_rows": MIN_ROWS,
            "note": self.note,
        }

    def to_json(self) -> dict[str, Any]:
        """The CLI's entry."""
        return {
            "window": self.label,
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "rows": self.rows,
            "dataset_drift": self.report.dataset_drift,
            "drift_share": self.report.drift_share,
            "tested_features": len(self.report.tested),
        } | self.window_json()


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
            "min_window_rows": MIN_ROWS,
            "performance": self.performance.to_json() if self.performance else None,
        }


def reference_frame(studio: Studio, version: VersionInfo) -> pd.DataFrame:
    """The version's baseline sample (checksum verified), its predicted labels cut at the
    version's decision threshold like its scored batches."""
    path = studio.artifacts.verified_path(version.reference_artifact, version.reference_sha256)
    return recut(pd.read_parquet(path), version.labels, version.decision_threshold)


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
    axis = time_column if time_column and window else None

    def report(part: pd.DataFrame) -> DriftReport:
        return drift_report(reference, part, features, tests, thresholds, share, kinds, axis)

    overall = report(current)
    predictions = drift_report(reference, current, output_names)
    windows: list[WindowReport] = []
    if axis:
        for w in split_windows(frame, axis, window):
            part = current[w.rows]
            windows.append(
                WindowReport(w.label, w.start, w.end, len(part), report(part), w.merged, w.status)
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
                    report=part.report.to_json() | {"window": part.window_json()},
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

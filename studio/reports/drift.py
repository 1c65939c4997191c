"""The drift report of a model version: the newest check's verdict and feature table, data
quality problems, and drift over time (drifted share per window, a features x windows heat
map, alerts). Statistics only, no data rows."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import plotly.graph_objects as go
from sqlmodel import col, select

from studio.charts.monitor import drift_heatmap_figure, drift_share_figure, severity_figure
from studio.context import Studio
from studio.db import session_scope
from studio.db.models import DriftResult
from studio.errors import NotFoundError
from studio.monitor.history import drift_history, stored_feature
from studio.registry.versions import VersionInfo, get_version
from studio.reports.html import Chart, Metrics, Note, Paragraph, Report, Section, Table


def _newest(studio: Studio, version: VersionInfo) -> DriftResult:
    with session_scope(studio.engine) as session:
        row = session.exec(
            select(DriftResult)
            .where(DriftResult.model_version_id == version.id, DriftResult.window == "all")
            .order_by(col(DriftResult.id).desc())
        ).first()
        if row is None:
            raise NotFoundError(
                f"{version.ref} has no drift check yet; run 'studio monitor run' or check a "
                "batch on the Monitor page first."
            )
        session.expunge(row)
        return row


def _severity(features: list[dict]) -> go.Figure:
    decided = [stored_feature(f) for f in features if f.get("statistic") is not None]
    return severity_figure(
        [f.name for f in decided], [f.severity for f in decided], [f.drifted for f in decided]
    )


def _latest_section(row: DriftResult) -> Section:
    report = row.report
    features = report.get("features", [])
    drifted = [f for f in features if f.get("drifted")]
    verdict = (
        f"Dataset drift: {len(drifted)} of {len(features)} features drifted "
        f"({row.drift_share:.0%})."
        if row.dataset_drift
        else f"No dataset drift: {len(drifted)} of {len(features)} features drifted "
        f"({row.drift_share:.0%})."
    )
    frame = pd.DataFrame(
        {
            "Feature": [f["name"] for f in features],
            "Test": [f["test"] for f in features],
            "Statistic": [
                "—" if f["statistic"] is None else f"{f['statistic']:.4g}" for f in features
            ],
            "Threshold": [f"{f['threshold']:g}" for f in features],
            "Drifted": ["yes" if f["drifted"] else "no" for f in features],
            "Status": [f.get("status", "ok") for f in features],
        }
    )
    blocks: list = [
        Metrics(
            (
                (
                    "Drifted features",
                    f"{row.drift_share:.0%}",
                    f"{len(drifted)} of {len(features)}",
                ),
                ("Rows checked", f"{row.rows:,}", row.source_name or "uploaded batch"),
                ("Checked", f"{row.at:%Y-%m-%d %H:%M}", f"by {row.actor}"),
            )
        ),  # fmt: skip
        Note(verdict, "bad" if row.dataset_drift else "good"),
        Chart(
            _severity(features),
            "Orange: drifted. Severity is how far past its threshold "
            "a statistic is (for p-values, in powers of ten).",
        ),
        Table(frame, "Most severe first; p-value tests are corrected (Benjamini-Hochberg)."),
    ]
    blocks += [Note(p, "warning") for p in report.get("problems", [])]
    return Section("Newest check", tuple(blocks))


def _history_section(studio: Studio, version: VersionInfo) -> Section | None:
    history = drift_history(studio, version)
    if len(history.windows) < 2:
        return None
    blocks: list = [
        Chart(drift_share_figure(history.windows, history.shares, history.share_threshold)),
        Chart(
            drift_heatmap_figure(
                history.features,
                history.windows,
                [history.severity[f] for f in history.features],
            ),
            "0 = at the threshold; positive = past it (drifted).",
        ),
    ]
    alerts = [
        {"Window": a.window, "Severity": a.severity, "Alert": a.text} for a in history.alerts[:20]
    ]
    if alerts:
        blocks.append(Table(pd.DataFrame(alerts), "Alerts, newest window first."))
    return Section("Drift over time", tuple(blocks))


def drift_report_document(studio: Studio, ref: str, actor: str) -> Report:
    """The drift report of the version ``ref`` names (a bare name: production)."""
    version = get_version(studio, ref)
    newest = _newest(studio, version)
    sections = [_latest_section(newest)]
    over_time = _history_section(studio, version)
    if over_time is not None:
        sections.append(over_time)
    sections.append(
        Section(
            "About these numbers",
            (
                Paragraph(
                    "Reference: the training baseline saved at registration. Each feature's test "
                    "and threshold are the model's settings or the documented defaults; the "
                    "dataset drifts when the drifted share reaches the model's threshold."
                ),
            ),
        )
    )
    return Report(
        f"Drift report: {version.ref}",
        f"stage: {version.stage} · {version.task} model of '{version.target}'",
        tuple(sections),
        datetime.now(UTC),
        actor,
    )

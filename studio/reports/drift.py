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


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:.4g}"


def _severity(features: list[dict]) -> go.Figure:
    decided = [f for f in map(stored_feature, features) if f.value is not None]
    return severity_figure(
        [f.name for f in decided], [f.severity for f in decided], [f.drifted for f in decided]
    )


def _latest_section(row: DriftResult) -> Section:
    report = row.report
    everything = report.get("features", [])
    read = [stored_feature(f) for f in everything]
    features = [e for e, f in zip(everything, read, strict=True) if f.status == "ok"]
    drifted = [f for f in read if f.drifted]
    verdict = (
        f"Dataset drift: {len(drifted)} of {len(features)} features drifted "
        f"({row.drift_share:.0%})."
        if row.dataset_drift
        else f"No dataset drift: {len(drifted)} of {len(features)} features drifted "
        f"({row.drift_share:.0%})."
    )
    frame = pd.DataFrame(
        {
            "Feature": [f.name for f in read],
            "Test": [f.test or "—" for f in read],
            "Statistic": [_number(f.statistic) for f in read],
            "p-value": [_number(f.p_value) for f in read],
            "Adjusted p-value": [_number(f.adjusted_p_value) for f in read],
            "Threshold": [f"{f.threshold:g}" if f.test else "—" for f in read],
            "Drifted": ["yes" if f.drifted else "no" for f in read],
            "Status": [f.note or f.status for f in read],
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
            _severity(everything),
            "Orange: drifted. Severity is how far past its threshold "
            "a statistic is (for p-values, in powers of ten).",
        ),
        Table(
            frame,
            "Most severe first. Statistic: the test's own; p-value tests decide on the p-value "
            "adjusted for many features (Benjamini-Hochberg).",
        ),
    ]
    blocks += [Note(p, "warning") for p in report.get("problems", [])]
    return Section("Newest check", tuple(blocks))


def _history_section(studio: Studio, version: VersionInfo) -> Section | None:
    history = drift_history(studio, version)
    if len(history.windows) < 2:
        return None
    blocks: list = [
        Chart(
            drift_share_figure(
                history.windows,
                history.shares,
                history.share_threshold,
                history.tested,
                history.notes,
            ),
            "Grey: a window with too few rows to test.",
        ),  # fmt: skip
        Chart(
            drift_heatmap_figure(
                history.features,
                history.windows,
                [history.severity[f] for f in history.features],
            ),
            "0 = at the threshold; positive = past it (drifted); grey = not tested.",
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

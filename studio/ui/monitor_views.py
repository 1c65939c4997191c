"""The Monitor page: check a batch for drift against a model version's training baseline, and
read the version's drift over time from stored results."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from studio.charts.monitor import (
    distribution_overlay_figure,
    drift_heatmap_figure,
    drift_share_figure,
    feature_over_time_figure,
)
from studio.context import Studio
from studio.monitor.drift import column_kind
from studio.monitor.history import drift_history
from studio.monitor.retrain import challenger_report, list_retrains, start_retrain
from studio.monitor.service import WINDOWS, MonitorResult, monitor_frame, reference_frame
from studio.registry.scoring import read_batch
from studio.registry.versions import VersionInfo
from studio.ui.identity import current_user
from studio.ui.model_picker import pick_version
from studio.ui.shell import error_boundary


def render_monitor_page(studio: Studio) -> None:
    """Pick a version, check a batch, read the history."""
    st.title("Monitor")
    with error_boundary("monitor"):
        version = _choose_version(studio)
        if version is None:
            return
        tabs = st.tabs(["Check a batch", "Drift over time", "Retraining"])
        with tabs[0]:
            _check(studio, version)
        with tabs[1]:
            _history(studio, version)
        with tabs[2]:
            _retrains(studio, version)


def _choose_version(studio: Studio) -> VersionInfo | None:
    picked = pick_version(
        studio,
        "mon",
        "No registered model yet: register one on the Models page, then watch it here.",
    )
    return None if picked is None else picked[1]


def _check(studio: Studio, version: VersionInfo) -> None:
    upload = st.file_uploader("Current data (CSV, Parquet, Excel, JSON Lines)", key="mon_upload")
    if upload is None:
        st.caption(
            f"The reference is v{version.version}'s training baseline "
            f"({version.baseline.get('rows', 0):,} sampled training rows)."
        )
        return
    frame = read_batch(studio, upload.getvalue(), upload.name)
    left, right = st.columns(2)
    time_column = left.selectbox(
        "Time column (optional)", ["(none)", *frame.columns], key="mon_time"
    )
    window = right.selectbox(
        "Window",
        list(WINDOWS),
        format_func=lambda w: WINDOWS[w][1],
        key="mon_window",
        index=1,
        disabled=time_column == "(none)",
    )
    if st.button("Check for drift", key="mon_go", type="primary"):
        chosen = None if time_column == "(none)" else time_column
        result = monitor_frame(
            studio,
            version.ref,
            frame,
            current_user(studio.settings),
            time_column=chosen,
            window=window if chosen else None,
            source_name=upload.name,
        )
        st.session_state["mon_result"] = ((version.id, upload.name, upload.size), result, frame)
    kept = st.session_state.get("mon_result")
    if kept and kept[0] == (version.id, upload.name, upload.size):
        _show(studio, kept[1], kept[2])


def _show(studio: Studio, result: MonitorResult, frame: pd.DataFrame) -> None:
    report = result.overall
    drifted = [f for f in report.features if f.drifted]
    text = (
        f"{len(drifted)} of {len(report.features)} features drifted "
        f"({report.drift_share:.0%}; dataset drift at {report.share_threshold:.0%})."
    )
    (st.error if report.dataset_drift else st.success)(
        ("Dataset drift: " if report.dataset_drift else "No dataset drift: ") + text
    )
    for problem in report.problems:
        st.warning(problem)
    _performance(result)
    if result.performance is not None:
        _offer_retrain(studio, result, frame)
    rows = [
        {
            "Feature": f.name,
            "Test": f.test,
            "Statistic": f.statistic,
            "Threshold": f.threshold,
            "Drifted": f.drifted,
            "Status": f.status,
        }
        for f in report.features
    ]
    st.dataframe(
        pd.DataFrame(rows),
        hide_index=True,
        width="stretch",
        column_config={"Statistic": st.column_config.NumberColumn(format="%.4g")},
    )
    prediction = [f for f in result.predictions.features if f.drifted]
    st.caption("Prediction drift: " + (", ".join(f.name for f in prediction) or "none") + ".")
    tested = [f.name for f in report.features if f.status == "ok"]
    if tested:
        name = st.selectbox("Feature", tested, key="mon_feature")
        reference = reference_frame(studio, result.version)[name].dropna()
        current = frame[name].dropna() if name in frame else pd.Series([], dtype=float)
        numeric = column_kind(reference) == "numeric"
        values = (
            current.pipe(pd.to_numeric, errors="coerce").dropna()
            if numeric
            else current.astype(str)
        )
        st.plotly_chart(
            distribution_overlay_figure(name, reference.to_numpy(), values.to_numpy(), numeric),
            width="stretch",
            key="mon_overlay",
        )


def _performance(result: MonitorResult) -> None:
    perf = result.performance
    if perf is None:
        return

    def shown(value: float | None, interval: tuple[float, float] | None) -> str:
        text = "—" if value is None else f"{value:.4f}"
        return text + (f" [{interval[0]:.4f}, {interval[1]:.4f}]" if interval else "")

    left, right = st.columns(2)
    left.metric(
        f"{perf.label} on these {perf.rows:,} labelled rows",
        shown(perf.current, perf.current_interval),
    )
    right.metric(
        f"{perf.label} on the holdout at registration",
        shown(perf.reference, perf.reference_interval),
    )
    st.caption(
        "Brackets: 95% bootstrap intervals. Intervals that do not overlap mean the model "
        "really performs differently now."
    )


def _offer_retrain(studio: Studio, result: MonitorResult, frame: pd.DataFrame) -> None:
    st.caption(
        "These rows carry labels: a challenger can be trained on the training data plus "
        "two thirds of them, and compared with this model on the last third."
    )
    if st.button("Retrain with these labelled rows", key="mon_retrain"):
        from studio.jobs.launcher import ensure_local_worker

        retrain_id = start_retrain(
            studio, result.version.ref, frame, current_user(studio.settings)
        )
        ensure_local_worker(studio)
        st.success(
            f"Retraining {retrain_id} queued; its comparison appears under "
            "'Retraining' once the run has finished."
        )


def _retrains(studio: Studio, version: VersionInfo) -> None:
    ids = list_retrains(studio, version.name)
    if not ids:
        st.info("No retraining yet: check a labelled batch, then retrain from it.")
        return
    for retrain_id in ids[:5]:
        report = challenger_report(studio, retrain_id)
        st.markdown(
            f"**Retraining {retrain_id}** · champion {report.champion} · run "
            f"{report.run_id} ({report.run_status})"
        )
        if report.challenger_score is None:
            continue
        low, high = report.interval
        cols = st.columns(3)
        cols[0].metric(f"Champion {report.metric}", f"{report.champion_score:.4f}")
        cols[1].metric(
            f"Challenger {report.metric}",
            f"{report.challenger_score:.4f}",
            f"{report.difference:+.4f}",
        )
        cols[2].metric("95% interval of the difference", f"{low:+.4f} to {high:+.4f}")
        st.markdown(report.recommendation)
        st.page_link(
            "pages/3_Experiments.py",
            label=f"Run {report.run_id} (register the challenger from there)",
            query_params={"run": str(report.run_id)},
        )


def _history(studio: Studio, version: VersionInfo) -> None:
    history = drift_history(studio, version)
    if not history.windows:
        st.info("No drift results yet for this version: check a batch first.")
        return
    for alert in history.alerts[:8]:
        (st.error if alert.severity == "high" else st.warning)(f"{alert.window}: {alert.text}")
    st.plotly_chart(
        drift_share_figure(history.windows, history.shares, history.share_threshold),
        width="stretch",
        key="mon_share",
    )
    feature = st.selectbox("Feature", history.features, key="mon_hist_feature")
    st.plotly_chart(
        feature_over_time_figure(
            feature,
            history.tests[feature],
            history.windows,
            history.statistics[feature],
            history.thresholds[feature],
        ),
        width="stretch",
        key="mon_feature_time",
    )
    st.plotly_chart(
        drift_heatmap_figure(
            history.features, history.windows, [history.severity[f] for f in history.features]
        ),
        width="stretch",
        key="mon_heat",
    )

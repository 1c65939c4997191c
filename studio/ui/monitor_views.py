"""The Monitor page: check a batch for drift against a model version's training baseline, and
read the version's drift over time from stored results."""

from __future__ import annotations

import streamlit as st

from studio.charts.monitor import (
    drift_heatmap_figure,
    drift_share_figure,
    feature_over_time_figure,
)
from studio.context import Studio
from studio.escaping import markdown_text as md
from studio.monitor.history import drift_history
from studio.monitor.retrain import challenger_report, list_retrains
from studio.monitor.service import monitor_frame
from studio.monitor.windows import WINDOWS
from studio.registry.scoring import read_batch
from studio.registry.versions import VersionInfo
from studio.reports.service import drift_html
from studio.ui.business_report_views import offer_download
from studio.ui.identity import current_user
from studio.ui.model_picker import pick_version
from studio.ui.monitor_alert_views import render_alerts
from studio.ui.monitor_batch_views import render_labels, render_logged_check, render_settings
from studio.ui.monitor_estimate_views import render_estimate
from studio.ui.monitor_report_views import explain_windows, show_report
from studio.ui.monitor_schedule_views import render_schedule_and_rules
from studio.ui.shell import error_boundary


def render_monitor_page(studio: Studio) -> None:
    """Pick a version, check a batch, read the history."""
    st.title("Monitor")
    with error_boundary("monitor"):
        version = _choose_version(studio)
        if version is None:
            return
        tabs = st.tabs(
            ["Check a batch", "Drift over time", "Estimated performance", "Labels",
             "Retraining", "Tests and thresholds", "Schedule and alerts", "Alerts"]
        )  # fmt: skip
        with tabs[0]:
            _current(studio, version)
        with tabs[1]:
            _history(studio, version)
        with tabs[2]:
            render_estimate(studio, version)
        with tabs[3]:
            render_labels(studio, version)
        with tabs[4]:
            _retrains(studio, version)
        with tabs[5]:
            render_settings(studio, version)
        with tabs[6]:
            render_schedule_and_rules(studio, version)
        with tabs[7]:
            render_alerts(studio, version)


def _choose_version(studio: Studio) -> VersionInfo | None:
    picked = pick_version(
        studio,
        "mon",
        "No registered model yet: register one on the Models page, then watch it here.",
    )
    return None if picked is None else picked[1]


def _current(studio: Studio, version: VersionInfo) -> None:
    source = st.radio(
        "Current data",
        ["A file", "Logged batches"],
        horizontal=True,
        key="mon_source",
        help="Batches scored on the Predict page are logged with their outputs.",
    )
    if source == "A file":
        _check(studio, version)
    else:
        render_logged_check(studio, version)


def _check(studio: Studio, version: VersionInfo) -> None:
    upload = st.file_uploader("Current data (CSV, Parquet, Excel, JSON Lines)", key="mon_upload")
    if upload is None:
        st.caption(
            f"The reference is v{version.version}'s training baseline "
            f"({version.baseline.get('rows', 0):,} sampled training rows)."
        )
        return
    # read the way the model's training file was (number format, date order)
    frame = read_batch(studio, upload.getvalue(), upload.name, model=version.ref)
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
        show_report(studio, kept[1], kept[2], "mon")


def _retrains(studio: Studio, version: VersionInfo) -> None:
    ids = list_retrains(studio, version.name)
    if not ids:
        st.info("No retraining yet: check a labelled batch, then retrain from it.")
        return
    for retrain_id in ids[:5]:
        report = challenger_report(studio, retrain_id)
        st.markdown(
            f"**Retraining {retrain_id}** · champion {md(report.champion)} · run "
            f"{report.run_id} ({report.run_status})"
        )
        if report.held_back:
            st.caption(md(report.held_back))
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
        st.markdown(md(report.recommendation))
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
        (st.error if alert.severity == "high" else st.warning)(md(f"{alert.window}: {alert.text}"))
    explain_windows(history.windows, history.tested, history.periods)
    st.plotly_chart(
        drift_share_figure(
            history.windows, history.shares, history.share_threshold, history.tested,
            history.notes,
        ),
        width="stretch",
        key="mon_share",
    )  # fmt: skip
    for name, note in history.untested.items():
        st.caption(md(f"'{name}' is {note}."))
    if not history.features:
        st.info("No feature could be tested in any window, so there is nothing more to draw.")
        return
    feature = st.selectbox("Feature", history.features, key="mon_hist_feature")
    st.plotly_chart(
        feature_over_time_figure(
            feature,
            history.tests[feature],
            history.windows,
            history.values[feature],
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
    actor = current_user(studio.settings)
    offer_download(
        "the drift report", f"drift_report_{version.id}",
        (version.id, history.windows, history.shares),
        lambda: drift_html(studio, version.ref, actor),
        f"studio-{version.name}-v{version.version}-drift.html",
    )  # fmt: skip

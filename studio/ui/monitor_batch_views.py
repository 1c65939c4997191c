"""The Monitor page's logged-batch views: check scored batches for drift, join labels that
arrived later, and choose a model's drift tests and thresholds."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from studio.context import Studio
from studio.escaping import markdown_text as md
from studio.monitor.batches import (
    BatchInfo,
    attach_labels,
    labelled_rows,
    list_batches,
    logged_frame,
    monitor_batches,
)
from studio.monitor.config import MonitorSettings, feature_kinds, get_settings, save_settings
from studio.monitor.performance import Performance
from studio.monitor.stats import TESTS, default_test
from studio.monitor.windows import WINDOWS
from studio.registry.scoring import read_batch
from studio.registry.versions import VersionInfo
from studio.ui.identity import current_user
from studio.ui.monitor_report_views import offer_retrain, show_performance, show_report

DEFAULT = "(default)"


def _describe(batch: BatchInfo) -> str:
    labelled = f" · {batch.labelled:,} labelled" if batch.labelled else ""
    when = f"{batch.at:%Y-%m-%d %H:%M}"
    return f"#{batch.id} {batch.source} · {batch.rows:,} rows · {when}{labelled}"


def _batches_of(studio: Studio, version: VersionInfo) -> list[BatchInfo]:
    return [b for b in list_batches(studio, version.name) if b.version == version.version]


def render_logged_check(studio: Studio, version: VersionInfo) -> None:
    """Check a choice of this version's logged batches, one window per batch or per period."""
    batches = _batches_of(studio, version)
    if not batches:
        st.info(
            f"No batch has been scored with v{version.version} yet. Files scored on the "
            "Predict page (or with `studio predict`) are logged and can be checked here."
        )
        return
    by_id = {b.id: b for b in batches}
    chosen = st.multiselect(
        "Logged batches",
        list(by_id),
        default=list(by_id)[:5],
        format_func=lambda i: _describe(by_id[i]),
        key="mon_logged_ids",
    )
    window = st.selectbox(
        "One window per",
        ["batch", *WINDOWS],
        format_func=lambda w: "batch" if w == "batch" else f"{WINDOWS[w][1]} scored",
        key="mon_logged_window",
    )
    if st.button("Check these batches", key="mon_logged_go", type="primary"):
        actor = current_user(studio.settings)
        result = monitor_batches(studio, version.ref, chosen, actor, window)
        frame = logged_frame(studio, version.ref, chosen)
        st.session_state["mon_logged"] = ((version.id, tuple(chosen), window), result, frame)
    kept = st.session_state.get("mon_logged")
    if kept and kept[0] == (version.id, tuple(chosen), window):
        show_report(studio, kept[1], kept[2], "mon_logged")
        windows = kept[1].windows
        if len(windows) > 1:
            st.dataframe(
                pd.DataFrame(
                    {
                        "Window": [w.label for w in windows],
                        "Rows": [w.rows for w in windows],
                        "Drifted share": [w.report.drift_share for w in windows],
                        "Dataset drift": [w.report.dataset_drift for w in windows],
                        "Note": [w.note for w in windows],
                    }
                ),
                hide_index=True,
                width="stretch",
                column_config={"Drifted share": st.column_config.NumberColumn(format="percent")},
            )


def render_labels(studio: Studio, version: VersionInfo) -> None:
    """Join a labels file to a logged batch on an id column; show the metric it gives."""
    batches = [b for b in _batches_of(studio, version) if b.keys]
    if not batches:
        st.info(
            "Labels that arrive later are joined to a logged batch on an id column. No batch "
            f"scored with v{version.version} kept one yet: score a file with an id column on "
            "the Predict page."
        )
        return
    by_id = {b.id: b for b in batches}
    batch_id = st.selectbox(
        "Batch", list(by_id), format_func=lambda i: _describe(by_id[i]), key="mon_lab_batch"
    )
    upload = st.file_uploader(
        f"Labels: a file with an id column and '{md(version.target)}'", key="mon_lab_upload"
    )
    key = st.selectbox("Join on", list(by_id[batch_id].keys), key="mon_lab_key")
    if upload is not None and st.button("Join labels", key="mon_lab_go", type="primary"):
        labels = read_batch(studio, upload.getvalue(), upload.name)
        result = attach_labels(studio, batch_id, labels, key, current_user(studio.settings))
        st.success(
            f"Joined {result.matched:,} labels to batch #{batch_id}: "
            f"{result.unmatched_labels:,} labels matched no logged row, "
            f"{result.unlabelled_rows:,} logged rows have no label yet."
        )
    stored = next((b for b in _batches_of(studio, version) if b.id == batch_id), None)
    if stored is not None and stored.performance:
        st.markdown(f"**Batch #{batch_id}, {stored.labelled:,} labelled rows**")
        show_performance(Performance.from_json(stored.performance))
        offer_retrain(studio, version.ref, labelled_rows(studio, batch_id), "mon_lab")


def _default(kind: str, rows: int) -> str:
    if kind == "datetime":
        return "not tested (a date: a later batch is always later)"
    test = default_test(kind, rows, 3)
    return f"{test.name} at {test.default_threshold:g}"


def render_settings(studio: Studio, version: VersionInfo) -> None:
    """Edit the model's per-feature drift test and threshold, and the dataset drift share."""
    saved = get_settings(studio, version.name)
    kinds = feature_kinds(version)
    rows = version.baseline.get("rows", 0)
    table = pd.DataFrame(
        {
            "Feature": list(kinds),
            "Kind": list(kinds.values()),
            "Default": [_default(k, rows) for k in kinds.values()],
            "Test": [saved.tests.get(n, DEFAULT) for n in kinds],
            "Threshold": [saved.thresholds.get(n) for n in kinds],
        }
    )
    st.caption(
        "Defaults: up to 1,000 reference rows a p-value test at 0.05 (Kolmogorov-Smirnov for "
        "numbers, chi-square, or a Z-test for two categories), above that a distance at 0.1 "
        "(Wasserstein normed by the reference spread for numbers, Jensen-Shannon for "
        "categories, natural log as in Evidently). P-values are corrected for testing many "
        "columns (Benjamini-Hochberg). An empty threshold keeps the test's default. Settings "
        "apply to every version."
    )
    edited = st.data_editor(
        table,
        hide_index=True,
        width="stretch",
        disabled=["Feature", "Kind", "Default"],
        column_config={
            "Test": st.column_config.SelectboxColumn(options=[DEFAULT, *TESTS]),
            "Threshold": st.column_config.NumberColumn(min_value=0.0, format="%.4g"),
        },
        key="mon_settings_table",
    )
    share = st.slider(
        "Dataset drift when at least this share of features drift",
        0.05, 1.0, float(saved.share_threshold), 0.05, key="mon_settings_share",
    )  # fmt: skip
    if st.button("Save monitoring settings", key="mon_settings_save"):
        tests = {r.Feature: r.Test for r in edited.itertuples() if r.Test not in (DEFAULT, None)}
        thresholds = {
            r.Feature: float(r.Threshold) for r in edited.itertuples() if pd.notna(r.Threshold)
        }
        save_settings(
            studio,
            version.name,
            current_user(studio.settings),
            MonitorSettings(tests, thresholds, float(share)),
        )
        st.success("Saved: the next drift check of any version uses these settings.")

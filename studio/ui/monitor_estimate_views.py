"""The Monitor page's estimated performance: a classifier's metrics estimated without labels per
logged batch (or period scored), dashed, beside the realised metric where labels were joined."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from studio.charts.estimate import estimate_series, estimated_metric_figure
from studio.context import Studio
from studio.escaping import markdown_text as md
from studio.monitor.cbpe import LABELS
from studio.monitor.estimate_windows import (
    EstimateResult,
    estimate_batches,
    metric_names,
    version_batches,
)
from studio.monitor.windows import WINDOWS
from studio.registry.versions import VersionInfo
from studio.ui.identity import current_user
from studio.ui.shell import error_boundary

SHOWN_BATCHES = 20


def render_estimate(studio: Studio, version: VersionInfo) -> None:
    """Choose logged batches, estimate, and draw the chosen metric over the windows."""
    if not version.labels:
        st.info(
            "Estimated performance without labels is offered for classifiers only; this "
            "version is a regression model."
        )
        return
    batches = version_batches(studio, version)
    if not batches:
        st.info(
            f"No batch has been scored with v{version.version} yet. Scored files and live "
            "traffic are logged with the model's probabilities, from which performance is "
            "estimated before labels arrive."
        )
        return
    by_id = {b.id: b for b in batches}
    chosen = st.multiselect(
        "Logged batches", list(by_id), default=list(by_id)[-SHOWN_BATCHES:],
        format_func=lambda i: f"#{i} {by_id[i].source} · {by_id[i].rows:,} rows",
        key="mon_est_ids",
    )  # fmt: skip
    window = st.selectbox(
        "One window per", ["batch", *WINDOWS],
        format_func=lambda w: "batch" if w == "batch" else f"{WINDOWS[w][1]} scored",
        key="mon_est_window",
    )  # fmt: skip
    key = (version.id, tuple(chosen), window)
    if st.button("Estimate performance", key="mon_est_go", type="primary", disabled=not chosen):
        with error_boundary("estimate"), st.spinner("Calibrating on the holdout, estimating…"):
            actor = current_user(studio.settings)
            result = estimate_batches(studio, version.ref, actor, chosen, window=window)
            st.session_state["mon_est"] = (key, result)
    kept = st.session_state.get("mon_est")
    if kept and kept[0] == key:
        _show(kept[1])


def _show(result: EstimateResult) -> None:
    st.caption(md(result.source))
    for text in result.warnings:
        st.warning(md(text))
    for w in result.windows:
        for text in w.warnings:
            st.warning(md(f"{w.label}: {text}"))
    names = metric_names(result)
    metric = st.selectbox("Metric", names, format_func=LABELS.get, key="mon_est_metric")
    series = estimate_series(result, metric, LABELS[metric])
    st.plotly_chart(estimated_metric_figure(series), width="stretch", key="mon_est_chart")
    st.caption(
        "Dashed: estimated from the calibrated probabilities, with its 95% band (the range "
        "the realised value falls in if the calibration holds). Solid: measured on the rows "
        "whose labels were joined. Dotted: the holdout at registration."
    )
    st.dataframe(_table(result, metric), hide_index=True, width="stretch")
    st.info(md(result.blind_spot))


def _table(result: EstimateResult, metric: str) -> pd.DataFrame:
    rows = []
    for w in result.windows:
        m = w.metrics[metric]
        rows.append({
            "Window": w.label, "Rows": w.rows, "Estimated": m.value, "Band low": m.low,
            "Band high": m.high, "Realised": (w.realised or {}).get(metric),
            "Labelled rows": w.labelled,
            "Support AUC": w.support.auc if w.support else None,
        })  # fmt: skip
    return pd.DataFrame(rows)

"""A model version's card (what it predicts, data, metrics, features, lineage, notes) and the
comparison of two versions of one model."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from studio.autopilot.metrics import metric_label
from studio.charts.diagnostics import importance_figure
from studio.charts.registry import metric_evolution_figure
from studio.context import Studio
from studio.escaping import markdown_text as md
from studio.experiments.detail import diagnostics_for
from studio.registry.card import version_diff
from studio.registry.lifecycle import edit_card
from studio.registry.versions import VersionInfo, history
from studio.reports.service import model_html
from studio.ui.business_report_views import offer_download
from studio.ui.identity import current_user
from studio.ui.shell import error_boundary


def render_card(studio: Studio, v: VersionInfo) -> None:
    """The model card of version ``v``."""
    card = v.card
    if card.get("description"):
        st.markdown(md(card["description"]))
    what = f"**Predicts** '{md(v.target)}' ({v.task})"
    if v.labels:
        what += " — classes: " + ", ".join(f"'{md(label)}'" for label in v.labels)
    if v.positive_class is not None:
        what += f"; positive class **'{md(v.positive_class)}'**"
    st.markdown(what)
    if v.cut_sentence:
        st.markdown(f"**Decision** {md(v.cut_sentence)}")
    features = v.input_schema.get("features", [])
    rows = v.baseline.get("training_rows")
    st.markdown(
        f"**Trained on** {md(v.dataset)}"
        + (f" ({rows:,} training rows)" if rows else "")
        + f" · {len(features)} input columns"
    )
    if v.training_note:
        st.caption(md(v.training_note))
    dataset, version = v.dataset.split("@")
    st.page_link(
        "pages/1_Data.py",
        label=f"Profile of {md(v.dataset)}",
        query_params={"dataset": dataset, "version": version},
    )
    left, right = st.columns(2, gap="large")
    with left:
        st.markdown("**Holdout metrics**")
        holdout = v.metrics.get("holdout", {})
        table = pd.DataFrame(
            {
                "Metric": [metric_label(k) for k in holdout],
                "Holdout": [round(x, 4) for x in holdout.values()],
            }
        )
        st.dataframe(table, hide_index=True, width="stretch")
        st.caption(
            f"Cross-validated {v.metric_label}: {v.metrics.get('cv', 0):.4f} "
            f"± {v.metrics.get('cv_std', 0):.4f}"
        )
        st.markdown("**Parameters**")
        st.json(v.params, expanded=True)
    with right:
        _top_features(studio, v)
    _lineage(studio, v)
    _notes_form(studio, v)
    actor = current_user(studio.settings)
    offer_download(
        "the model card report", f"card_report_{v.id}", (v.id, v.stage, v.approval,
        repr(v.card)), lambda: model_html(studio, v.ref, actor),
        f"studio-{v.name}-v{v.version}-card.html",
    )  # fmt: skip


def _top_features(studio: Studio, v: VersionInfo) -> None:
    found = diagnostics_for(studio, [v.candidate_id]) if v.candidate_id else {}
    rows = found.get(v.candidate_id, {}).get("explain", {}).get("importance", [])
    if rows:
        st.plotly_chart(
            importance_figure(rows[:10], v.metric_label),
            width="stretch",
            key=f"card_importance_{v.id}",
        )
    else:
        st.caption("Top features appear once the run's diagnostics are computed.")


def _lineage(studio: Studio, v: VersionInfo) -> None:
    st.markdown("**Lineage**")
    events = [e for e in history(studio, v.name) if e.version == v.version][::-1]
    steps = [
        f"dataset {v.dataset}",
        f"run {v.run_id}",
        f"candidate {v.candidate_name}",
        f"{v.name} v{v.version}",
    ]
    steps += [
        f"{e.to_value} ({e.at:%Y-%m-%d}, {e.actor})"
        for e in events
        if e.action in ("stage", "approval")
    ]
    st.markdown(" → ".join(md(step) for step in steps))
    if v.run_id:
        st.page_link(
            "pages/3_Experiments.py",
            label=f"Run {v.run_id} in Experiments",
            query_params={"run": str(v.run_id)},
        )


def _notes_form(studio: Studio, v: VersionInfo) -> None:
    with st.form(key=f"card_form_{v.id}", border=True):
        st.markdown("**Notes for people who use this model**")
        description = st.text_area(
            "Description", value=v.card.get("description", ""), key=f"card_desc_{v.id}"
        )
        intended = st.text_area(
            "Intended use", value=v.card.get("intended_use", ""), key=f"card_use_{v.id}"
        )
        limits = st.text_area(
            "Limitations", value=v.card.get("limitations", ""), key=f"card_limits_{v.id}"
        )
        if st.form_submit_button("Save the card"):
            with error_boundary("models.card"):
                fields = {
                    "description": description,
                    "intended_use": intended,
                    "limitations": limits,
                }
                edit_card(studio, v.name, v.version, fields, current_user(studio.settings))
                st.rerun()


def render_compare_versions(versions: list[VersionInfo]) -> None:
    """The main metric across every version, and what changed between two of them."""
    ordered = sorted(versions, key=lambda v: v.version)
    if len(ordered) < 2:
        st.caption("Register another version of this model to compare two.")
        return
    metric = ordered[-1].metric
    scores = {metric_label(metric): [v.metrics.get("holdout", {}).get(metric) for v in ordered]}
    figure = metric_evolution_figure(
        [v.version for v in ordered], scores, [v.stage for v in ordered]
    )
    st.plotly_chart(figure, width="stretch", key="card_evolution")
    numbers = [v.version for v in ordered]
    left, right = st.columns(2)
    a = left.selectbox("Version A", numbers, index=len(numbers) - 2, key="card_cmp_a")
    b = right.selectbox("Version B", numbers, index=len(numbers) - 1, key="card_cmp_b")
    va, vb = (next(v for v in ordered if v.version == n) for n in (a, b))
    st.dataframe(version_diff(va, vb), width="stretch")

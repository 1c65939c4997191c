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
from studio.i18n import _, format_list, format_number
from studio.registry.card import version_diff
from studio.registry.labels import approval_name, stage_name, task_name
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
    st.markdown(_what_it_predicts(v))
    if v.cut_sentence:
        st.markdown(_("**Decision** {sentence}").format(sentence=md(v.cut_sentence)))
    features = v.input_schema.get("features", [])
    rows = v.baseline.get("training_rows")
    said = {"dataset": md(v.dataset), "columns": format_number(len(features))}
    st.markdown(
        _("**Trained on** {dataset} ({rows} training rows) · {columns} input columns").format(
            **said, rows=format_number(rows)
        )
        if rows
        else _("**Trained on** {dataset} · {columns} input columns").format(**said)
    )
    if v.training_note:
        st.caption(md(v.training_note))
    dataset, version = v.dataset.split("@")
    st.page_link(
        "pages/1_Data.py",
        label=_("Profile of {dataset}").format(dataset=md(v.dataset)),
        query_params={"dataset": dataset, "version": version},
    )
    left, right = st.columns(2, gap="large")
    with left:
        st.markdown(_("**Holdout metrics**"))
        holdout = v.metrics.get("holdout", {})
        table = pd.DataFrame(
            {
                _("Metric"): [metric_label(k) for k in holdout],
                _("Holdout"): [round(x, 4) for x in holdout.values()],
            }
        )
        st.dataframe(table, hide_index=True, width="stretch")
        st.caption(
            _("Cross-validated {metric}: {score} ± {std}").format(
                metric=v.metric_label,
                score=f"{v.metrics.get('cv', 0):.4f}",
                std=f"{v.metrics.get('cv_std', 0):.4f}",
            )
        )
        st.markdown(_("**Parameters**"))
        st.json(v.params, expanded=True)
    with right:
        _top_features(studio, v)
    _lineage(studio, v)
    _notes_form(studio, v)
    actor = current_user(studio.settings)
    labels = (
        _("Prepare the model card report"),
        _("Download the model card report ({size} MB)"),
    )
    offer_download(
        labels, f"card_report_{v.id}", (v.id, v.stage, v.approval, repr(v.card)),
        lambda: model_html(studio, v.ref, actor), f"studio-{v.name}-v{v.version}-card.html",
    )  # fmt: skip


def _what_it_predicts(v: VersionInfo) -> str:
    """The card's first line: the target and task, the classes and the positive class."""
    said = {"target": md(v.target), "task": task_name(v.task)}
    if not v.labels:
        return _("**Predicts** '{target}' ({task})").format(**said)
    said["classes"] = format_list([f"'{md(label)}'" for label in v.labels])
    if v.positive_class is None:
        return _("**Predicts** '{target}' ({task}) — classes: {classes}").format(**said)
    return _(
        "**Predicts** '{target}' ({task}) — classes: {classes}; positive class **'{positive}'**"
    ).format(**said, positive=md(v.positive_class))


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
        st.caption(_("Top features appear once the run's diagnostics are computed."))


def _lineage(studio: Studio, v: VersionInfo) -> None:
    st.markdown(_("**Lineage**"))
    events = [e for e in history(studio, v.name) if e.version == v.version][::-1]
    steps = [
        _("dataset {dataset}").format(dataset=v.dataset),
        _("run {run}").format(run=v.run_id),
        _("candidate {candidate}").format(candidate=v.candidate_name),
        f"{v.name} v{v.version}",
    ]
    named = {"stage": stage_name, "approval": approval_name}
    steps += [
        f"{named[e.action](e.to_value)} ({e.at:%Y-%m-%d}, {e.actor})"
        for e in events
        if e.action in named
    ]
    st.markdown(" → ".join(md(step) for step in steps))
    if v.run_id:
        st.page_link(
            "pages/3_Experiments.py",
            label=_("Run {run} in Experiments").format(run=v.run_id),
            query_params={"run": str(v.run_id)},
        )


def _notes_form(studio: Studio, v: VersionInfo) -> None:
    with st.form(key=f"card_form_{v.id}", border=True):
        st.markdown(_("**Notes for people who use this model**"))
        description = st.text_area(
            _("Description"), value=v.card.get("description", ""), key=f"card_desc_{v.id}"
        )
        intended = st.text_area(
            _("Intended use"), value=v.card.get("intended_use", ""), key=f"card_use_{v.id}"
        )
        limits = st.text_area(
            _("Limitations"), value=v.card.get("limitations", ""), key=f"card_limits_{v.id}"
        )
        if st.form_submit_button(_("Save the card")):
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
        st.caption(_("Register another version of this model to compare two."))
        return
    metric = ordered[-1].metric
    scores = {metric_label(metric): [v.metrics.get("holdout", {}).get(metric) for v in ordered]}
    figure = metric_evolution_figure(
        [v.version for v in ordered], scores, [v.stage for v in ordered]
    )
    st.plotly_chart(figure, width="stretch", key="card_evolution")
    numbers = [v.version for v in ordered]
    left, right = st.columns(2)
    a = left.selectbox(_("Version A"), numbers, index=len(numbers) - 2, key="card_cmp_a")
    b = right.selectbox(_("Version B"), numbers, index=len(numbers) - 1, key="card_cmp_b")
    va, vb = (next(v for v in ordered if v.version == n) for n in (a, b))
    st.dataframe(version_diff(va, vb), width="stretch")

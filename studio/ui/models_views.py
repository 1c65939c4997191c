"""The Models page: the registry list, registering a candidate, and one model's versions with
approvals, stages, history, model card and version comparison (``?model=NAME&version=N``)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from studio.context import Studio
from studio.errors import NotFoundError
from studio.escaping import markdown_text as md
from studio.experiments.runs import RunFilter, list_runs
from studio.i18n import _, format_number, ngettext
from studio.registry.labels import (
    action_name,
    approval_name,
    stage_name,
    stored_value_text,
    task_name,
)
from studio.registry.lifecycle import decide, promote
from studio.registry.register import register_candidate
from studio.registry.versions import VersionInfo, history, list_models, list_versions
from studio.tracking import get_run
from studio.ui.identity import current_user
from studio.ui.model_card_views import render_card, render_compare_versions
from studio.ui.serving_views import render_serving
from studio.ui.shell import error_boundary


def render_models_page(studio: Studio) -> None:
    """The list, or the model named by ``?model=``."""
    st.title(_("Models"))
    name = st.query_params.get("model")
    if name:
        if st.button(_("← All models"), key="mdl_back"):
            for key in ("model", "version"):
                st.query_params.pop(key, None)
            st.rerun()
        with error_boundary("models.model"):
            render_model(studio, name)
        return
    with error_boundary("models.list"):
        _render_list(studio)
    with error_boundary("models.register"):
        render_register_form(studio)


def _render_list(studio: Studio) -> None:
    models = list_models(studio)
    if not models:
        st.info(
            _(
                "No models yet: register a candidate of a finished run below, or from a run "
                "on the Experiments page."
            )
        )
        return
    table = pd.DataFrame(
        [
            {
                _("Model"): m.name,
                _("Versions"): m.versions,
                _("Production"): f"v{m.production}" if m.production else "—",
                _("Staging"): ", ".join(f"v{v}" for v in m.staging) or "—",
                _("Task"): task_name(m.task),
                _("Target"): m.target,
                _("Last change"): m.updated_at.replace(tzinfo=None),
            }
            for m in models
        ]
    )
    st.caption(_("Select a row to open the model."))
    picked = st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="single-row",
        key="mdl_table",
    )
    if picked and picked.selection.rows:
        st.query_params["model"] = models[picked.selection.rows[0]].name
        st.rerun()


def render_register_form(studio: Studio, run_id: int | None = None) -> None:
    """Register a finished run's candidate as a new model version."""
    with st.expander(_("Register a candidate as a model version")):
        if run_id is None:
            runs = [
                r
                for r in list_runs(
                    studio, RunFilter(statuses=("finished", "stopped"), page_size=200)
                ).rows
            ]
            if not runs:
                st.caption(_("No finished run yet."))
                return
            labels = {
                r.id: _("run {run} · {dataset} → {target}").format(
                    run=r.id, dataset=r.dataset, target=r.target
                )
                for r in runs
            }
            run_id = st.selectbox(
                _("Run"), list(labels), format_func=labels.get, key="mdl_reg_run"
            )
        board = get_run(studio, run_id).leaderboard
        if not board:
            st.caption(_("This run has no candidates."))
            return
        names = [c.name for c in board]
        candidate = st.selectbox(
            _("Candidate"),
            names,
            key=f"mdl_reg_cand_{run_id}",
            help=_("The run's best candidate comes first."),
        )
        name = st.text_input(
            _("Model name"),
            key=f"mdl_reg_name_{run_id}",
            placeholder=_("e.g. churn-model (created on first use)"),
        )
        description = st.text_input(_("Description (optional)"), key=f"mdl_reg_desc_{run_id}")
        fitted = next(c.fitted_on_all_rows for c in board if c.name == candidate)
        refit = st.checkbox(
            _("Refit on all rows"), value=fitted, key=f"mdl_reg_refit_{run_id}_{candidate}",
            help=_(
                "Use the candidate fitted on every row, the holdout too: more data for the "
                "model (it helps most on small tables). The run fitted its best candidate on "
                "all rows already (ticked by default); another one is fitted now. The holdout "
                "score stays its estimate, measured before that fit; the candidate itself is "
                "not changed."
            ),
        )  # fmt: skip
        if st.button(_("Register"), key=f"mdl_reg_go_{run_id}", type="primary"):
            _register(studio, run_id, candidate, name, description, refit)


def _register(  # noqa: PLR0913
    studio: Studio, run_id: int, candidate: str, name: str, description: str, refit: bool
) -> None:
    user = current_user(studio.settings)
    with (
        error_boundary("models.register"),
        st.spinner(_("Registering: copying the model and computing its baseline…")),
    ):
        info = register_candidate(
            studio, run_id, name, user, candidate=candidate, description=description,
            refit_all_rows=refit,
        )  # fmt: skip
        st.success(
            _("Registered {ref}; it awaits approval. {note}")
            .format(ref=md(info.ref), note=md(info.training_note))
            .strip()
        )
        st.page_link(
            "pages/4_Models.py",
            label=_("Open {name}").format(name=info.name),
            query_params={"model": info.name, "version": str(info.version)},
        )


def render_model(studio: Studio, name: str) -> None:
    """One model: versions, the selected version's actions, card, history and comparison."""
    versions = list_versions(studio, name)
    st.subheader(md(name))
    if versions:
        st.caption(
            ngettext(
                "predicts '{target}' ({task}) · {count} version",
                "predicts '{target}' ({task}) · {count} versions",
                len(versions),
            ).format(
                target=md(versions[0].target),
                task=task_name(versions[0].task),
                count=format_number(len(versions)),
            )
        )
    _versions_table(versions)
    selected = _selected(versions)
    _actions(studio, selected)
    tabs = st.tabs([_("Model card"), _("History"), _("Compare versions"), _("Serving")])
    with tabs[0]:
        render_card(studio, selected)
    with tabs[1]:
        _history(studio, name)
    with tabs[2]:
        render_compare_versions(versions)
    with tabs[3]:
        render_serving(studio, versions)


def _versions_table(versions: list[VersionInfo]) -> None:
    rows = [
        {
            _("Version"): v.version,
            _("Stage"): stage_name(v.stage),
            _("Approval"): approval_name(v.approval),
            _("Candidate"): v.candidate_name,
            _("Family"): v.family,
            _("Holdout {metric}").format(metric=v.metric_label): v.metrics.get("holdout", {}).get(
                v.metric
            ),
            _("Dataset"): v.dataset,
            _("Run"): v.run_id,
            _("Registered"): v.created_at.replace(tzinfo=None),
            _("By"): v.created_by,
        }
        for v in versions
    ]
    state = "-".join(f"{v.version}{v.stage}{v.approval}" for v in versions)
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", key=f"mdl_versions_{state}")


def _selected(versions: list[VersionInfo]) -> VersionInfo:
    numbers = [v.version for v in versions]
    production = next((v.version for v in versions if v.stage == "production"), None)
    raw = st.query_params.get("version", "")
    if raw and not (raw.isdigit() and int(raw) in numbers):  # a link to what is not there
        raise NotFoundError(
            _("Model {name} has no version {version}.").format(name=versions[0].name, version=raw)
        )
    default = int(raw) if raw else (production or numbers[0])
    chosen = st.selectbox(
        _("Version"),
        numbers,
        index=numbers.index(default),
        key=f"mdl_version_{production}",  # a new key when production moves: fresh labels
        format_func={
            n: _("v{version} (production)").format(version=n) if n == production else f"v{n}"
            for n in numbers
        }.get,  # labels made in this run's language (AppTest reads them back outside it)
    )
    if str(chosen) != raw:
        st.query_params["version"] = str(chosen)
    return next(v for v in versions if v.version == chosen)


def _actions(studio: Studio, version: VersionInfo) -> None:
    st.markdown(
        _("**v{version}** is in **{stage}** and **{approval}**.").format(
            version=version.version,
            stage=stage_name(version.stage),
            approval=approval_name(version.approval),
        )
    )
    user = current_user(studio.settings)
    left, right = st.columns(2, gap="large")
    with left.form(key=f"mdl_decide_{version.id}", border=True, clear_on_submit=True):
        st.markdown(_("**Approval**"))
        comment = st.text_input(_("Comment (required)"), key=f"mdl_decide_comment_{version.id}")
        approve_col, reject_col = st.columns(2)
        approve = approve_col.form_submit_button(
            _("Approve"), type="primary", disabled=version.approval == "approved"
        )
        reject = reject_col.form_submit_button(
            _("Reject"), disabled=version.approval == "rejected"
        )
        if approve or reject:
            with error_boundary("models.decide"):
                decide(studio, version.name, version.version, approve, comment, user)
                st.rerun()
    with right.form(key=f"mdl_stage_{version.id}", border=True, clear_on_submit=True):
        st.markdown(_("**Stage**"))
        others = [s for s in ("staging", "production", "archived", "none") if s != version.stage]
        names = {s: stage_name(s) for s in others}
        stage = st.selectbox(
            _("Move to"), others, format_func=names.get, key=f"mdl_stage_pick_{version.id}"
        )
        note = st.text_input(
            _("Comment (required for production)"), key=f"mdl_stage_comment_{version.id}"
        )
        if st.form_submit_button(_("Move")):
            with error_boundary("models.promote"):
                promote(studio, version.name, version.version, stage, note, user)
                st.rerun()


def _history(studio: Studio, name: str) -> None:
    """Each entry: when, who, which version, what changed (stored codes shown by their names)
    and the comment, which is in the words its author used."""
    for e in history(studio, name):
        change = ""
        if e.from_value and e.to_value:
            old, new = (stored_value_text(e.action, v) for v in (e.from_value, e.to_value))
            change = f"{old} → {new}"
        which = f" · v{e.version}" if e.version is not None else ""
        line = (
            f"**{e.at:%Y-%m-%d %H:%M}** · {md(e.actor)}{which} · {action_name(e.action)} {change}"
        )
        st.markdown(line + (f"  \n> {md(e.comment)}" if e.comment else ""))

"""A run on the Experiments page: leaderboard, Optuna's views, diagnostics, trials, config."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from studio.autopilot.labels import (
    column_type_label,
    cv_note,
    family_label,
    metric_label,
    treatment_label,
    trial_state_label,
)
from studio.autopilot.metrics import METRICS
from studio.autopilot.splits import describe_split
from studio.charts.experiments import family_best_figure, optuna_figure
from studio.context import Studio
from studio.errors import InvalidInputError
from studio.escaping import markdown_text as md
from studio.experiments.analysis import request_analysis
from studio.experiments.annotations import all_tags, set_note, set_tags
from studio.experiments.compare import comparable_candidates
from studio.experiments.detail import (
    RunDetail,
    diagnostics_for,
    family_best,
    run_detail,
    stored_views,
    trial_csv,
    trial_table,
)
from studio.experiments.views import FAMILY_VIEWS, RUN_VIEWS, SAMPLED_VIEWS, VIEW_LABELS
from studio.i18n import N_, _, format_number, ngettext
from studio.ui.diagnostics_views import render_diagnostics
from studio.ui.identity import current_user
from studio.ui.run_views import candidate_name, launched_line, summary_cards
from studio.ui.shell import error_boundary

# Optuna's views as the picker names them (``experiments.views.VIEW_LABELS``, translated).
VIEW_NAMES = {
    "history": N_("Optimisation history"), "timeline": N_("Timeline"),
    "intermediate": N_("Intermediate values (pruning)"),
    "importance": N_("Hyper-parameter importances"), "parallel": N_("Parallel coordinates"),
    "slice": N_("Slice"), "contour": N_("Contour"),
}  # fmt: skip
# What an id in a link names, in the sentence that refuses a bad one.
ID_SENTENCES = {
    "run": N_("'{raw}' is not a run id; ids are whole numbers."),
    "candidate": N_("'{raw}' is not a candidate id; ids are whole numbers."),
}
# The trial table's and the column plan's stored columns: their names are the English headers.
TRIAL_HEADERS = {
    "trial": N_("trial"), "family": N_("family"), "state": N_("state"), "score": N_("score"),
    # Translators: the standard deviation of a trial's fold scores
    "cv_std": N_("cv_std"), "seconds": N_("seconds"),
}  # fmt: skip
PLAN_HEADERS = {
    "name": N_("name"), "kind": N_("kind"), "treatment": N_("treatment"), "reason": N_("reason"),
    "distinct": N_("distinct"), "inferred": N_("inferred"),
}  # fmt: skip


def parse_id(raw: str, what: str) -> int:
    """A positive integer id from the URL, else a sentence saying what was wrong."""
    if not raw.strip().isdigit():
        if what in ID_SENTENCES:
            raise InvalidInputError(_(ID_SENTENCES[what]).format(raw=raw))
        raise InvalidInputError(
            _("'{raw}' is not a {what} id; ids are whole numbers.").format(raw=raw, what=what)
        )
    return int(raw)


def back_to_list() -> None:
    """A button that returns to the runs list (keeping the list's filters)."""
    if st.button(_("← All runs"), key="exp_back"):
        for key in ("run", "compare"):
            if key in st.query_params:
                del st.query_params[key]
        st.rerun()


def render_run_detail(studio: Studio, raw_id: str) -> None:
    """The run named by ``?run=``."""
    back_to_list()
    detail = run_detail(studio, parse_id(raw_id, "run"))
    run = detail.run
    st.subheader(_("Run {run}: {dataset} → {target}").format(
        run=run.id, dataset=md(run.dataset), target=md(run.target)
    ))  # fmt: skip
    tags = _("tags: {tags}").format(tags=", ".join(detail.tags)) if detail.tags else ""
    st.caption(md(launched_line(run, tags)))
    _summary(detail)
    _annotations(studio, detail)
    if run.is_active:
        st.info(_("This run is still working; the live view is on the Autopilot page."))
        st.page_link("pages/2_Autopilot.py", label=_("Open the live view"),
                     query_params={"run": str(run.id)})  # fmt: skip
    _analysis_status(studio, detail)
    trials = trial_table(studio, detail)  # read once per render (live runs read Optuna)
    tabs = st.tabs([_("Leaderboard"), _("Search (Optuna)"), _("Diagnostics"), _("Trials"),
                    _("Configuration")])  # fmt: skip
    with tabs[0]:
        _leaderboard(studio, detail, trials)
    with tabs[1]:
        _search_views(studio, detail)
    with tabs[2]:
        _diagnostics(studio, detail)
    with tabs[3]:
        _trials(detail, trials)
    with tabs[4]:
        _configuration(detail)


def _summary(detail: RunDetail) -> None:
    run = detail.run
    seconds = format_number(round(run.elapsed_seconds()))
    summary_cards(run, _("Search time"), _("{seconds} s").format(seconds=seconds))
    if run.message:
        (st.error if run.status == "failed" else st.caption)(run.message)


def _annotations(studio: Studio, detail: RunDetail) -> None:
    title = _("Notes and tags")
    with st.expander(f"{title} ✎" if detail.note else title, expanded=False):
        annotation_form(studio, "run", detail.run.id, detail.note, detail.tags)


def annotation_form(
    studio: Studio, subject: str, subject_id: int, note: str, tags: tuple[str, ...]
) -> None:
    """Show a run's or candidate's note, and a form that replaces its note and tags."""
    if note:
        st.markdown(note)
    key = f"{subject}_{subject_id}"
    with st.form(key=f"exp_note_form_{key}", border=False):
        body = st.text_area(_("Note (Markdown)"), value=note, key=f"exp_note_{key}")
        options = sorted(set(all_tags(studio, subject)) | set(tags))
        chosen = st.multiselect(_("Tags"), options, default=list(tags), accept_new_options=True,
                                key=f"exp_tags_{key}")  # fmt: skip
        if st.form_submit_button(_("Save note and tags")):
            with error_boundary("experiments.annotate"):
                user = current_user(studio.settings)
                set_note(studio, subject, subject_id, body, user)
                set_tags(studio, subject, subject_id, chosen, user)
                st.toast(_("Saved."))
                st.rerun()


def _analysis_status(studio: Studio, detail: RunDetail) -> None:
    analysis, run = detail.analysis, detail.run
    if run.is_active or not run.leaderboard or analysis.status == "done":
        return
    if analysis.status == "failed":
        st.warning(
            _("{message} Diagnostics and Optuna's views are incomplete.").format(
                message=analysis.message
            )
        )
    elif analysis.status == "pending":
        st.info(_("The worker is computing this run's diagnostics and search views…"))
    else:
        st.info(_("This run has no stored diagnostics yet."))
    if analysis.status != "pending" and st.button(_("Compute diagnostics"), key="exp_analyze"):
        from studio.jobs.launcher import ensure_local_worker

        request_analysis(studio, run.id)
        ensure_local_worker(studio)
        st.rerun()


def _leaderboard(studio: Studio, detail: RunDetail, frame: pd.DataFrame) -> None:
    run = detail.run
    if not run.leaderboard:
        st.info(_("This run has no candidates yet."))
        return
    metric = metric_label(run.metric)
    rows = [
        {_("Rank"): c.rank, **({_("Round"): c.round} if run.rounds > 1 else {}),
         _("Candidate"): candidate_name(c.name, c.is_baseline),
         _("Family"): family_label(c.family),
         _("CV {metric}").format(metric=metric): round(c.cv_score, 4),
         _("CV ±"): round(c.cv_std, 4),
         **{_("Holdout {metric}").format(metric=metric_label(k)): round(v, 4)
            for k, v in c.holdout.items()},
         _("Fit (s)"): round(c.fit_seconds, 2), _("ms / 1k rows"): round(c.predict_ms_per_1k, 1),
         _("Tags"): ", ".join(detail.candidate_notes[c.id].tags)}
        for c in run.leaderboard
    ]  # fmt: skip
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    notes = [n for c in run.leaderboard if (n := cv_note(c.name, c.family, c.params))]
    st.caption(md(" ".join([describe_split(run.config), *notes])))
    _compare_picker(studio, detail)
    if detail.run.status in ("finished", "stopped"):
        from studio.ui.models_views import render_register_form

        render_register_form(studio, detail.run.id)
    greater = METRICS[run.metric].greater_is_better
    st.plotly_chart(family_best_figure(family_best(frame, greater), metric),
                    width="stretch", key="exp_family_best")  # fmt: skip


def _compare_picker(studio: Studio, detail: RunDetail) -> None:
    options = comparable_candidates(studio, detail.run.id)
    labels = dict(options)
    default = [c.id for c in detail.run.leaderboard[:2]]
    chosen = st.multiselect(
        _("Compare candidates (from this run or other runs on the same data and target)"),
        [cid for cid, _ in options], default=default, format_func=labels.get,
        key=f"exp_pick_{detail.run.id}",
    )  # fmt: skip
    if st.button(_("Compare"), key="exp_compare", type="primary"):
        if len(chosen) < 2:
            st.error(_("Pick at least two candidates to compare."))
            return
        st.query_params["compare"] = ",".join(str(c) for c in chosen)
        st.rerun()


@st.cache_resource(max_entries=4, show_spinner=False)
def _views(_studio: Studio, artifact: str, sha256: str, _detail: RunDetail) -> dict:
    """A run's stored views, read once per file (finished runs never change)."""
    return stored_views(_studio, _detail)


def _search_views(studio: Studio, detail: RunDetail) -> None:
    views = _views(studio, detail.analysis.views_artifact, detail.analysis.views_sha256, detail)
    if not views:
        st.info(_("Optuna's views appear once the run's analysis is done."))
        return
    groups = ["all"] + sorted(k for k in views if k != "all")
    group = st.segmented_control(
        _("Trials"), groups, default="all", key="exp_view_group",
        format_func={g: _("All families") if g == "all" else family_label(g) for g in groups}.get,
    )  # fmt: skip
    names = RUN_VIEWS if (group or "all") == "all" else FAMILY_VIEWS
    available = [v for v in names if v in views.get(group or "all", {})]
    if not available:
        st.info(_("Too few finished trials in this family for Optuna's views."))
        return
    shown = {v: _view_name(v) for v in available}  # built now, in this run's language
    view = st.radio(_("View"), available, format_func=shown.get, horizontal=True,
                    key=f"exp_view_{group}")  # fmt: skip
    if view in SAMPLED_VIEWS and detail.run.trials_done > SAMPLED_VIEWS[view]:
        st.caption(_("A large search: this view draws a random sample of up to {n} trials.")
                   .format(n=format_number(SAMPLED_VIEWS[view])))  # fmt: skip
    st.plotly_chart(optuna_figure(views[group or "all"][view]), width="stretch",
                    key=f"exp_optuna_{group}_{view}")  # fmt: skip


def _view_name(view: str) -> str:
    return _(VIEW_NAMES[view]) if view in VIEW_NAMES else VIEW_LABELS.get(view, view)


def _diagnostics(studio: Studio, detail: RunDetail) -> None:
    board = detail.run.leaderboard
    if not board:
        st.info(_("Diagnostics appear once the run has candidates."))
        return
    names = {c.id: candidate_name(c.name, c.is_baseline) for c in board}
    chosen = st.selectbox(_("Candidate"), list(names), format_func=names.get,
                          key="exp_diag_pick")  # fmt: skip
    notes = detail.candidate_notes[chosen]
    title = _("Notes and tags of {name}").format(name=names[chosen])
    with st.expander(f"{title} ✎" if notes.note else title):
        annotation_form(studio, "candidate", chosen, notes.note, notes.tags)
    found = diagnostics_for(studio, [chosen])
    if chosen not in found:
        st.info(_("This candidate's diagnostics are not computed yet."))
        return
    render_diagnostics(found[chosen], metric_label(detail.run.metric), key=f"exp_diag_{chosen}")


def _trials(detail: RunDetail, frame: pd.DataFrame) -> None:
    if frame.empty:
        st.info(_("No trials yet."))
        return
    st.caption(
        ngettext(
            "{n} trial · score = cross-validated {metric}",
            "{n} trials · score = cross-validated {metric}",
            len(frame),
        ).format(n=format_number(len(frame)), metric=metric_label(detail.run.metric))
    )
    st.dataframe(_shown_trials(frame), hide_index=True, width="stretch", height=420)
    st.download_button(_("Download the trial table (CSV)"), data=trial_csv(frame),
                       file_name=f"studio_run{detail.run.id}_trials.csv", mime="text/csv",
                       key="exp_trials_csv")  # fmt: skip


def _configuration(detail: RunDetail) -> None:
    config = dict(detail.run.config)
    columns = config.pop("columns", [])
    st.json(config, expanded=True)
    if columns:
        st.markdown(_("**Column plan**"))
        st.dataframe(_shown_plan(pd.DataFrame(columns)), hide_index=True, width="stretch")


def _shown_trials(frame: pd.DataFrame) -> pd.DataFrame:
    """The trial table as shown: its own columns' headers, families and states translated
    (the parameters keep their names; the CSV keeps the stored table)."""
    shown = frame.copy()
    if "family" in shown:
        shown["family"] = shown["family"].map(family_label)
    if "state" in shown:
        shown["state"] = shown["state"].map(trial_state_label)
    return shown.rename(columns={k: _(v) for k, v in TRIAL_HEADERS.items()})


def _shown_plan(frame: pd.DataFrame) -> pd.DataFrame:
    """The stored column plan as shown: translated headers, types and treatments."""
    shown = frame.copy()
    for column, label in (("kind", column_type_label), ("inferred", column_type_label),
                          ("treatment", treatment_label)):  # fmt: skip
        if column in shown:
            shown[column] = shown[column].map(lambda v, f=label: f(v) if v else v)
    return shown.rename(columns={k: _(v) for k, v in PLAN_HEADERS.items()})

"""A run on the Experiments page: leaderboard, Optuna's views, diagnostics, trials, config."""

from __future__ import annotations

import pandas as pd
import streamlit as st

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
from studio.ui.diagnostics_views import render_diagnostics
from studio.ui.identity import current_user
from studio.ui.run_views import summary_cards
from studio.ui.shell import error_boundary


def parse_id(raw: str, what: str) -> int:
    """A positive integer id from the URL, else a sentence saying what was wrong."""
    if not raw.strip().isdigit():
        raise InvalidInputError(f"'{raw}' is not a {what} id; ids are whole numbers.")
    return int(raw)


def back_to_list() -> None:
    """A button that returns to the runs list (keeping the list's filters)."""
    if st.button("← All runs", key="exp_back"):
        for key in ("run", "compare"):
            if key in st.query_params:
                del st.query_params[key]
        st.rerun()


def render_run_detail(studio: Studio, raw_id: str) -> None:
    """The run named by ``?run=``."""
    back_to_list()
    detail = run_detail(studio, parse_id(raw_id, "run"))
    run = detail.run
    st.subheader(f"Run {run.id}: {md(run.dataset)} → {md(run.target)}")
    st.caption(md(
        f"{run.task} · {run.metric_label} · launched by {run.created_by} on "
        f"{run.created_at:%Y-%m-%d %H:%M} UTC" + (f" · tags: {', '.join(detail.tags)}"
                                                   if detail.tags else "")
    ))  # fmt: skip
    _summary(detail)
    _annotations(studio, detail)
    if run.is_active:
        st.info("This run is still working; the live view is on the Autopilot page.")
        st.page_link("pages/2_Autopilot.py", label="Open the live view",
                     query_params={"run": str(run.id)})  # fmt: skip
    _analysis_status(studio, detail)
    trials = trial_table(studio, detail)  # read once per render (live runs read Optuna)
    tabs = st.tabs(["Leaderboard", "Search (Optuna)", "Diagnostics", "Trials", "Configuration"])
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
    summary_cards(run, "Search time", f"{run.elapsed_seconds():,.0f} s")
    if run.message:
        (st.error if run.status == "failed" else st.caption)(run.message)


def _annotations(studio: Studio, detail: RunDetail) -> None:
    with st.expander("Notes and tags" + (" ✎" if detail.note else ""), expanded=False):
        annotation_form(studio, "run", detail.run.id, detail.note, detail.tags)


def annotation_form(
    studio: Studio, subject: str, subject_id: int, note: str, tags: tuple[str, ...]
) -> None:
    """Show a run's or candidate's note, and a form that replaces its note and tags."""
    if note:
        st.markdown(note)
    key = f"{subject}_{subject_id}"
    with st.form(key=f"exp_note_form_{key}", border=False):
        body = st.text_area("Note (Markdown)", value=note, key=f"exp_note_{key}")
        options = sorted(set(all_tags(studio, subject)) | set(tags))
        chosen = st.multiselect("Tags", options, default=list(tags), accept_new_options=True,
                                key=f"exp_tags_{key}")  # fmt: skip
        if st.form_submit_button("Save note and tags"):
            with error_boundary("experiments.annotate"):
                user = current_user(studio.settings)
                set_note(studio, subject, subject_id, body, user)
                set_tags(studio, subject, subject_id, chosen, user)
                st.toast("Saved.")
                st.rerun()


def _analysis_status(studio: Studio, detail: RunDetail) -> None:
    analysis, run = detail.analysis, detail.run
    if run.is_active or not run.leaderboard or analysis.status == "done":
        return
    if analysis.status == "failed":
        st.warning(f"{analysis.message} Diagnostics and Optuna's views are incomplete.")
    elif analysis.status == "pending":
        st.info("The worker is computing this run's diagnostics and search views…")
    else:
        st.info("This run has no stored diagnostics yet.")
    if analysis.status != "pending" and st.button("Compute diagnostics", key="exp_analyze"):
        from studio.jobs.launcher import ensure_local_worker

        request_analysis(studio, run.id)
        ensure_local_worker(studio)
        st.rerun()


def _leaderboard(studio: Studio, detail: RunDetail, frame: pd.DataFrame) -> None:
    run = detail.run
    if not run.leaderboard:
        st.info("This run has no candidates yet.")
        return
    rows = [
        {"Rank": c.rank, **({"Round": c.round} if run.rounds > 1 else {}),
         "Candidate": c.name + (" (baseline)" if c.is_baseline else ""),
         "Family": c.family, f"CV {run.metric_label}": round(c.cv_score, 4),
         "CV ±": round(c.cv_std, 4),
         **{f"Holdout {METRICS[k].label}": round(v, 4) for k, v in c.holdout.items()},
         "Fit (s)": round(c.fit_seconds, 2), "ms / 1k rows": round(c.predict_ms_per_1k, 1),
         "Tags": ", ".join(detail.candidate_notes[c.id].tags)}
        for c in run.leaderboard
    ]  # fmt: skip
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    notes = [f"{c.name}'s CV score is {c.cv_note}." for c in run.leaderboard if c.cv_note]
    st.caption(md(" ".join([describe_split(run.config), *notes])))
    _compare_picker(studio, detail)
    if detail.run.status in ("finished", "stopped"):
        from studio.ui.models_views import render_register_form

        render_register_form(studio, detail.run.id)
    greater = METRICS[run.metric].greater_is_better
    st.plotly_chart(family_best_figure(family_best(frame, greater), run.metric_label),
                    width="stretch", key="exp_family_best")  # fmt: skip


def _compare_picker(studio: Studio, detail: RunDetail) -> None:
    options = comparable_candidates(studio, detail.run.id)
    labels = dict(options)
    default = [c.id for c in detail.run.leaderboard[:2]]
    chosen = st.multiselect(
        "Compare candidates (from this run or other runs on the same data and target)",
        [cid for cid, _ in options], default=default, format_func=labels.get,
        key=f"exp_pick_{detail.run.id}",
    )  # fmt: skip
    if st.button("Compare", key="exp_compare", type="primary"):
        if len(chosen) < 2:
            st.error("Pick at least two candidates to compare.")
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
        st.info("Optuna's views appear once the run's analysis is done.")
        return
    groups = ["all"] + sorted(k for k in views if k != "all")
    group = st.segmented_control(
        "Trials", groups, default="all", key="exp_view_group",
        format_func=lambda g: "All families" if g == "all" else g,
    )  # fmt: skip
    names = RUN_VIEWS if (group or "all") == "all" else FAMILY_VIEWS
    available = [v for v in names if v in views.get(group or "all", {})]
    if not available:
        st.info("Too few finished trials in this family for Optuna's views.")
        return
    view = st.radio("View", available, format_func=VIEW_LABELS.get, horizontal=True,
                    key=f"exp_view_{group}")  # fmt: skip
    if view in SAMPLED_VIEWS and detail.run.trials_done > SAMPLED_VIEWS[view]:
        st.caption(f"A large search: this view draws a random sample of up to "
                   f"{SAMPLED_VIEWS[view]:,} trials.")  # fmt: skip
    st.plotly_chart(optuna_figure(views[group or "all"][view]), width="stretch",
                    key=f"exp_optuna_{group}_{view}")  # fmt: skip


def _diagnostics(studio: Studio, detail: RunDetail) -> None:
    board = detail.run.leaderboard
    if not board:
        st.info("Diagnostics appear once the run has candidates.")
        return
    names = {c.id: c.name + (" (baseline)" if c.is_baseline else "") for c in board}
    chosen = st.selectbox("Candidate", list(names), format_func=names.get, key="exp_diag_pick")
    notes = detail.candidate_notes[chosen]
    with st.expander(f"Notes and tags of {names[chosen]}" + (" ✎" if notes.note else "")):
        annotation_form(studio, "candidate", chosen, notes.note, notes.tags)
    found = diagnostics_for(studio, [chosen])
    if chosen not in found:
        st.info("This candidate's diagnostics are not computed yet.")
        return
    render_diagnostics(found[chosen], detail.run.metric_label, key=f"exp_diag_{chosen}")


def _trials(detail: RunDetail, frame: pd.DataFrame) -> None:
    if frame.empty:
        st.info("No trials yet.")
        return
    st.caption(f"{len(frame):,} trials · score = cross-validated {detail.run.metric_label}")
    st.dataframe(frame, hide_index=True, width="stretch", height=420)
    st.download_button("Download the trial table (CSV)", data=trial_csv(frame),
                       file_name=f"studio_run{detail.run.id}_trials.csv", mime="text/csv",
                       key="exp_trials_csv")  # fmt: skip


def _configuration(detail: RunDetail) -> None:
    config = dict(detail.run.config)
    columns = config.pop("columns", [])
    st.json(config, expanded=True)
    if columns:
        st.markdown("**Column plan**")
        st.dataframe(pd.DataFrame(columns), hide_index=True, width="stretch")

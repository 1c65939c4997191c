"""A run, live: progress against the budget, best-so-far chart, leaderboard and event log."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from studio.autopilot.export import export_code
from studio.autopilot.labels import (
    column_type_label,
    cv_note,
    family_label,
    metric_label,
    status_label,
    task_label,
)
from studio.autopilot.service import request_stop, resume_run
from studio.autopilot.splits import describe_split
from studio.charts.autopilot import best_so_far_figure
from studio.context import Studio
from studio.escaping import markdown_text as md
from studio.i18n import _, format_number, use_language
from studio.jobs.launcher import ensure_local_worker
from studio.jobs.queue import sweep_stale_jobs
from studio.tracking import RunInfo, get_run, run_trials
from studio.ui.identity import current_user
from studio.ui.language import session_language
from studio.ui.shell import error_boundary

REFRESH_SECONDS = 2


def render_run(studio: Studio, run_id: int) -> None:
    """The run view; the live part refreshes itself while the run is active."""
    info = get_run(studio, run_id)
    if info.is_active:  # no worker may be alive (app restarted, worker killed): mend that
        sweep_stale_jobs(studio)
        ensure_local_worker(studio)
    st.subheader(_("Run {run}: {dataset} → {target}").format(
        run=info.id, dataset=md(info.dataset), target=md(info.target)
    ))  # fmt: skip
    st.caption(md(launched_line(info, info.config.get("task_reason", ""))))
    if info.positive_class is not None:
        st.caption(md(_("Positive class: '{label}' (F1, recall, ROC, gains and business value "
                        "are about it).").format(label=info.positive_class)))  # fmt: skip
    if types := info.config.get("column_types"):
        shown = ", ".join(f"{name} → {column_type_label(kind)}" for name, kind in types.items())
        st.caption(md(_("Column types set at launch: {types}").format(types=shown)))
    st.caption(md(describe_split(info.config)))
    _live(studio, run_id)


def launched_line(info: RunInfo, extra: str = "") -> str:
    """Task · metric · who launched the run and when (UTC) · ``extra`` (e.g. its task reason)."""
    values = {"task": task_label(info.task), "metric": metric_label(info.metric),
              "user": info.created_by, "when": f"{info.created_at:%Y-%m-%d %H:%M}"}  # fmt: skip
    line = _("{task} · {metric} · launched by {user} on {when} UTC").format(**values)
    return f"{line} · {extra}" if extra else line


@st.fragment(run_every=REFRESH_SECONDS)
def _live(studio: Studio, run_id: int) -> None:
    # a fragment's own reruns do not pass the page's top: speak the session's language here
    with use_language(session_language()), error_boundary("autopilot.live"):
        info = get_run(studio, run_id)
        _status(studio, info)
        _leaderboard(studio, info)
        left, right = st.columns([3, 2], gap="large")
        with left:
            st.plotly_chart(
                best_so_far_figure(info.best_history, metric_label(info.metric),
                                   info.baseline_score, info.elapsed_seconds()),
                width="stretch", key=f"auto_best_{run_id}",
            )  # fmt: skip
        with right:
            st.markdown(_("**Events**"))
            for at, level, text in info.events[:12]:
                icon = {"error": "✖", "warning": "!"}.get(level, "·")
                st.caption(f"{icon} {at:%H:%M:%S} {md(text)}")


def candidate_name(name: str, is_baseline: bool) -> str:
    """A candidate's name, marked when it is the baseline."""
    return _("{name} (baseline)").format(name=name) if is_baseline else name


def summary_cards(info: RunInfo, time_label: str, time_text: str) -> None:
    """Status, trials, best score against the baseline, and a time, as four metric cards."""
    cols = st.columns(4)
    cols[0].metric(_("Status"), status_label(info.status))
    cols[1].metric(_("Trials"), format_number(info.trials_done))
    best = "—" if info.best_score is None else f"{info.best_score:.4f}"
    gain = None
    if info.best_score is not None and info.baseline_score is not None:
        gain = _("{gain} vs baseline").format(gain=f"{info.best_score - info.baseline_score:+.4f}")
    cols[2].metric(_("Best CV {metric}").format(metric=metric_label(info.metric)), best, gain)
    cols[3].metric(time_label, time_text)


def _status(studio: Studio, info: RunInfo) -> None:
    budget = info.config.get("budget_seconds")
    elapsed = info.elapsed_seconds()
    seconds = format_number(round(elapsed))
    if budget:
        shown = _("{seconds} s of {budget}").format(
            seconds=seconds, budget=format_number(round(budget))
        )
    else:
        shown = _("{seconds} s").format(seconds=seconds)
    summary_cards(info, _("Elapsed"), shown)
    if info.is_active and budget:
        left = format_number(round(max(0.0, budget - elapsed)))
        st.progress(
            min(1.0, elapsed / budget), text=_("about {seconds} s left").format(seconds=left)
        )
    if info.message:
        (st.error if info.status == "failed" else st.info)(info.message)
    if info.status in ("queued", "running"):
        hint = _("End the search now, the trial in flight too; the best models are still refit.")
        if st.button(_("Stop"), key=f"auto_stop_{info.id}", help=hint):
            request_stop(studio, info.id, actor=current_user(studio.settings))
            st.rerun(scope="fragment")
    elif info.status in ("stopped", "failed") and st.button(
        _("Resume"), key=f"auto_resume_{info.id}"
    ):
        from studio.jobs.launcher import ensure_local_worker

        resume_run(studio, info.id, actor=current_user(studio.settings))
        ensure_local_worker(studio)
        st.rerun(scope="fragment")


def _leaderboard(studio: Studio, info: RunInfo) -> None:
    if info.leaderboard:
        if info.rounds > 1:
            st.markdown(_("**Leaderboard** (holdout scores of models refit on all training rows; "
                          "every round, best first)"))  # fmt: skip
        else:
            st.markdown(_("**Leaderboard** (holdout scores of models refit on all training rows)"))
        metric = metric_label(info.metric)
        rows = [
            {
                _("Rank"): c.rank,
                **({_("Round"): c.round} if info.rounds > 1 else {}),
                _("Candidate"): candidate_name(c.name, c.is_baseline),
                _("Family"): family_label(c.family),
                _("CV {metric}").format(metric=metric): f"{c.cv_score:.4f} ± {c.cv_std:.4f}",
                **{_("Holdout {metric}").format(metric=metric_label(k)): round(v, 4)
                   for k, v in c.holdout.items()},
                _("Fit (s)"): round(c.fit_seconds, 2),
                _("ms / 1k rows"): round(c.predict_ms_per_1k, 1),
                _("Size (MB)"): round(c.size_bytes / 2**20, 2),
            }
            for c in info.leaderboard
        ]  # fmt: skip
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
        for c in info.leaderboard:
            if note := cv_note(c.name, c.family, c.params):
                st.caption(md(note))
        best = info.leaderboard[0]
        st.page_link("pages/3_Experiments.py",
                     label=_("Diagnostics and comparisons in Experiments"),
                     query_params={"run": str(info.id)})  # fmt: skip
        st.download_button(
            _("Export {name} as a Python script").format(name=best.name),
            data=lambda: export_code(studio, info.id, best.name),
            file_name=f"studio_run{info.id}_{best.name}.py", mime="text/x-python",
            key=f"auto_export_{info.id}",
            help=_("A standalone scikit-learn script that rebuilds and trains this model on a "
                   "CSV."),
        )  # fmt: skip
        return
    trials = [t for t in run_trials(studio, info) if t.state == "complete"]
    trials.sort(key=lambda t: t.value, reverse=True)
    st.markdown(_("**Current leaderboard** (cross-validated trials)"))
    if not trials:
        st.caption(_("Waiting for the first trial…"))
        return
    frame = pd.DataFrame(
        {
            _("Trial"): [t.number for t in trials[:10]],
            _("Family"): [family_label(t.family) for t in trials[:10]],
            _("CV {metric}").format(metric=metric_label(info.metric)): [
                round(t.value, 4) for t in trials[:10]
            ],
            _("± (std)"): [round(t.std or 0.0, 4) for t in trials[:10]],
            _("Seconds"): [round(t.seconds or 0.0, 1) for t in trials[:10]],
        }
    )
    st.dataframe(frame, hide_index=True, width="stretch")

"""A run, live: progress against the budget, best-so-far chart, leaderboard and event log."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from studio.autopilot.export import export_code
from studio.autopilot.metrics import METRICS
from studio.autopilot.service import request_stop, resume_run
from studio.autopilot.splits import describe_split
from studio.charts.autopilot import best_so_far_figure
from studio.context import Studio
from studio.escaping import markdown_text as md
from studio.jobs.launcher import ensure_local_worker
from studio.jobs.queue import sweep_stale_jobs
from studio.tracking import RunInfo, get_run, run_trials
from studio.ui.identity import current_user
from studio.ui.shell import error_boundary

REFRESH_SECONDS = 2


def render_run(studio: Studio, run_id: int) -> None:
    """The run view; the live part refreshes itself while the run is active."""
    info = get_run(studio, run_id)
    if info.is_active:  # no worker may be alive (app restarted, worker killed): mend that
        sweep_stale_jobs(studio)
        ensure_local_worker(studio)
    st.subheader(f"Run {info.id}: {md(info.dataset)} → {md(info.target)}")
    st.caption(md(
        f"{info.task} · {info.metric_label} · launched by {info.created_by} on "
        f"{info.created_at:%Y-%m-%d %H:%M} UTC · {info.config.get('task_reason', '')}"
    ))  # fmt: skip
    if info.positive_class is not None:
        st.caption(md(f"Positive class: '{info.positive_class}' (F1, recall, ROC, gains and "
                      "business value are about it)."))  # fmt: skip
    if types := info.config.get("column_types"):
        shown = ", ".join(f"{name} → {kind}" for name, kind in types.items())
        st.caption(md(f"Column types set at launch: {shown}"))
    st.caption(md(describe_split(info.config)))
    _live(studio, run_id)


@st.fragment(run_every=REFRESH_SECONDS)
def _live(studio: Studio, run_id: int) -> None:
    with error_boundary("autopilot.live"):
        info = get_run(studio, run_id)
        _status(studio, info)
        _leaderboard(studio, info)
        left, right = st.columns([3, 2], gap="large")
        with left:
            st.plotly_chart(
                best_so_far_figure(info.best_history, info.metric_label, info.baseline_score,
                                   info.elapsed_seconds()),
                width="stretch", key=f"auto_best_{run_id}",
            )  # fmt: skip
        with right:
            st.markdown("**Events**")
            for at, level, text in info.events[:12]:
                icon = {"error": "✖", "warning": "!"}.get(level, "·")
                st.caption(f"{icon} {at:%H:%M:%S} {md(text)}")


def summary_cards(info: RunInfo, time_label: str, time_text: str) -> None:
    """Status, trials, best score against the baseline, and a time, as four metric cards."""
    cols = st.columns(4)
    cols[0].metric("Status", info.status)
    cols[1].metric("Trials", f"{info.trials_done:,}")
    best = "—" if info.best_score is None else f"{info.best_score:.4f}"
    gain = None
    if info.best_score is not None and info.baseline_score is not None:
        gain = f"{info.best_score - info.baseline_score:+.4f} vs baseline"
    cols[2].metric(f"Best CV {info.metric_label}", best, gain)
    cols[3].metric(time_label, time_text)


def _status(studio: Studio, info: RunInfo) -> None:
    budget = info.config.get("budget_seconds")
    elapsed = info.elapsed_seconds()
    summary_cards(info, "Elapsed", f"{elapsed:,.0f} s" + (f" of {budget:,.0f}" if budget else ""))
    if info.is_active and budget:
        left = max(0.0, budget - elapsed)
        st.progress(min(1.0, elapsed / budget), text=f"about {left:,.0f} s left")
    if info.message:
        (st.error if info.status == "failed" else st.info)(info.message)
    if info.status in ("queued", "running"):
        hint = "End the search now, the trial in flight too; the best models are still refit."
        if st.button("Stop", key=f"auto_stop_{info.id}", help=hint):
            request_stop(studio, info.id, actor=current_user(studio.settings))
            st.rerun(scope="fragment")
    elif info.status in ("stopped", "failed") and st.button(
        "Resume", key=f"auto_resume_{info.id}"
    ):
        from studio.jobs.launcher import ensure_local_worker

        resume_run(studio, info.id, actor=current_user(studio.settings))
        ensure_local_worker(studio)
        st.rerun(scope="fragment")


def _leaderboard(studio: Studio, info: RunInfo) -> None:
    if info.leaderboard:
        rounds = "; every round, best first" if info.rounds > 1 else ""
        st.markdown(
            f"**Leaderboard** (holdout scores of models refit on all training rows{rounds})"
        )
        rows = [
            {
                "Rank": c.rank,
                **({"Round": c.round} if info.rounds > 1 else {}),
                "Candidate": c.name + (" (baseline)" if c.is_baseline else ""),
                "Family": c.family,
                f"CV {info.metric_label}": f"{c.cv_score:.4f} ± {c.cv_std:.4f}",
                **{f"Holdout {METRICS[k].label}": round(v, 4) for k, v in c.holdout.items()},
                "Fit (s)": round(c.fit_seconds, 2),
                "ms / 1k rows": round(c.predict_ms_per_1k, 1),
                "Size (MB)": round(c.size_bytes / 2**20, 2),
            }
            for c in info.leaderboard
        ]
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
        for c in info.leaderboard:
            if c.cv_note:
                st.caption(md(f"{c.name}'s CV score is {c.cv_note}."))
        best = info.leaderboard[0]
        st.page_link("pages/3_Experiments.py", label="Diagnostics and comparisons in Experiments",
                     query_params={"run": str(info.id)})  # fmt: skip
        st.download_button(
            f"Export {best.name} as a Python script",
            data=lambda: export_code(studio, info.id, best.name),
            file_name=f"studio_run{info.id}_{best.name}.py", mime="text/x-python",
            key=f"auto_export_{info.id}",
            help="A standalone scikit-learn script that rebuilds and trains this model on a CSV.",
        )  # fmt: skip
        return
    trials = [t for t in run_trials(studio, info) if t.state == "complete"]
    trials.sort(key=lambda t: t.value, reverse=True)
    st.markdown("**Current leaderboard** (cross-validated trials)")
    if not trials:
        st.caption("Waiting for the first trial…")
        return
    frame = pd.DataFrame(
        {
            "Trial": [t.number for t in trials[:10]],
            "Family": [t.family for t in trials[:10]],
            f"CV {info.metric_label}": [round(t.value, 4) for t in trials[:10]],
            "± (std)": [round(t.std or 0.0, 4) for t in trials[:10]],
            "Seconds": [round(t.seconds or 0.0, 1) for t in trials[:10]],
        }
    )
    st.dataframe(frame, hide_index=True, width="stretch")

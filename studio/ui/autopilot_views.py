"""The Autopilot page: the launch form with Studio's decisions shown, and the run view."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from studio.autopilot.families import FAMILIES
from studio.autopilot.labels import family_label, metric_label, status_label, task_label
from studio.autopilot.metrics import METRICS
from studio.autopilot.service import (
    AutopilotRequest,
    RunPlan,
    launch_run,
    plan_run,
    plan_split_config,
)
from studio.autopilot.splits import describe_split, suggest_time_column
from studio.autopilot.tasks import suggest_target
from studio.context import Studio
from studio.data.versions import DatasetVersionInfo, list_datasets
from studio.escaping import markdown_text as md
from studio.i18n import N_, _, current_language, format_list, format_number, format_percent
from studio.jobs.launcher import ensure_local_worker
from studio.tracking import list_run_ids
from studio.ui.column_type_views import render_column_types, set_types
from studio.ui.identity import current_user
from studio.ui.run_views import render_run
from studio.ui.shell import error_boundary

TASK_CHOICES = ["auto", "binary", "multiclass", "regression"]
NO_TIME_COLUMN = "(none: a random holdout)"  # the option's value; shown translated
NO_TIME_COLUMN_TEXT = N_("(none: a random holdout)")


def render_autopilot_page(studio: Studio) -> None:
    """Draw the page: a run (from ?run=) or the launch form, plus recent runs."""
    st.title(_("Autopilot"))
    run_param = st.query_params.get("run")
    if run_param and run_param.isdigit():
        if st.button(_("← New run"), key="auto_new"):
            del st.query_params["run"]
            st.rerun()
        with error_boundary("autopilot.run"):
            render_run(studio, int(run_param))
        return
    with error_boundary("autopilot.form"):
        _render_form(studio)
    with error_boundary("autopilot.recent"):
        _render_recent(studio)


@st.cache_data(show_spinner=False, max_entries=32)
def _cached_plan(_studio: Studio, key: str, request: AutopilotRequest, lang: str) -> RunPlan:
    """The plan of ``request`` (its sentences in ``lang``, part of the cache key)."""
    return plan_run(_studio, request)


def _plan(studio: Studio, key: str, request: AutopilotRequest) -> RunPlan:
    return _cached_plan(studio, key, request, current_language())


def _render_form(studio: Studio) -> None:
    datasets = list_datasets(studio)
    if not datasets:
        st.info(_("No datasets yet: add one on the Data page, or load the demo datasets on Home."))
        return
    names = [d.name for d in datasets]
    left, right = st.columns(2)
    name = left.selectbox(_("Dataset"), names, key="auto_dataset")
    latest = next(d.latest for d in datasets if d.name == name)
    columns = [c.name for c in latest.profile.column_profiles]
    target = right.selectbox(
        _("Target column (what to predict)"), columns,
        index=columns.index(suggest_target(columns)), key=f"auto_target_{name}",
    )  # fmt: skip
    scope = f"{latest.ref}|{target}"
    with st.expander(_("Options"), expanded=False):
        request = replace(_options(latest, target), column_types=set_types(scope))
    plan = _plan(studio, f"{request}", request)
    if plan.task == "binary":
        request, plan = _positive_class(studio, request, plan, scope)
    _render_plan(plan)
    render_column_types(studio, plan, request, scope)
    if st.button(_("Launch autopilot"), type="primary", key="auto_launch"):
        run_id = launch_run(studio, request, actor=current_user(studio.settings))
        ensure_local_worker(studio)
        st.query_params["run"] = str(run_id)
        st.rerun()


def _time_column(version: DatasetVersionInfo, target: str) -> str | None:
    """The time column choice among the dataset's date columns: none until the user picks
    one (the only date column is labelled as the suggestion, and the plan says so too)."""
    dates = [c.name for c in version.profile.column_profiles
             if c.kind == "datetime" and c.name != target]  # fmt: skip
    if not dates:
        return None
    suggested = suggest_time_column(version.profile, target)
    options = [NO_TIME_COLUMN, *dates]
    chosen = st.selectbox(
        _("Time column (hold out the latest rows)"), options,
        key=f"auto_time_{version.ref}",
        format_func={c: _time_option(c, suggested) for c in options}.get,  # shown now
        help=_("The latest {share} of rows by this column become the holdout and the folds are "
               "time-ordered, so the scores say how the model does on the future. It is then not "
               "a feature (set its type to use it). None: a random holdout and shuffled folds.")
        .format(share=format_percent(0.2)),
    )  # fmt: skip
    return None if chosen == NO_TIME_COLUMN else chosen


def _time_option(column: str, suggested: str | None) -> str:
    """A time column option as shown: the none option translated, the suggestion marked."""
    if column == NO_TIME_COLUMN:
        return _(NO_TIME_COLUMN_TEXT)
    if column == suggested:
        return _("{column} (suggested: the only date column)").format(column=column)
    return column


def _options(version: DatasetVersionInfo, target: str) -> AutopilotRequest:
    ref = version.ref
    c1, c2, c3 = st.columns(3)
    tasks = {t: _("auto") if t == "auto" else task_label(t) for t in TASK_CHOICES}  # shown now
    task = c1.selectbox(_("Task"), TASK_CHOICES, key="auto_task", format_func=tasks.get,
                        help=_("auto: Studio decides from the target's values"))  # fmt: skip
    metrics = ["default"] + [m.name for m in METRICS.values() if task == "auto" or task in m.tasks]
    metric = c2.selectbox(
        _("Metric"), metrics, key="auto_metric",
        format_func={m: _("task default") if m == "default" else metric_label(m)
                     for m in metrics}.get,
    )  # fmt: skip
    budget = c3.number_input(_("Time budget (seconds)"), 5, 24 * 3600, 60, step=10,
                             key="auto_budget")  # fmt: skip
    c4, c5, c6 = st.columns(3)
    trials = c4.number_input(_("Maximum trials (0: no limit)"), 0, 100_000, 0, key="auto_trials")
    per_trial = c5.number_input(
        _("Time limit per trial (s; 0: half the budget)"), 0, 24 * 3600, 0, key="auto_per_trial"
    )
    seed = c6.number_input(_("Seed"), 0, 2**31 - 1, 0, key="auto_seed")
    families = st.multiselect(
        _("Model families (empty: all that suit the data)"), list(FAMILIES), key="auto_families",
        format_func={f: family_label(f) for f in FAMILIES}.get,
    )  # fmt: skip
    time_column = _time_column(version, target)
    return AutopilotRequest(
        dataset=ref, target=target, task=None if task == "auto" else task,
        metric=None if metric == "default" else metric, budget_seconds=float(budget),
        max_trials=int(trials) or None, families=families or None, seed=int(seed),
        per_trial_seconds=float(per_trial) or None, time_column=time_column,
    )  # fmt: skip


def _positive_class(
    studio: Studio, request: AutopilotRequest, plan: RunPlan, scope: str
) -> tuple[AutopilotRequest, RunPlan]:
    """The positive class picker of a binary target, opened at Studio's guess; its reason."""
    classes = list(plan.classes)
    chosen = st.selectbox(
        _("Positive class (the outcome to detect)"), classes, key=f"auto_positive_{scope}",
        index=classes.index(plan.positive_class),
        help=_("F1, precision, recall, the ROC curve, gains and business value are about it."),
    )  # fmt: skip
    if chosen != plan.positive_class:
        request = replace(request, positive_class=chosen)
        plan = _plan(studio, f"{request}", request)
    st.caption(md(plan.positive_reason))
    return request, plan


def _render_plan(plan: RunPlan) -> None:
    st.markdown(
        _(
            "**Task: {task}** — {reason} Optimising **{metric}** over {rows} rows with "
            "{families}."
        ).format(
            task=task_label(plan.task), reason=md(plan.task_reason),
            metric=md(metric_label(plan.metric)), rows=format_number(plan.rows),
            families=md(format_list([family_label(f) for f in plan.families])),
        )
    )  # fmt: skip
    split = describe_split(plan_split_config(plan))
    if plan.suggested_time_column and not plan.time_column:
        hint = _(
            "'{column}' is the only date column: choose it as the time column (Options) to hold "
            "out the latest rows and score the model on the future."
        ).format(column=plan.suggested_time_column)
        split = _("{split} {hint}").format(split=split, hint=hint)
    st.markdown(md(split))
    for note in plan.notes:
        st.warning(md(note))


def _render_recent(studio: Studio) -> None:
    from studio.tracking import get_run

    ids = list_run_ids(studio, limit=10)
    if not ids:
        return
    st.subheader(_("Recent runs"))
    for run_id in ids:
        info = get_run(studio, run_id, events=0)
        values = {"run": run_id, "dataset": info.dataset, "target": info.target,
                  "status": status_label(info.status)}  # fmt: skip
        if info.best_score is None:
            label = _("Run {run} · {dataset} → {target} · {status}").format(**values)
        else:
            label = _("Run {run} · {dataset} → {target} · {status} · best {metric} {score}")
            label = label.format(
                **values, metric=metric_label(info.metric), score=f"{info.best_score:.4f}"
            )
        st.page_link("pages/2_Autopilot.py", query_params={"run": str(run_id)}, label=label)

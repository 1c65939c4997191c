"""The Experiments page: the runs list, and routing to a run or a comparison.

The URL holds the whole view: ``?run=ID`` opens a run, ``?compare=ID,ID`` a comparison, and
the list's filters are widgets bound to query parameters, so a link reproduces what was seen.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from studio.autopilot.metrics import TASKS
from studio.context import Studio
from studio.experiments.annotations import all_tags
from studio.experiments.runs import (
    SORTS,
    STATUSES,
    RunFilter,
    RunPage,
    dataset_names_with_runs,
    sort_name,
    status_name,
    task_name,
)
from studio.experiments.runs import list_runs as query_runs
from studio.i18n import _, format_number
from studio.ui.shell import error_boundary

PAGE_SIZE = 25


def render_experiments_page(studio: Studio) -> None:
    """Draw the list, a run (``?run=``) or a comparison (``?compare=``)."""
    st.title(_("Experiments"))
    compare_param, run_param = st.query_params.get("compare"), st.query_params.get("run")
    if compare_param is not None:
        from studio.ui.compare_views import render_compare

        with error_boundary("experiments.compare"):
            render_compare(studio, compare_param)
        return
    if run_param is not None:
        from studio.ui.run_detail_views import render_run_detail

        with error_boundary("experiments.run"):
            render_run_detail(studio, run_param)
        return
    with error_boundary("experiments.list"):
        _render_list(studio)


def _filters(studio: Studio) -> RunFilter:
    top = st.columns([3, 2, 2, 2])
    hint = _("dataset, target, user, tag, note or run id")
    text = top[0].text_input(_("Search"), key="q", bind="query-params", placeholder=hint)
    datasets = top[1].multiselect(_("Dataset"), dataset_names_with_runs(studio), key="dataset",
                                  bind="query-params")  # fmt: skip
    # option labels built now, in this run's language (AppTest calls format_func later)
    status_names = {s: status_name(s) for s in STATUSES}
    sort_names = {s: sort_name(s) for s in SORTS}
    task_names = {t: task_name(t) for t in TASKS}
    statuses = top[2].multiselect(_("Status"), STATUSES, format_func=status_names.get,
                                  key="status", bind="query-params")  # fmt: skip
    sort = top[3].selectbox(_("Sort"), list(SORTS), format_func=sort_names.get, key="sort",
                            bind="query-params")  # fmt: skip
    more = st.columns([2, 2, 2, 2, 2])
    tasks = more[0].multiselect(_("Task"), TASKS, format_func=task_names.get, key="task",
                                bind="query-params")  # fmt: skip
    tags = more[1].multiselect(_("Tags"), all_tags(studio), key="tag", bind="query-params")
    since = more[2].date_input(_("Launched from"), value=None, key="since", bind="query-params")
    until = more[3].date_input(_("Launched until"), value=None, key="until", bind="query-params")
    threshold = more[4].number_input(
        _("Best score at least"), value=None, key="min", bind="query-params", format="%.4f",
        help=_("The best cross-validated score in each run's own metric (for log loss and "
               "errors: at most)."),
    )  # fmt: skip
    return RunFilter(
        datasets=tuple(datasets), tasks=tuple(tasks), statuses=tuple(statuses),
        tags=tuple(tags), since=since, until=until, threshold=threshold, text=text or "",
        sort=sort or "newest", page=_page_number(), page_size=PAGE_SIZE,
    )  # fmt: skip


def _page_number() -> int:
    raw = st.query_params.get("page", "1")
    return int(raw) if raw.isdigit() and int(raw) > 0 else 1


def _render_list(studio: Studio) -> None:
    page = query_runs(studio, _filters(studio))
    if page.total == 0:
        if page.filter == RunFilter(page=page.filter.page, page_size=PAGE_SIZE):
            st.info(_("No runs yet: launch one on the Autopilot page."))
        else:
            st.warning(
                _("No run matches these filters; clear a filter or the search to see more.")
            )
        return
    st.caption(
        _("{count} run(s) · page {page} of {pages} · select a row to open it").format(
            count=format_number(page.total), page=page.page, pages=page.pages
        )
    )
    selected = st.dataframe(
        _table(page), hide_index=True, width="stretch", key="exp_runs_table",
        on_select="rerun", selection_mode="single-row",
        column_config={
            _("Best CV"): st.column_config.NumberColumn(format="%.4f"),
            _("Launched"): st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm"),
        },
    )  # fmt: skip
    rows = selected.selection.rows if selected else []
    if rows:
        st.query_params["run"] = str(page.rows[rows[0]].id)
        st.rerun()
    _pager(page)


def _table(page: RunPage) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                _("Run"): r.id, _("Dataset"): r.dataset, _("Target"): r.target,
                _("Task"): task_name(r.task), _("Status"): status_name(r.status),
                _("Metric"): _(r.metric_label), _("Best CV"): r.best_score,
                _("Trials"): r.trials, _("Duration (s)"): round(r.seconds, 1),
                _("Launched"): r.created_at.replace(tzinfo=None), _("By"): r.created_by,
                _("Tags"): ", ".join(r.tags),
            }
            for r in page.rows
        ]
    )  # fmt: skip


def _pager(page: RunPage) -> None:
    if page.pages == 1:
        return
    left, _middle, right = st.columns([1, 4, 1])
    if page.page > 1 and left.button(_("← Previous"), key="exp_prev"):
        st.query_params["page"] = str(page.page - 1)
        st.rerun()
    if page.page < page.pages and right.button(_("Next →"), key="exp_next"):
        st.query_params["page"] = str(page.page + 1)
        st.rerun()

"""The Business page: candidates or a registered model in money and customers, a generated
summary, presentation mode for a projector, and the HTML report.

The URL holds the whole view (``studio.business.link``): the run and candidates or the model
and version, the values, and ``present``; a link opened in a new tab shows the same analysis,
and a link to something that cannot be shown says so in one sentence.
"""

from __future__ import annotations

from contextlib import nullcontext

import streamlit as st

from studio.business.link import BusinessLink, candidate_params, read_link, value_params
from studio.business.service import business_view, candidate_choices, model_view, valued_runs
from studio.business.summary import BusinessView
from studio.business.value import CostMatrix
from studio.context import Studio
from studio.errors import NotFoundError
from studio.escaping import html_line
from studio.escaping import markdown_text as md
from studio.i18n import N_, _, format_list
from studio.ui.business_charts_views import render_charts, render_numbers
from studio.ui.business_report_views import offer_report
from studio.ui.links import keep_in_link
from studio.ui.model_picker import pick_version
from studio.ui.shell import error_boundary
from studio.ui.threshold_views import offer_threshold

# What the page can value (English values, shown translated).
SOURCES = (N_("Candidates of a run"), N_("A registered model"))


def render_business_page(studio: Studio) -> None:
    """Pick what to value, set the values, read the answer (or present it)."""
    present = st.toggle(
        _("Presentation mode"), key="present", bind="query-params",
        help=_("A clean, wide view for a projector: big numbers, the recommendation, the "
               "charts that matter; details folded."),
    )  # fmt: skip
    if present:
        _hide_chrome()
    else:
        st.title(_("Business view"))
    with error_boundary("business"):
        link = read_link(st.query_params)
        # while presenting, the choices are folded away above the answer
        with st.expander(_("What is shown"), expanded=False) if present else nullcontext():
            source = _pick_source(link)
            chosen = (
                _pick_candidates(studio, link) if source == SOURCES[0] else _pick_model(studio)
            )
            if chosen is None:
                return
            picked, task = chosen
            matrix, tolerance, relative = _values(present, task, link)
        keep_in_link(value_params(task, matrix, tolerance, relative))
        view = _view(studio, source, picked, matrix, tolerance, relative)
        if present:
            _present(view)
        else:
            _full(studio, view, source, picked, (matrix, tolerance, relative))


def _pick_source(link: BusinessLink) -> str:
    """Which of ``SOURCES`` to value (the English value; the radio shows it translated)."""
    shown = [_(s) for s in SOURCES]
    picked = st.radio(_("What to value"), shown, horizontal=True, key="biz_source",
                      index=1 if link.model else 0)  # fmt: skip
    return SOURCES[shown.index(picked)]


def _pick_candidates(studio: Studio, link: BusinessLink) -> tuple[list[int], str] | None:
    runs = valued_runs(studio, link.run)
    if not runs:
        st.info(_("No finished or stopped run yet: start one on the Autopilot page."))
        return None
    by_id = {r.id: r for r in runs}
    ids = list(by_id)
    run_id = st.selectbox(
        _("Run"), ids, key="biz_run", index=ids.index(link.run) if link.run in by_id else 0,
        format_func={r.id: r.label for r in runs}.get,  # built now, in this run's language
    )  # fmt: skip
    options = dict(candidate_choices(studio, run_id))
    if not options:
        st.info(
            _(
                "Run {run}'s candidates have no holdout diagnostics yet (they are computed when "
                "a run ends); open the run on the Experiments page to compute them."
            ).format(run=run_id)
        )
        return None
    asked = list(link.candidates) if run_id == link.run else []
    unknown = [str(c) for c in asked if c not in options]
    if unknown:
        raise NotFoundError(
            _(
                "The link names candidate {candidates}, which cannot be valued with run {run}: "
                "it does not exist, was trained on other data or has no holdout diagnostics yet."
            ).format(candidates=format_list(unknown), run=run_id)
        )
    chosen = st.multiselect(
        _("Candidates (up to 8, same data and target)"), list(options),
        default=asked or list(options)[:2], format_func=options.get,
        key=f"biz_candidates_{run_id}", max_selections=8,
    )  # fmt: skip
    if not chosen:
        st.info(_("Pick at least one candidate."))
        return None
    keep_in_link(candidate_params(run_id, chosen))
    return chosen, by_id[run_id].task


def _pick_model(studio: Studio) -> tuple[str, str] | None:
    keep_in_link({"run": None, "candidates": None})
    picked = pick_version(
        studio, "biz", _("No registered model yet: register one on the Models page.")
    )
    return None if picked is None else (picked[1].ref, picked[1].task)


def _values(present: bool, task: str, link: BusinessLink) -> tuple[CostMatrix, float, bool]:
    """The cost/benefit matrix and population (binary) or the tolerance (regression), starting
    from the link's values."""
    matrix, tolerance, relative = CostMatrix(), 0.1, True
    if task == "multiclass":
        return matrix, tolerance, relative
    title = _("Values and population") if task == "binary" else _("Tolerance")
    with st.expander(title, expanded=not present):
        if task == "binary":
            matrix = _matrix_inputs(link.matrix())
        else:
            left, right = st.columns(2)
            asked = link.relative if link.relative is not None else True
            relative = left.toggle(_("As a share of the actual value"), value=asked,
                                   key="biz_relative")  # fmt: skip
            start = 0.1 if relative else 1.0
            if link.tolerance is not None and relative == asked:
                start = link.tolerance
            tolerance = right.number_input(
                _("Tolerance (share, 0.1 = ±10%)") if relative else _("Tolerance (target units)"),
                min_value=0.0, value=start, key=f"biz_tol_{relative}",
            )  # fmt: skip
    return matrix, float(tolerance), relative


def _matrix_inputs(start: CostMatrix) -> CostMatrix:
    """The six inputs of a binary view, starting from ``start`` (the link's values)."""
    cols = st.columns(6)
    inputs = (
        (_("True positive"), "tp", 10.0, _("Value of acting on a real positive (a benefit).")),
        (_("False positive"), "fp", 5.0, _("Value of acting for nothing (a cost is negative).")),
        (_("False negative"), "fn", 5.0, _("Value of missing a positive (often 0 when the true "
         "positive value already counts the benefit).")),
        (_("True negative"), "tn", 5.0, _("Value of rightly doing nothing.")),
    )  # fmt: skip
    values = [
        col.number_input(
            label, value=float(getattr(start, name)), step=step, key=f"biz_{name}", help=help_text
        )  # fmt: skip
        for col, (label, name, step, help_text) in zip(cols, inputs, strict=False)
    ]
    population = cols[4].number_input(
        _("Population (cases)"), min_value=1, value=start.population, step=1_000,
        key="biz_population",
    )  # fmt: skip
    unit = cols[5].text_input(_("Unit"), value=start.unit, max_chars=12, key="biz_unit")
    st.caption(_("Values per case, in your unit; costs are negative."))
    return CostMatrix(*values, int(population), unit.strip() or "$")


def _view(
    studio: Studio, source: str, picked: list[int] | str, matrix: CostMatrix,
    tolerance: float, relative: bool,
) -> BusinessView:  # fmt: skip
    if source == SOURCES[0]:
        return business_view(studio, list(picked), matrix, tolerance, relative)
    return model_view(studio, str(picked), matrix, tolerance, relative)


def _full(
    studio: Studio, view: BusinessView, source: str, picked: list[int] | str, values: tuple
) -> None:
    st.success(md(view.recommendation))
    st.markdown("\n".join(f"- {md(s)}" for s in view.sentences))
    render_numbers(view)
    if source == SOURCES[1]:
        offer_threshold(studio, view, str(picked))
    render_charts(view, "biz")
    offer_report(studio, source == SOURCES[0], picked, values, view.names[0])


def _present(view: BusinessView) -> None:
    first = view.entries[0]
    # HTML markup around data (target, dataset) and the translated recommendation
    st.markdown(  # i18n: keep
        f"<h1 style='font-size:2.6rem;margin-bottom:0'>{html_line(first.target)} · "
        f"{html_line(first.dataset)}</h1>",
        unsafe_allow_html=True,
    )
    st.markdown(  # i18n: keep
        f"<p style='font-size:1.9rem;line-height:1.35;margin:0.6rem 0 1.2rem 0'>"
        f"{html_line(view.recommendation)}</p>",
        unsafe_allow_html=True,
    )
    render_numbers(view, big=True)
    render_charts(view, "biz_present", compact=True)
    with st.expander(_("Technical detail")):
        st.markdown("\n".join(f"- {md(s)}" for s in view.sentences))


def _hide_chrome() -> None:
    """Hide the sidebar and header and enlarge metrics for a projector."""
    st.markdown(  # i18n: keep (CSS, no words)
        """<style>
        [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
        header[data-testid="stHeader"] {display: none;}
        [data-testid="stMainBlockContainer"] {padding-top: 1.5rem; max-width: 100%;}
        [data-testid="stMetricValue"] {font-size: 3rem;}
        [data-testid="stMetricLabel"] p {font-size: 1.1rem;}
        </style>""",
        unsafe_allow_html=True,
    )

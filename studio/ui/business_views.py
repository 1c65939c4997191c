"""The Business page: candidates or a registered model in money and customers, a generated
summary, presentation mode for a projector, and the HTML report."""

from __future__ import annotations

from contextlib import nullcontext

import streamlit as st

from studio.business.service import business_view, candidate_choices, model_view
from studio.business.summary import BusinessView
from studio.business.value import CostMatrix
from studio.context import Studio
from studio.experiments.runs import RunFilter, list_runs
from studio.ui.business_charts_views import render_charts, render_numbers
from studio.ui.business_report_views import offer_report
from studio.ui.model_picker import pick_version
from studio.ui.shell import error_boundary

SOURCES = ("Candidates of a run", "A registered model")


def render_business_page(studio: Studio) -> None:
    """Pick what to value, set the values, read the answer (or present it)."""
    present = st.toggle(
        "Presentation mode", key="present", bind="query-params",
        help="A clean, wide view for a projector: big numbers, the recommendation, the charts "
        "that matter; details folded.",
    )  # fmt: skip
    if present:
        _hide_chrome()
    else:
        st.title("Business view")
    with error_boundary("business"):
        # while presenting, the choices are folded away above the answer
        with st.expander("What is shown", expanded=False) if present else nullcontext():
            source = st.radio("What to value", SOURCES, horizontal=True, key="biz_source")
            chosen = _pick_candidates(studio) if source == SOURCES[0] else _pick_model(studio)
            if chosen is None:
                return
            picked, task = chosen
            matrix, tolerance, relative = _values(present, task)
        view = _view(studio, source, picked, matrix, tolerance, relative)
        if present:
            _present(view)
        else:
            _full(studio, view, source, picked, (matrix, tolerance, relative))


def _pick_candidates(studio: Studio) -> tuple[list[int], str] | None:
    runs = list(list_runs(studio, RunFilter(statuses=("finished",), page_size=100)).rows)
    if not runs:
        st.info("No finished run yet: start one on the Autopilot page.")
        return None
    by_id = {r.id: r for r in runs}
    run_id = st.selectbox(
        "Run", list(by_id), key="biz_run", index=_asked_run(list(by_id)),
        format_func=lambda i: f"run {i} · {by_id[i].dataset} → {by_id[i].target}",
    )  # fmt: skip
    options = dict(candidate_choices(studio, run_id))
    if not options:
        st.info(
            f"Run {run_id}'s candidates have no holdout diagnostics yet (they are computed when "
            "a run finishes); open the run on the Experiments page to compute them."
        )
        return None
    asked = [int(p) for p in st.query_params.get("candidates", "").split(",") if p.isdigit()]
    default = [cid for cid in asked if cid in options] or list(options)[:2]
    chosen = st.multiselect(
        "Candidates (up to 8, same data and target)", list(options), default=default,
        format_func=options.get, key=f"biz_candidates_{run_id}", max_selections=8,
    )  # fmt: skip
    if not chosen:
        st.info("Pick at least one candidate.")
        return None
    return chosen, by_id[run_id].task


def _asked_run(ids: list[int]) -> int:
    """The position of the run a link names (``?run=ID``), else the newest."""
    asked = st.query_params.get("run", "")
    return ids.index(int(asked)) if asked.isdigit() and int(asked) in ids else 0


def _pick_model(studio: Studio) -> tuple[str, str] | None:
    picked = pick_version(
        studio, "biz", "No registered model yet: register one on the Models page."
    )
    return None if picked is None else (picked[1].ref, picked[1].task)


def _values(present: bool, task: str) -> tuple[CostMatrix, float, bool]:
    """The cost/benefit matrix and population (binary) or the tolerance (regression)."""
    matrix, tolerance, relative = CostMatrix(), 0.1, True
    if task == "multiclass":
        return matrix, tolerance, relative
    title = "Values and population" if task == "binary" else "Tolerance"
    with st.expander(title, expanded=not present):
        if task == "binary":
            matrix = _matrix_inputs()
        else:
            left, right = st.columns(2)
            relative = left.toggle("As a share of the actual value", value=True,
                                   key="biz_relative")  # fmt: skip
            tolerance = right.number_input(
                "Tolerance" + (" (share, 0.1 = ±10%)" if relative else " (target units)"),
                min_value=0.0, value=0.1 if relative else 1.0, key=f"biz_tol_{relative}",
            )  # fmt: skip
    return matrix, float(tolerance), relative


def _matrix_inputs() -> CostMatrix:
    cols = st.columns(6)
    tp = cols[0].number_input(
        "True positive",
        value=100.0,
        step=10.0,
        key="biz_tp",
        help="Value of acting on a real positive (a benefit).",
    )
    fp = cols[1].number_input(
        "False positive",
        value=-20.0,
        step=5.0,
        key="biz_fp",
        help="Value of acting for nothing (a cost is negative).",
    )
    fn = cols[2].number_input(
        "False negative",
        value=0.0,
        step=5.0,
        key="biz_fn",
        help="Value of missing a positive (often 0 when the true "
        "positive value already counts the benefit).",
    )
    tn = cols[3].number_input(
        "True negative", value=0.0, step=5.0, key="biz_tn", help="Value of rightly doing nothing."
    )
    population = cols[4].number_input(
        "Population (cases)", min_value=1, value=10_000, step=1_000, key="biz_population"
    )
    unit = cols[5].text_input("Unit", value="$", max_chars=12, key="biz_unit")
    st.caption("Values per case, in your unit; costs are negative.")
    return CostMatrix(tp, fp, fn, tn, int(population), unit.strip() or "$")


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
    st.success(view.recommendation)
    st.markdown("\n".join(f"- {s}" for s in view.sentences))
    render_numbers(view)
    render_charts(view, "biz")
    offer_report(studio, source == SOURCES[0], picked, values)


def _present(view: BusinessView) -> None:
    first = view.entries[0]
    st.markdown(
        f"<h1 style='font-size:2.6rem;margin-bottom:0'>{first.target} · {first.dataset}</h1>",
        unsafe_allow_html=True,
    )
    st.markdown(
        f"<p style='font-size:1.9rem;line-height:1.35;margin:0.6rem 0 1.2rem 0'>"
        f"{_escape(view.recommendation)}</p>",
        unsafe_allow_html=True,
    )
    render_numbers(view, big=True)
    render_charts(view, "biz_present", compact=True)
    with st.expander("Technical detail"):
        st.markdown("\n".join(f"- {s}" for s in view.sentences))


def _escape(text: str) -> str:
    import html

    return html.escape(text)


def _hide_chrome() -> None:
    """Hide the sidebar and header and enlarge metrics for a projector."""
    st.markdown(
        """<style>
        [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
        header[data-testid="stHeader"] {display: none;}
        [data-testid="stMainBlockContainer"] {padding-top: 1.5rem; max-width: 100%;}
        [data-testid="stMetricValue"] {font-size: 3rem;}
        [data-testid="stMetricLabel"] p {font-size: 1.1rem;}
        </style>""",
        unsafe_allow_html=True,
    )

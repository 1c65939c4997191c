"""The Business page's big numbers and charts, per task."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from studio.business.summary import BusinessView
from studio.business.value import within_curve
from studio.charts.business import (
    class_recall_figure,
    gains_figure,
    lift_figure,
    profit_figure,
    tolerance_figure,
)
from studio.escaping import markdown_text as md

PER_ROW = 4


def render_numbers(view: BusinessView, big: bool = False) -> None:
    """One card per candidate: value per 1,000 cases, errors, or accuracy per class."""
    shown = list(range(len(view.names)))
    if view.task == "binary":  # the most valuable first
        shown.sort(key=lambda i: -view.curves[i].best_value)
    shown = shown[:PER_ROW]
    cols = st.columns(len(shown))
    for col, i in zip(cols, shown, strict=True):
        with col:
            if view.task == "binary":
                _binary_card(view, i, big)
            elif view.task == "regression":
                _regression_card(view, i)
            else:
                _multiclass_card(view, i)


def _binary_card(view: BusinessView, i: int, big: bool) -> None:
    curve, matrix = view.curves[i], view.matrix
    st.metric(
        md(f"{view.names[i]}: value per 1,000 cases"),
        matrix.money(curve.best_value),
        help=md(
            f"On the holdout, at threshold {curve.best_threshold:.2f} (chosen "
            f"{curve.chosen_on}); for {matrix.population:,} cases: "
            f"{matrix.money(curve.for_population(matrix.population))}."
        ),
    )
    low, high = view.value_intervals[i]
    st.caption(
        md(
            f"95% interval {matrix.money(low)} to {matrix.money(high)} · "
            f"threshold {curve.best_threshold:.2f} (chosen {curve.chosen_on}) · "
            f"acts on {curve.flagged[curve.best]:.0%} · "
            f"catches {curve.recall[curve.best]:.0%} of '{view.positive_label}' · "
            f"{matrix.money(curve.for_population(matrix.population))} for "
            f"{matrix.population:,} cases"
        )
    )
    if big:
        st.metric(
            md(f"for {matrix.population:,} cases"),
            matrix.money(curve.for_population(matrix.population)),
        )


def _regression_card(view: BusinessView, i: int) -> None:
    value = view.regression[i]
    band = f"±{value.tolerance:.0%}" if value.relative else f"±{value.tolerance:,.4g}"
    st.metric(md(f"{view.names[i]}: predictions within {band}"), f"{value.within:.0%}")
    st.caption(
        md(
            f"off by {value.mean_absolute_error:,.4g} on average (median "
            f"{value.median_absolute_error:,.4g}) in '{view.entries[i].target}'"
        )
    )


def _multiclass_card(view: BusinessView, i: int) -> None:
    accuracy = view.entries[i].holdout.get("accuracy")
    st.metric(md(f"{view.names[i]}: right"), "—" if accuracy is None else f"{accuracy:.0%}")
    worst = min(view.classes[i], key=lambda q: q.recall if q.recall is not None else 1)
    st.caption(md(f"weakest class: '{worst.label}' ({worst.recall or 0:.0%} found)"))


def render_charts(view: BusinessView, key: str, compact: bool = False) -> None:
    """The charts that matter for the task (two side by side in presentation mode)."""
    if view.task == "binary":
        figures = [
            profit_figure(view.names, view.curves, view.matrix),
            gains_figure(view.names, view.gains, view.positive_label or "positive"),
            lift_figure(view.names, view.gains),
        ]
        titles = ["Profit curve", "Cumulative gains", "Lift"]
    elif view.task == "regression":
        first = view.regression[0]
        upto = max(first.tolerance * 3, 1e-9)
        curves = [
            within_curve(e.diagnostics["curves"], first.relative, upto) for e in view.entries
        ]
        figures = [tolerance_figure(view.names, curves, first.tolerance, first.relative)]
        titles = ["Within tolerance"]
    else:
        figures = [class_recall_figure(view.names, view.classes)]
        titles = ["Classes found"]
        _class_table(view)
    if compact:
        cols = st.columns(min(2, len(figures)))
        for n, (col, fig) in enumerate(zip(cols, figures, strict=False)):
            col.plotly_chart(fig, width="stretch", key=f"{key}_chart_{n}")
        return
    for n, (tab, fig) in enumerate(zip(st.tabs(titles), figures, strict=True)):
        tab.plotly_chart(fig, width="stretch", key=f"{key}_chart_{n}")


def _class_table(view: BusinessView) -> None:
    rows = []
    for name, quality in zip(view.names, view.classes, strict=True):
        for q in quality:
            rows.append({"Candidate": name, "Class": q.label, "Cases": q.support,
                         "Right when it says so": q.precision, "Found": q.recall})  # fmt: skip
    st.dataframe(
        pd.DataFrame(rows),
        hide_index=True,
        width="stretch",
        column_config={
            "Right when it says so": st.column_config.NumberColumn(format="percent"),
            "Found": st.column_config.NumberColumn(format="percent"),
        },
    )

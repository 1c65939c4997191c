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
from studio.i18n import N_, _, format_number, format_percent

PER_ROW = 4
# Where a threshold was chosen (stored values), as people read them.
CHOSEN_ON = {"out-of-fold": N_("out-of-fold"), "holdout": N_("holdout")}


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
    money, population = matrix.money, format_number(matrix.population)
    total = money(curve.for_population(matrix.population))
    threshold = f"{curve.best_threshold:.2f}"
    chosen_on = _(CHOSEN_ON.get(curve.chosen_on, curve.chosen_on))
    st.metric(
        md(_("{name}: value per 1,000 cases").format(name=view.names[i])),
        money(curve.best_value),
        help=md(
            _(
                "On the holdout, at threshold {threshold} (chosen {chosen_on}); for "
                "{population} cases: {total}."
            ).format(threshold=threshold, chosen_on=chosen_on, population=population, total=total)
        ),
    )
    low, high = view.value_intervals[i]
    st.caption(
        md(
            _(
                "{confidence} interval {low} to {high} · threshold {threshold} (chosen "
                "{chosen_on}) · acts on {flagged} · catches {recall} of '{positive}' · {total} "
                "for {population} cases"
            ).format(
                confidence=format_percent(0.95),
                low=money(low),
                high=money(high),
                threshold=threshold,
                chosen_on=chosen_on,
                flagged=format_percent(curve.flagged[curve.best]),
                recall=format_percent(curve.recall[curve.best]),
                positive=view.positive_label,
                total=total,
                population=population,
            )  # fmt: skip
        )
    )
    if big:
        st.metric(md(_("for {population} cases").format(population=population)), total)


def _regression_card(view: BusinessView, i: int) -> None:
    value = view.regression[i]
    band = f"±{format_percent(value.tolerance)}" if value.relative else f"±{value.tolerance:,.4g}"
    label = _("{name}: predictions within {band}").format(name=view.names[i], band=band)
    st.metric(md(label), format_percent(value.within))
    st.caption(
        md(
            _("off by {mean} on average (median {median}) in '{target}'").format(
                mean=f"{value.mean_absolute_error:,.4g}",
                median=f"{value.median_absolute_error:,.4g}",
                target=view.entries[i].target,
            )
        )
    )


def _multiclass_card(view: BusinessView, i: int) -> None:
    accuracy = view.entries[i].holdout.get("accuracy")
    shown = "—" if accuracy is None else format_percent(accuracy)
    st.metric(md(_("{name}: right").format(name=view.names[i])), shown)
    worst = min(view.classes[i], key=lambda q: q.recall if q.recall is not None else 1)
    st.caption(
        md(
            _("weakest class: '{label}' ({recall} found)").format(
                label=worst.label, recall=format_percent(worst.recall or 0)
            )
        )
    )


def render_charts(view: BusinessView, key: str, compact: bool = False) -> None:
    """The charts that matter for the task (two side by side in presentation mode)."""
    if view.task == "binary":
        figures = [
            profit_figure(view.names, view.curves, view.matrix),
            gains_figure(view.names, view.gains, view.positive_label or _("positive")),
            lift_figure(view.names, view.gains),
        ]
        titles = [_("Profit curve"), _("Cumulative gains"), _("Lift")]
    elif view.task == "regression":
        first = view.regression[0]
        upto = max(first.tolerance * 3, 1e-9)
        curves = [
            within_curve(e.diagnostics["curves"], first.relative, upto) for e in view.entries
        ]
        figures = [tolerance_figure(view.names, curves, first.tolerance, first.relative)]
        titles = [_("Within tolerance")]
    else:
        figures = [class_recall_figure(view.names, view.classes)]
        titles = [_("Classes found")]
        _class_table(view)
    if compact:
        cols = st.columns(min(2, len(figures)))
        for n, (col, fig) in enumerate(zip(cols, figures, strict=False)):
            col.plotly_chart(fig, width="stretch", key=f"{key}_chart_{n}")
        return
    for n, (tab, fig) in enumerate(zip(st.tabs(titles), figures, strict=True)):
        tab.plotly_chart(fig, width="stretch", key=f"{key}_chart_{n}")


def _class_table(view: BusinessView) -> None:
    right, found = _("Right when it says so"), _("Found")
    rows = []
    for name, quality in zip(view.names, view.classes, strict=True):
        for q in quality:
            rows.append({_("Candidate"): name, _("Class"): q.label, _("Cases"): q.support,
                         right: q.precision, found: q.recall})  # fmt: skip
    st.dataframe(
        pd.DataFrame(rows),
        hide_index=True,
        width="stretch",
        column_config={
            right: st.column_config.NumberColumn(format="percent"),
            found: st.column_config.NumberColumn(format="percent"),
        },
    )

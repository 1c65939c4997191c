"""Rendering one candidate's stored holdout diagnostics (shared by the run and compare views)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from studio.charts import diagnostics as charts
from studio.escaping import markdown_text as md
from studio.i18n import _, format_number


def render_diagnostics(data: dict[str, Any], metric_label: str, key: str) -> None:
    """Curves and explanations of one candidate, two figures per row."""
    curves = data["curves"]
    st.caption(
        _("Computed once on the {n} holdout rows the search never saw.").format(
            n=format_number(data["rows"])
        )
    )
    figures = _regression(curves) if data["task"] == "regression" else _classification(curves)
    explain = data.get("explain", {})
    if explain.get("importance"):
        figures.append(charts.importance_figure(explain["importance"], metric_label))
    figures += [charts.dependence_figure(entry) for entry in explain.get("dependence", [])]
    for problem in explain.get("problems", []):
        st.caption(md(problem))
    for start in range(0, len(figures), 2):
        cols = st.columns(2)
        for offset, figure in enumerate(figures[start : start + 2]):
            cols[offset].plotly_chart(figure, width="stretch", key=f"{key}_{start + offset}")


def _classification(curves: dict[str, Any]) -> list:
    figures = []
    if "roc" in curves:
        figures += [charts.roc_figure([(_("holdout"), curves["roc"])]),
                    charts.pr_figure([(_("holdout"), curves["pr"])])]  # fmt: skip
    elif curves.get("per_class"):
        classes = list(curves["per_class"])
        figures += [
            charts.roc_figure([(c, curves["per_class"][c]["roc"]) for c in classes]),
            charts.pr_figure([(c, curves["per_class"][c]["pr"]) for c in classes]),
        ]
    figures.append(charts.confusion_figure(curves["confusion"], curves["labels"],
                                           _("Confusion matrix (holdout)")))  # fmt: skip
    if "calibration" in curves:
        figures.append(charts.calibration_figure([(_("holdout"), curves["calibration"])]))
    if "thresholds" in curves:
        figures.append(charts.threshold_figure(curves["thresholds"], curves["positive_label"]))
    return figures


def _regression(curves: dict[str, Any]) -> list:
    return [
        charts.predicted_actual_figure([(_("holdout"), curves)]),
        charts.residual_figure([(_("holdout"), curves)]),
        charts.residual_histogram_figure(curves),
    ]

"""Holdout diagnostics figures (pure: stored diagnostics in, ``go.Figure`` out).

Curve builders take a list of ``(name, curve)`` pairs so one builder draws a single candidate
on the run page and several overlaid on the compare view.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go

from studio.charts import WHITE
from studio.i18n import _, format_number

PALETTE = ("#4C78A8", "#F58518", "#54A24B", "#E45756", "#72B7B2", "#B279A2", "#FF9DA6", "#9D755D")
GUIDE = "#9AA3AF"
Named = Sequence[tuple[str, dict[str, Any]]]


def layout(fig: go.Figure, title: str, x: str, y: str, height: int = 360) -> go.Figure:
    """Studio's common figure layout."""
    fig.update_layout(
        title=title, xaxis_title=x, yaxis_title=y, height=height, template=WHITE,
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        legend={"orientation": "h", "y": -0.2, "x": 0},
    )  # fmt: skip
    return fig


def _guide(fig: go.Figure, xs: list[float], ys: list[float], name: str) -> None:
    fig.add_trace(
        go.Scatter(x=xs, y=ys, mode="lines", name=name, hoverinfo="skip",
                   line={"dash": "dot", "color": GUIDE})
    )  # fmt: skip


def roc_figure(curves: Named) -> go.Figure:
    """ROC curves (true against false positive rate) with the chance diagonal."""
    fig = go.Figure()
    for i, (name, roc) in enumerate(curves):
        fig.add_trace(go.Scatter(
            x=roc["fpr"], y=roc["tpr"], mode="lines", name=f"{name} (AUC {roc['auc']:.3f})",
            line={"color": PALETTE[i % len(PALETTE)]},
            hovertemplate="FPR %{x:.3f}, TPR %{y:.3f}<extra></extra>",  # i18n: keep
        ))  # fmt: skip
    _guide(fig, [0, 1], [0, 1], _("chance"))
    return layout(fig, _("ROC curve"), _("false positive rate"), _("true positive rate"))


def pr_figure(curves: Named) -> go.Figure:
    """Precision against recall, with the positive rate (a random model) as a guide."""
    fig = go.Figure()
    for i, (name, pr) in enumerate(curves):
        fig.add_trace(go.Scatter(
            x=pr["recall"], y=pr["precision"], mode="lines",
            name=f"{name} (AP {pr['average_precision']:.3f})",
            line={"color": PALETTE[i % len(PALETTE)]},
            hovertemplate=_("recall {x}, precision {y}").format(x="%{x:.3f}", y="%{y:.3f}")
            + "<extra></extra>",
        ))  # fmt: skip
    if curves:
        rate = curves[0][1]["prevalence"]
        _guide(fig, [0, 1], [rate, rate], _("random model"))
    return layout(fig, _("Precision-recall curve"), _("recall"), _("precision"))


def confusion_figure(
    matrix: Sequence[Sequence[int]], labels: Sequence[str], title: str
) -> go.Figure:
    """A confusion matrix heat map with counts and row shares in each cell."""
    totals = [max(sum(row), 1) for row in matrix]
    text = [[f"{v:,}<br>{v / totals[r]:.0%}" for v in row] for r, row in enumerate(matrix)]
    fig = go.Figure(go.Heatmap(
        z=matrix, x=list(labels), y=list(labels), text=text, texttemplate="%{text}",
        colorscale="Blues", showscale=False,
        hovertemplate=_("actual {y}, predicted {x}: {z}").format(x="%{x}", y="%{y}", z="%{z}")
        + "<extra></extra>",
    ))  # fmt: skip
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(type="category")
    return layout(fig, title, _("predicted"), _("actual"), height=340)


def calibration_figure(curves: Named) -> go.Figure:
    """Observed frequency against mean predicted probability per bin, with the ideal line."""
    fig = go.Figure()
    kind = curves[0][1].get("kind", "positive") if curves else "positive"
    for i, (name, cal) in enumerate(curves):
        fig.add_trace(go.Scatter(
            x=cal["predicted"], y=cal["observed"], mode="lines+markers", name=name,
            line={"color": PALETTE[i % len(PALETTE)]},
        ))  # fmt: skip
    _guide(fig, [0, 1], [0, 1], _("perfectly calibrated"))
    positive = kind == "positive"
    x = _("mean predicted probability") if positive else _("mean confidence (top class)")
    y = _("observed share of positives") if positive else _("observed accuracy")
    return layout(fig, _("Calibration"), x, y)


def threshold_figure(table: dict[str, list[float]], positive: str) -> go.Figure:
    """Precision, recall and F1 when predicting the positive class above each threshold."""
    fig = go.Figure()
    names = {"precision": _("precision"), "recall": _("recall"), "f1": "F1"}
    for i, key in enumerate(("precision", "recall", "f1")):
        fig.add_trace(go.Scatter(
            x=table["threshold"], y=table[key], mode="lines", name=names[key],
            line={"color": PALETTE[i]},
        ))  # fmt: skip
    title = _("Precision and recall against the threshold for '{positive}'").format(
        positive=positive
    )
    return layout(fig, title, _("decision threshold"), _("value"))


def predicted_actual_figure(curves: Named) -> go.Figure:
    """Predicted against actual values (a sample of the holdout) with the ideal diagonal."""
    fig = go.Figure()
    lows, highs = [], []
    for i, (name, reg) in enumerate(curves):
        fig.add_trace(go.Scattergl(
            x=reg["actual"], y=reg["predicted"], mode="markers", name=name, opacity=0.6,
            marker={"size": 5, "color": PALETTE[i % len(PALETTE)]},
        ))  # fmt: skip
        lows.append(min(reg["actual"] + reg["predicted"]))
        highs.append(max(reg["actual"] + reg["predicted"]))
    if lows:
        ends = [min(lows), max(highs)]
        _guide(fig, ends, ends, _("perfect prediction"))
    return layout(fig, _("Predicted against actual"), _("actual"), _("predicted"))


def residual_figure(curves: Named) -> go.Figure:
    """Residuals (actual minus predicted) against the prediction."""
    fig = go.Figure()
    for i, (name, reg) in enumerate(curves):
        fig.add_trace(go.Scattergl(
            x=reg["predicted"], y=reg["residual"], mode="markers", name=name, opacity=0.6,
            marker={"size": 5, "color": PALETTE[i % len(PALETTE)]},
        ))  # fmt: skip
    fig.add_hline(y=0, line_dash="dot", line_color=GUIDE)
    return layout(fig, _("Residuals"), _("predicted"), _("actual − predicted"))


def residual_histogram_figure(reg: dict[str, Any]) -> go.Figure:
    """The distribution of residuals over the whole holdout."""
    edges, counts = reg["histogram"]["edges"], reg["histogram"]["counts"]
    centres = [(a + b) / 2 for a, b in zip(edges[:-1], edges[1:], strict=True)]
    widths = [b - a for a, b in zip(edges[:-1], edges[1:], strict=True)]
    fig = go.Figure(go.Bar(x=centres, y=counts, marker_color=PALETTE[0], width=widths))
    return layout(fig, _("Residual distribution"), _("actual − predicted"), _("rows"))


def importance_figure(rows: Sequence[dict[str, Any]], metric_label: str) -> go.Figure:
    """Permutation importance: the metric's drop when a column is shuffled (largest on top)."""
    rows = list(rows)[::-1]
    fig = go.Figure(go.Bar(
        x=[r["mean"] for r in rows], y=[r["feature"] for r in rows], orientation="h",
        error_x={"type": "data", "array": [r["std"] for r in rows]}, marker_color=PALETTE[0],
        hovertemplate="%{y}: %{x:.4f}<extra></extra>",
    ))  # fmt: skip
    fig.update_yaxes(type="category")
    height = max(260, 60 + 24 * len(rows))
    x = _("drop in {metric} when shuffled").format(metric=metric_label)
    return layout(fig, _("Permutation importance"), x, "", height=height)


def dependence_figure(entry: dict[str, Any]) -> go.Figure:
    """Average prediction (or class probability) as one column varies (partial dependence);
    a caption says how many sampled rows had no value for the column."""
    fig = go.Figure()
    # analyses stored before missing values were handled hold a grid of NaN (or null)
    known = [i for i, v in enumerate(entry["grid"]) if v is not None and v == v]
    for i, (label, values) in enumerate(entry["series"].items()):
        trace = go.Bar if entry["categorical"] else go.Scatter
        fig.add_trace(trace(x=[entry["grid"][k] for k in known], y=[values[k] for k in known],
                            name=_("prediction") if label == "prediction" else label,
                            marker_color=PALETTE[i % len(PALETTE)]))  # fmt: skip
    predicted = "prediction" in entry["series"]
    if entry["categorical"]:
        fig.update_xaxes(type="category")
    if entry.get("missing"):
        note = (
            _("{missing} of {rows} sampled rows had no value (left out)")
            if entry["categorical"]
            else _("{missing} of {rows} sampled rows had no value (set to each value in turn, "
                   "like the others)")
        )  # fmt: skip
        fig.add_annotation(
            text=note.format(
                missing=format_number(entry["missing"]), rows=format_number(entry["rows"])
            ),
            xref="paper", yref="paper", x=0, y=1.0, yanchor="bottom", xanchor="left",
            showarrow=False, font={"size": 12, "color": "#4B5563"},
        )  # fmt: skip
    if not known:
        fig.add_annotation(
            text=_("No points: this analysis was stored before missing values were handled."),
            xref="paper", yref="paper", x=0.5, y=0.5, showarrow=False,
        )  # fmt: skip
    y = _("average prediction") if predicted else _("average probability")
    title = _("Partial dependence on {feature}").format(feature=entry["feature"])
    return layout(fig, title, entry["feature"], y, height=300)

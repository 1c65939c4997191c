"""Business figures (pure: value curves and gains in, ``go.Figure`` out): the profit curve
with each candidate's optimum marked, cumulative gains, lift, and per-class recall."""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from studio.business.value import ClassQuality, CostMatrix, Gains, ValueCurve
from studio.charts.diagnostics import GUIDE, PALETTE, layout
from studio.i18n import _


def profit_figure(
    names: Sequence[str], curves: Sequence[ValueCurve], matrix: CostMatrix
) -> go.Figure:
    """Expected value per 1,000 cases against the threshold, each optimum marked."""
    fig = go.Figure()
    for i, (name, curve) in enumerate(zip(names, curves, strict=True)):
        color = PALETTE[i % len(PALETTE)]
        fig.add_trace(go.Scatter(
            x=curve.thresholds, y=curve.per_thousand, mode="lines", name=name,
            line={"color": color, "width": 2.5},
            hovertemplate=f"{name}<br>" + _(
                "threshold {x}: {y} per 1,000 cases"
            ).format(x="%{x:.2f}", y="%{y:,.0f}") + "<extra></extra>",
        ))  # fmt: skip
        fig.add_trace(go.Scatter(
            x=[curve.best_threshold], y=[curve.best_value], mode="markers+text",
            marker={"color": color, "size": 12, "symbol": "diamond"},
            text=[matrix.money(curve.best_value)],
            textposition="top center" if i % 2 == 0 else "bottom center",
            showlegend=False, hoverinfo="skip",
        ))  # fmt: skip
    fig.add_hline(y=0, line={"color": GUIDE, "dash": "dot"})
    unit = matrix.unit
    return layout(
        fig, _("Expected value per 1,000 cases by threshold"), _("decision threshold"),
        _("value per 1,000 cases ({unit})").format(unit=unit), height=400,
    )  # fmt: skip


def gains_figure(names: Sequence[str], gains: Sequence[Gains], positive: str) -> go.Figure:
    """Share of positive cases found against the share of cases contacted, best first."""
    fig = go.Figure()
    for i, (name, g) in enumerate(zip(names, gains, strict=True)):
        fig.add_trace(go.Scatter(
            x=g.population, y=g.found, mode="lines", name=name,
            line={"color": PALETTE[i % len(PALETTE)], "width": 2.5},
            hovertemplate=_("top {x} contacted: {y} found").format(x="%{x:.0%}", y="%{y:.0%}")
            + "<extra></extra>",
        ))  # fmt: skip
    fig.add_trace(go.Scatter(x=[0, 1], y=[0, 1], mode="lines", name=_("random order"),
                             line={"dash": "dot", "color": GUIDE}, hoverinfo="skip"))  # fmt: skip
    fig.update_xaxes(tickformat=".0%")
    fig.update_yaxes(tickformat=".0%")
    return layout(
        fig, _("Cumulative gains"), _("cases contacted (highest scores first)"),
        _("'{positive}' cases found").format(positive=positive), height=400,
    )  # fmt: skip


def lift_figure(names: Sequence[str], gains: Sequence[Gains]) -> go.Figure:
    """How many times more positives than random the top-scored cases hold."""
    fig = go.Figure()
    for i, (name, g) in enumerate(zip(names, gains, strict=True)):
        points = [(p, v) for p, v in zip(g.population, g.lift, strict=True) if v is not None]
        fig.add_trace(go.Scatter(
            x=[p for p, _ in points], y=[v for _, v in points], mode="lines", name=name,
            line={"color": PALETTE[i % len(PALETTE)], "width": 2.5},
            hovertemplate=_("top {x}: lift {y}").format(x="%{x:.0%}", y="%{y:.2f}")
            + "<extra></extra>",
        ))  # fmt: skip
    fig.add_hline(y=1, line={"color": GUIDE, "dash": "dot"})
    fig.update_xaxes(tickformat=".0%")
    return layout(
        fig, _("Lift"), _("cases contacted (highest scores first)"), _("lift"), height=400
    )


def class_recall_figure(
    names: Sequence[str], classes: Sequence[Sequence[ClassQuality]]
) -> go.Figure:
    """Recall per class (share of each class found), one bar group per class."""
    fig = go.Figure()
    for i, (name, quality) in enumerate(zip(names, classes, strict=True)):
        fig.add_trace(go.Bar(
            x=[q.label for q in quality], y=[q.recall or 0 for q in quality], name=name,
            marker_color=PALETTE[i % len(PALETTE)],
            hovertemplate=_("{x}: {y} found").format(x="%{x}", y="%{y:.0%}") + "<extra></extra>",
        ))  # fmt: skip
    fig.update_yaxes(tickformat=".0%", range=[0, 1])
    fig.update_xaxes(type="category")
    return layout(fig, _("Share of each class found (recall)"), _("class"), _("found"), height=380)


def tolerance_figure(
    names: Sequence[str],
    curves: Sequence[tuple[Sequence[float], Sequence[float]]],
    tolerance: float,
    relative: bool,
) -> go.Figure:
    """Share of predictions within each tolerance, with the chosen tolerance marked."""
    fig = go.Figure()
    for i, (name, (grid, shares)) in enumerate(zip(names, curves, strict=True)):
        fig.add_trace(go.Scatter(
            x=grid, y=shares, mode="lines", name=name,
            line={"color": PALETTE[i % len(PALETTE)], "width": 2.5},
            hovertemplate=_("within {x}: {y}").format(x="%{x:.3g}", y="%{y:.0%}")
            + "<extra></extra>",
        ))  # fmt: skip
    fig.add_vline(x=tolerance, line={"color": GUIDE, "dash": "dot"})
    fig.update_yaxes(tickformat=".0%", range=[0, 1.02])
    if relative:
        fig.update_xaxes(tickformat=".0%")
    axis = (
        _("tolerance (share of the actual value)") if relative else _("tolerance (target units)")
    )
    return layout(fig, _("Predictions within a tolerance"), axis, _("predictions"), height=400)

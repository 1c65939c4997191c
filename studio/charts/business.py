"""Business figures (pure: value curves and gains in, ``go.Figure`` out): the profit curve
with each candidate's optimum marked, cumulative gains, lift, and per-class recall."""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from studio.business.value import ClassQuality, CostMatrix, Gains, ValueCurve
from studio.charts.diagnostics import GUIDE, PALETTE, layout


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
            hovertemplate=f"{name}<br>threshold %{{x:.2f}}: %{{y:,.0f}} per 1,000<extra></extra>",
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
        fig, "Expected value per 1,000 cases by threshold", "decision threshold",
        f"value per 1,000 cases ({unit})", height=400,
    )  # fmt: skip


def gains_figure(names: Sequence[str], gains: Sequence[Gains], positive: str) -> go.Figure:
    """Share of positive cases found against the share of cases contacted, best first."""
    fig = go.Figure()
    for i, (name, g) in enumerate(zip(names, gains, strict=True)):
        fig.add_trace(go.Scatter(
            x=g.population, y=g.found, mode="lines", name=name,
            line={"color": PALETTE[i % len(PALETTE)], "width": 2.5},
            hovertemplate="top %{x:.0%} contacted: %{y:.0%} found<extra></extra>",
        ))  # fmt: skip
    fig.add_trace(go.Scatter(x=[0, 1], y=[0, 1], mode="lines", name="random order",
                             line={"dash": "dot", "color": GUIDE}, hoverinfo="skip"))  # fmt: skip
    fig.update_xaxes(tickformat=".0%")
    fig.update_yaxes(tickformat=".0%")
    return layout(
        fig, "Cumulative gains", "cases contacted (highest scores first)",
        f"'{positive}' cases found", height=400,
    )  # fmt: skip


def lift_figure(names: Sequence[str], gains: Sequence[Gains]) -> go.Figure:
    """How many times more positives than random the top-scored cases hold."""
    fig = go.Figure()
    for i, (name, g) in enumerate(zip(names, gains, strict=True)):
        points = [(p, v) for p, v in zip(g.population, g.lift, strict=True) if v is not None]
        fig.add_trace(go.Scatter(
            x=[p for p, _ in points], y=[v for _, v in points], mode="lines", name=name,
            line={"color": PALETTE[i % len(PALETTE)], "width": 2.5},
            hovertemplate="top %{x:.0%}: lift %{y:.2f}<extra></extra>",
        ))  # fmt: skip
    fig.add_hline(y=1, line={"color": GUIDE, "dash": "dot"})
    fig.update_xaxes(tickformat=".0%")
    return layout(fig, "Lift", "cases contacted (highest scores first)", "lift", height=400)


def class_recall_figure(
    names: Sequence[str], classes: Sequence[Sequence[ClassQuality]]
) -> go.Figure:
    """Recall per class (share of each class found), one bar group per class."""
    fig = go.Figure()
    for i, (name, quality) in enumerate(zip(names, classes, strict=True)):
        fig.add_trace(go.Bar(
            x=[q.label for q in quality], y=[q.recall or 0 for q in quality], name=name,
            marker_color=PALETTE[i % len(PALETTE)],
            hovertemplate="%{x}: %{y:.0%} found<extra></extra>",
        ))  # fmt: skip
    fig.update_yaxes(tickformat=".0%", range=[0, 1])
    fig.update_xaxes(type="category")
    return layout(fig, "Share of each class found (recall)", "class", "found", height=380)


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
            hovertemplate="within %{x:.3g}: %{y:.0%}<extra></extra>",
        ))  # fmt: skip
    fig.add_vline(x=tolerance, line={"color": GUIDE, "dash": "dot"})
    fig.update_yaxes(tickformat=".0%", range=[0, 1.02])
    if relative:
        fig.update_xaxes(tickformat=".0%")
    axis = "tolerance (share of the actual value)" if relative else "tolerance (target units)"
    return layout(fig, "Predictions within a tolerance", axis, "predictions", height=400)

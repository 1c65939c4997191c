"""Figures for the model registry (pure: data in, ``go.Figure`` out)."""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from studio.charts.diagnostics import PALETTE, layout
from studio.i18n import _


def metric_evolution_figure(
    versions: Sequence[int],
    scores: dict[str, Sequence[float | None]],
    stages: Sequence[str],
) -> go.Figure:
    """Holdout metrics across a model's versions; the production version's marker is larger."""
    fig = go.Figure()
    xs = [f"v{v}" for v in versions]
    for i, (label, values) in enumerate(scores.items()):
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=list(values),
                mode="lines+markers",
                name=label,
                line={"color": PALETTE[i % len(PALETTE)]},
                marker={"size": [14 if s == "production" else 8 for s in stages]},
                hovertemplate=f"{label} %{{x}}: %{{y:.4f}}<extra></extra>",  # i18n: keep
            )
        )
    fig.update_xaxes(type="category")
    return layout(
        fig,
        _("Holdout metrics across versions (large marker: production)"),
        _("version"),
        _("holdout score"),
    )

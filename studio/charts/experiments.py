"""Figures for browsing and comparing runs (pure: data in, ``go.Figure`` out)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from studio.charts.diagnostics import PALETTE, layout


def metric_interval_figure(
    names: Sequence[str],
    values: Sequence[float | None],
    intervals: Sequence[tuple[float, float] | None],
    metric_label: str,
) -> go.Figure:
    """Each candidate's holdout metric as a bar with its 95% bootstrap interval."""
    ys = [v if v is not None else 0.0 for v in values]
    plus = [
        (i[1] - v) if i and v is not None else 0.0 for v, i in zip(values, intervals, strict=True)
    ]
    minus = [
        (v - i[0]) if i and v is not None else 0.0 for v, i in zip(values, intervals, strict=True)
    ]
    text = [
        f"{v:.4f}" + (f" [{i[0]:.4f}, {i[1]:.4f}]" if i else "") if v is not None else "—"
        for v, i in zip(values, intervals, strict=True)
    ]
    fig = go.Figure(go.Bar(
        x=list(names), y=ys, marker_color=[PALETTE[i % len(PALETTE)] for i in range(len(ys))],
        error_y={"type": "data", "symmetric": False, "array": plus, "arrayminus": minus},
        hovertext=text, hovertemplate="%{x}: %{hovertext}<extra></extra>",
    ))  # fmt: skip
    known = [lo for lo in (i[0] for i in intervals if i)] + [v for v in values if v is not None]
    if known:
        upper = [i[1] for i in intervals if i] + [v for v in values if v is not None]
        span = max(upper) - min(known)
        fig.update_yaxes(range=[min(known) - 0.5 * span - 1e-9, max(upper) + 0.2 * span + 1e-9])
    fig.update_xaxes(type="category")
    return layout(fig, f"Holdout {metric_label} with 95% bootstrap intervals", "", metric_label,
                  height=340)  # fmt: skip


def family_best_figure(frame: pd.DataFrame, metric_label: str) -> go.Figure:
    """Best cross-validated score per model family, with the number of trials in the label."""
    frame = frame.dropna(subset=["best"])
    labels = [f"{f} ({n} trials)" for f, n in zip(frame["family"], frame["trials"], strict=True)]
    fig = go.Figure(go.Bar(
        x=frame["best"].tolist(), y=labels, orientation="h", marker_color=PALETTE[0],
        hovertemplate="%{y}: %{x:.4f}<extra></extra>",
    ))  # fmt: skip
    if len(frame):
        low, high = float(frame["best"].min()), float(frame["best"].max())
        span = max(high - low, abs(high) * 0.02, 1e-6)
        fig.update_xaxes(range=[low - 0.5 * span, high + 0.2 * span])
    fig.update_yaxes(autorange="reversed", type="category")
    return layout(fig, "Best score per model family", f"{metric_label} (cross-validated)", "",
                  height=max(220, 80 + 34 * len(frame)))  # fmt: skip


def optuna_figure(plotly_json: str) -> go.Figure:
    """A stored Optuna view (plotly JSON written by the run's analysis) as a figure."""
    return pio.from_json(plotly_json)

"""Figures for browsing and comparing runs (pure: data in, ``go.Figure`` out)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from studio.charts.diagnostics import PALETTE, layout
from studio.i18n import _, ngettext


def metric_interval_figure(
    names: Sequence[str],
    values: Sequence[float | None],
    intervals: Sequence[tuple[float, float] | None],
    metric_label: str,
) -> go.Figure:
    """Each candidate's holdout metric as a bar from 0 with its 95% bootstrap interval and its
    value written on it (the differences themselves are in the Compare table)."""
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
        text=[f"{v:.4f}" if v is not None else "—" for v in values], textposition="outside",
        hovertext=text, hovertemplate="%{x}: %{hovertext}<extra></extra>",
    ))  # fmt: skip
    ends = [e for i in intervals if i for e in i] + [v for v in values if v is not None]
    fig.update_yaxes(range=from_zero(ends))
    fig.update_xaxes(type="category")
    title = _("Holdout {metric} with 95% bootstrap intervals").format(metric=metric_label)
    return layout(fig, title, "", metric_label, height=340)


def from_zero(values: Sequence[float]) -> list[float]:
    """An axis range for bars that starts at 0 (or below, for negative scores such as a poor
    R²), with room above the tallest bar for its label: bars are lengths, and an axis that
    starts near the values makes a 0.005 difference look like a factor of two."""
    low, high = min([0.0, *values]), max([0.0, *values])
    span = (high - low) or 1.0
    return [low - (0.05 * span if low < 0 else 0.0), high + 0.12 * span]


def family_best_figure(frame: pd.DataFrame, metric_label: str) -> go.Figure:
    """Best cross-validated score per model family, with the number of trials in the label."""
    frame = frame.dropna(subset=["best"])
    labels = [
        ngettext("{family} ({n} trial)", "{family} ({n} trials)", int(n)).format(family=f, n=n)
        for f, n in zip(frame["family"], frame["trials"], strict=True)
    ]
    fig = go.Figure(go.Bar(
        x=frame["best"].tolist(), y=labels, orientation="h", marker_color=PALETTE[0],
        hovertemplate="%{y}: %{x:.4f}<extra></extra>",
    ))  # fmt: skip
    fig.update_traces(text=[f"{v:.4f}" for v in frame["best"]], textposition="outside")
    fig.update_xaxes(range=from_zero([float(v) for v in frame["best"]]))
    fig.update_yaxes(autorange="reversed", type="category")
    x = _("{metric} (cross-validated)").format(metric=metric_label)
    return layout(fig, _("Best score per model family"), x, "",
                  height=max(220, 80 + 34 * len(frame)))  # fmt: skip


def optuna_figure(plotly_json: str) -> go.Figure:
    """A stored Optuna view (plotly JSON written by the run's analysis) as a figure."""
    return pio.from_json(plotly_json)

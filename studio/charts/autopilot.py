"""Figures for a running or finished autopilot run (pure: data in, ``go.Figure`` out)."""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from studio.charts import WHITE
from studio.i18n import _

LINE = "#4C78A8"
BASELINE = "#9AA3AF"


def best_so_far_figure(
    history: Sequence[Sequence[float]],
    metric_label: str,
    baseline: float | None,
    elapsed: float,
) -> go.Figure:
    """The best cross-validated score against seconds since the run started (a step line)."""
    xs = [float(h[0]) for h in history]
    ys = [float(h[1]) for h in history]
    if xs:
        xs.append(max(elapsed, xs[-1]))
        ys.append(ys[-1])
    fig = go.Figure(
        go.Scatter(
            x=xs,
            y=ys,
            mode="lines+markers",
            line={"shape": "hv", "color": LINE},
            name=_("best so far"),
            hovertemplate=_("{x} s: {y}").format(x="%{x:.1f}", y="%{y:.4f}") + "<extra></extra>",
        )  # fmt: skip
    )
    if baseline is not None:
        fig.add_hline(
            y=baseline, line_dash="dot", line_color=BASELINE,
            annotation_text=_("baseline (default model)"), annotation_position="bottom right",
        )  # fmt: skip
    fig.update_layout(
        title=_("Best score so far"), xaxis_title=_("seconds since start"),
        yaxis_title=_("{metric} (cross-validated)").format(metric=metric_label), height=320,
        template=WHITE,
        margin={"l": 10, "r": 10, "t": 50, "b": 10}, showlegend=False,
    )  # fmt: skip
    return fig

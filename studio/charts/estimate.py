"""Estimated performance over time (pure): the estimate without labels as a dashed line in its
band, the realised metric as a solid line where labels exist, the holdout value as a guide."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go

from studio.charts.diagnostics import GUIDE, PALETTE, layout
from studio.i18n import _

ESTIMATED, REALISED = PALETTE[0], PALETTE[1]
BAND = "rgba(76, 120, 168, 0.18)"


@dataclass(frozen=True)
class EstimateSeries:
    """One metric across windows: estimate, band, realised value (None where a window has no
    labels) and the holdout's value at registration."""

    metric: str
    label: str
    windows: tuple[str, ...]
    estimated: tuple[float | None, ...]
    low: tuple[float | None, ...]
    high: tuple[float | None, ...]
    realised: tuple[float | None, ...]
    holdout: float | None


def estimate_series(result: Any, metric: str, label: str) -> EstimateSeries:
    """The series of ``metric`` (named ``label``) from an ``EstimateResult``'s windows."""
    windows = result.windows
    picked = [w.metrics.get(metric) for w in windows]
    return EstimateSeries(
        metric,
        label,
        tuple(w.label for w in windows),
        tuple(m.value if m else None for m in picked),
        tuple(m.low if m else None for m in picked),
        tuple(m.high if m else None for m in picked),
        tuple((w.realised or {}).get(metric) for w in windows),
        result.holdout.get(metric),
    )


def estimated_metric_figure(series: EstimateSeries) -> go.Figure:
    """Dashed estimate with a shaded 95% band, solid realised line, dotted holdout line."""
    x = list(series.windows)
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=x, y=list(series.high), mode="lines", line={"width": 0},
                             hoverinfo="skip", showlegend=False, name=_("band high")))  # fmt: skip
    fig.add_trace(
        go.Scatter(
            x=x, y=list(series.low), mode="lines", line={"width": 0}, fill="tonexty",
            fillcolor=BAND, name=_("95% band of the estimate"), hoverinfo="skip",
        )
    )  # fmt: skip
    fig.add_trace(
        go.Scatter(
            x=x, y=list(series.estimated), mode="lines+markers", name=_("estimated (no labels)"),
            line={"color": ESTIMATED, "dash": "dash"}, connectgaps=False,
        )
    )  # fmt: skip
    if any(v is not None for v in series.realised):
        fig.add_trace(
            go.Scatter(
                x=x, y=list(series.realised), mode="lines+markers",
                name=_("realised (labelled rows)"), line={"color": REALISED, "dash": "solid"},
                connectgaps=False,
            )
        )  # fmt: skip
    if series.holdout is not None:
        fig.add_hline(y=series.holdout, line_dash="dot", line_color=GUIDE,
                      annotation_text=_("holdout at registration"))  # fmt: skip
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=x)
    title = _("{metric}: estimated without labels and realised").format(metric=series.label)
    return layout(fig, title, _("window"), series.label, height=340)

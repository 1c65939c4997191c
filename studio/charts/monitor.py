"""Drift figures (pure: values or stored results in, ``go.Figure`` out)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from studio.charts.diagnostics import PALETTE, layout

REFERENCE, CURRENT = PALETTE[0], PALETTE[1]


def distribution_overlay_figure(
    name: str, reference: np.ndarray, current: np.ndarray, numeric: bool
) -> go.Figure:
    """Reference and current distributions of one feature as shares (shared bins for numbers)."""
    fig = go.Figure()
    if numeric:
        edges = np.histogram_bin_edges(np.concatenate([reference, current]), bins=30)
        centres = (edges[:-1] + edges[1:]) / 2
        for label, values, colour in (
            ("reference", reference, REFERENCE),
            ("current", current, CURRENT),
        ):
            counts = np.histogram(values, edges)[0] / max(len(values), 1)
            fig.add_trace(
                go.Bar(
                    x=centres,
                    y=counts,
                    name=label,
                    marker_color=colour,
                    opacity=0.6,
                    width=np.diff(edges),
                )
            )
        fig.update_layout(barmode="overlay")
    else:
        categories = sorted(set(reference) | set(current), key=str)[:30]
        for label, values, colour in (
            ("reference", reference, REFERENCE),
            ("current", current, CURRENT),
        ):
            shares = [float(np.mean(values == c)) if len(values) else 0.0 for c in categories]
            fig.add_trace(
                go.Bar(x=[str(c) for c in categories], y=shares, name=label, marker_color=colour)
            )
        fig.update_xaxes(type="category")
    return layout(fig, f"{name}: reference and current", name, "share of rows", height=320)


def drift_share_figure(
    windows: Sequence[str], shares: Sequence[float], threshold: float
) -> go.Figure:
    """The share of drifted features per window, with the dataset-drift threshold."""
    colours = [CURRENT if s >= threshold else REFERENCE for s in shares]
    fig = go.Figure(
        go.Bar(
            x=list(windows),
            y=list(shares),
            marker_color=colours,
            hovertemplate="%{x}: %{y:.0%}<extra></extra>",
        )
    )
    fig.add_hline(
        y=threshold,
        line_dash="dot",
        line_color="#9AA3AF",
        annotation_text="dataset drift",
        annotation_position="top left",
    )
    fig.update_yaxes(tickformat=".0%", range=[0, 1])
    fig.update_xaxes(type="category")
    return layout(
        fig, "Share of drifted features per window", "window", "drifted features", height=300
    )


def feature_over_time_figure(
    feature: str,
    test: str,
    windows: Sequence[str],
    values: Sequence[float | None],
    threshold: float,
) -> go.Figure:
    """One feature's drift statistic across windows, with its threshold."""
    fig = go.Figure(
        go.Scatter(
            x=list(windows),
            y=list(values),
            mode="lines+markers",
            name=feature,
            line={"color": PALETTE[0]},
        )
    )
    fig.add_hline(
        y=threshold,
        line_dash="dot",
        line_color=CURRENT,
        annotation_text=f"threshold {threshold:g}",
    )
    if test in ("ks", "chisquare", "z"):
        fig.update_yaxes(type="log")  # p-values: drift below the line
    fig.update_xaxes(type="category")
    return layout(fig, f"{feature}: {test} per window", "window", test, height=300)


def drift_heatmap_figure(
    features: Sequence[str], windows: Sequence[str], severity: Sequence[Sequence[float | None]]
) -> go.Figure:
    """Features x windows, coloured by how far each statistic is past its threshold
    (0 = at the threshold; positive = drifted)."""
    clipped = [[None if v is None else max(min(v, 5.0), -1.0) for v in row] for row in severity]
    fig = go.Figure(
        go.Heatmap(
            z=clipped,
            x=list(windows),
            y=list(features),
            colorscale="RdBu_r",
            zmid=0,
            colorbar={"title": "past threshold"},
            hovertemplate="%{y} in %{x}: %{z:.2f}<extra></extra>",
        )
    )
    fig.update_xaxes(type="category")
    fig.update_yaxes(type="category", autorange="reversed")
    return layout(
        fig, "Drift by feature and window", "window", "", height=max(300, 60 + 22 * len(features))
    )


def severity_figure(
    features: Sequence[str], severity: Sequence[float], drifted: Sequence[bool]
) -> go.Figure:
    """How far past (positive) or below (negative) its threshold each feature's statistic is,
    most severe on top."""
    order = sorted(range(len(features)), key=lambda i: severity[i])
    fig = go.Figure(
        go.Bar(
            x=[max(min(severity[i], 5.0), -1.0) for i in order],
            y=[features[i] for i in order],
            orientation="h",
            marker_color=[CURRENT if drifted[i] else REFERENCE for i in order],
            hovertemplate="%{y}: %{x:.2f}<extra></extra>",
        )
    )
    fig.add_vline(x=0, line_dash="dot", line_color="#9AA3AF")
    fig.update_yaxes(type="category")
    height = max(260, 22 * len(features) + 90)
    return layout(
        fig, "Drift severity per feature", "past the threshold (0 = at it; capped at 5)", "",
        height=height,
    )  # fmt: skip

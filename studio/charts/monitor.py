"""Drift figures (pure: values or stored results in, ``go.Figure`` out)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from studio.charts.diagnostics import PALETTE, layout
from studio.i18n import _, ngettext

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
            (_("reference"), reference, REFERENCE),
            (_("current"), current, CURRENT),
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
            (_("reference"), reference, REFERENCE),
            (_("current"), current, CURRENT),
        ):
            shares = [float(np.mean(values == c)) if len(values) else 0.0 for c in categories]
            fig.add_trace(
                go.Bar(x=[str(c) for c in categories], y=shares, name=label, marker_color=colour)
            )
        fig.update_xaxes(type="category")
    title = _("{feature}: reference and current").format(feature=name)
    return layout(fig, title, name, _("share of rows"), height=320)


UNTESTED = "#D1D5DB"  # grey: a window or cell with no statistic


def _untested_text(windows: Sequence[str], tested: Sequence[bool]) -> str:
    missing = [w for w, ok in zip(windows, tested, strict=True) if not ok]
    if not missing:
        return ""
    if len(missing) == len(windows):
        return _("No window had enough rows to test (grey)")
    return ngettext(
        "{missing} of {total} window too small to test (grey)",
        "{missing} of {total} windows too small to test (grey)",
        len(windows),
    ).format(missing=len(missing), total=len(windows))


def _caption(fig: go.Figure, text: str) -> None:
    """A sentence under the plot area saying what is not drawn and why."""
    if text:
        fig.add_annotation(
            text=text, xref="paper", yref="paper", x=0, y=1.0, yanchor="bottom",
            xanchor="left", showarrow=False, font={"size": 12, "color": "#4B5563"},
        )  # fmt: skip


def drift_share_figure(
    windows: Sequence[str],
    shares: Sequence[float],
    threshold: float,
    tested: Sequence[bool] | None = None,
    notes: Sequence[str] | None = None,
) -> go.Figure:
    """The share of drifted features per window, with the dataset-drift threshold.

    Every tested window's bar carries its share as text (so 0% reads as 0%, not as a missing
    bar); a window with nothing tested (``tested`` False) is a full-height grey bar whose hover
    and caption say why (``notes``).
    """
    tested = list(tested) if tested is not None else [True] * len(windows)
    notes = list(notes) if notes is not None else [""] * len(windows)
    ok = [i for i, t in enumerate(tested) if t]
    bad = [i for i, t in enumerate(tested) if not t]
    fig = go.Figure(
        go.Bar(
            x=[windows[i] for i in ok],
            y=[shares[i] for i in ok],
            marker_color=[CURRENT if shares[i] >= threshold else REFERENCE for i in ok],
            text=[f"{shares[i]:.0%}" for i in ok],
            textposition="outside",
            customdata=[notes[i] for i in ok],
            hovertemplate=_("{window}: {share} drifted").format(window="%{x}", share="%{y:.0%}")
            + "<br>%{customdata}<extra></extra>",
            name=_("drifted share"),
            showlegend=False,
        )
    )
    if bad:
        fig.add_trace(
            go.Bar(
                x=[windows[i] for i in bad],
                y=[1.0] * len(bad),
                marker={"color": UNTESTED, "pattern": {"shape": "/"}},
                text=[_("not tested")] * len(bad),
                textposition="inside",
                customdata=[notes[i] or _("too few rows to test") for i in bad],
                hovertemplate=_("{window}: not tested").format(window="%{x}")
                + "<br>%{customdata}<extra></extra>",
                name=_("too few rows to test"),
                showlegend=False,
            )
        )
    fig.add_hline(
        y=threshold,
        line_dash="dot",
        line_color="#9AA3AF",
        annotation_text=_("dataset drift"),
        annotation_position="top left",
    )
    fig.update_yaxes(tickformat=".0%", range=[0, 1.08])
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=list(windows))
    _caption(fig, _untested_text(windows, tested))
    return layout(
        fig,
        _("Share of drifted features per window"),
        _("window"),
        _("drifted features"),
        height=320,
    )


def feature_over_time_figure(
    feature: str,
    test: str,
    windows: Sequence[str],
    values: Sequence[float | None],
    threshold: float,
) -> go.Figure:
    """One feature's decision value (adjusted p-value, p-value or distance) across windows,
    with its threshold; windows where it was not tested are named in a caption."""
    fig = go.Figure(
        go.Scatter(
            x=list(windows),
            y=list(values),
            mode="lines+markers",
            name=feature,
            line={"color": PALETTE[0]},
            connectgaps=False,
        )
    )
    fig.add_hline(
        y=threshold,
        line_dash="dot",
        line_color=CURRENT,
        annotation_text=_("threshold {value}").format(value=f"{threshold:g}"),
    )
    p_value = test in ("ks", "chisquare", "z")
    if p_value:  # p-values: drift below the line; one tick per power of ten
        fig.update_yaxes(type="log", dtick=1, tickformat="~g")
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=list(windows))
    _caption(fig, _untested_text(windows, [v is not None for v in values]))
    label = _("{test} p-value").format(test=test) if p_value else test
    title = _("{feature}: {test} per window").format(feature=feature, test=test)
    return layout(fig, title, _("window"), label, height=320)


def drift_heatmap_figure(
    features: Sequence[str], windows: Sequence[str], severity: Sequence[Sequence[float | None]]
) -> go.Figure:
    """Features x windows, coloured by how far each statistic is past its threshold
    (0 = at the threshold; positive = drifted); cells with no statistic are grey and say so."""
    clipped = [[None if v is None else max(min(v, 5.0), -1.0) for v in row] for row in severity]
    missing = [[1 if v is None else None for v in row] for row in severity]
    fig = go.Figure(
        go.Heatmap(
            z=clipped,
            x=list(windows),
            y=list(features),
            colorscale="RdBu_r",
            zmid=0,
            xgap=1,
            ygap=1,
            colorbar={"title": _("past threshold")},
            hovertemplate=_("{feature} in {window}: {value}").format(
                feature="%{y}", window="%{x}", value="%{z:.2f}"
            )
            + "<extra></extra>",
        )
    )
    if any(v is not None for row in missing for v in row):  # grey where nothing was tested
        fig.add_trace(
            go.Heatmap(
                z=missing, x=list(windows), y=list(features), showscale=False,
                colorscale=[[0, UNTESTED], [1, UNTESTED]], xgap=1, ygap=1,
                hovertemplate=_("{feature} in {window}: not tested (too few values)").format(
                    feature="%{y}", window="%{x}"
                ) + "<extra></extra>",
            )
        )  # fmt: skip
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=list(windows))
    fig.update_yaxes(type="category", autorange="reversed")
    tested = [any(row[j] is not None for row in severity) for j in range(len(windows))]
    _caption(fig, _untested_text(windows, tested) if severity else "")
    return layout(
        fig,
        _("Drift by feature and window"),
        _("window"),
        "",
        height=max(320, 80 + 22 * len(features)),
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
        fig, _("Drift severity per feature"), _("past the threshold (0 = at it; capped at 5)"), "",
        height=height,
    )  # fmt: skip

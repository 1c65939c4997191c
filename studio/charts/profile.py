"""Figures for a dataset profile: pure functions from profile objects to ``go.Figure``."""

from __future__ import annotations

import plotly.graph_objects as go

from studio.charts import WHITE
from studio.data.profile import ColumnProfile, DatasetProfile
from studio.i18n import _

BAR_COLOR = "#4C78A8"
OTHER_COLOR = "#B0B7C3"


def _layout(fig: go.Figure, title: str, x_title: str, y_title: str) -> go.Figure:
    fig.update_layout(
        title=title,
        xaxis_title=x_title,
        yaxis_title=y_title,
        height=340,
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        bargap=0.05,
        template=WHITE,
    )
    return fig


def distribution_figure(column: ColumnProfile) -> go.Figure:
    """A histogram (numbers, dates) or bar chart (categories) of one column's values."""
    dist = column.distribution
    fig = go.Figure()
    if dist.kind == "histogram":
        edges = list(dist.labels)
        centres = [f"{a} – {b}" for a, b in zip(edges[:-1], edges[1:], strict=True)]
        fig.add_trace(
            go.Bar(
                x=centres,
                y=list(dist.counts),
                marker_color=BAR_COLOR,
                name=_("rows"),
                hovertemplate="%{x}<br>"
                + _("{count} rows").format(count="%{y:,}")
                + "<extra></extra>",
            )  # fmt: skip
        )
        fig.update_xaxes(type="category", tickangle=-45, nticks=10)
        if dist.of == "lengths":
            title = _("Length of the values of {column}").format(column=column.name)
            x_title = _("characters")
        else:
            title = _("Distribution of {column}").format(column=column.name)
            x_title = column.name
        return _layout(fig, title, x_title, _("rows"))
    labels = list(dist.labels) + ([_("(other values)")] if dist.other else [])
    counts = list(dist.counts) + ([dist.other] if dist.other else [])
    colors = [BAR_COLOR] * len(dist.labels) + ([OTHER_COLOR] if dist.other else [])
    fig.add_trace(
        go.Bar(
            x=counts,
            y=labels,
            orientation="h",
            marker_color=colors,
            name=_("rows"),
            hovertemplate="%{y}<br>"
            + _("{count} rows").format(count="%{x:,}")
            + "<extra></extra>",
        )  # fmt: skip
    )
    fig.update_yaxes(type="category", autorange="reversed")
    title = _("Most frequent values of {column}").format(column=column.name)
    return _layout(fig, title, _("rows"), column.name)


def missing_figure(profile: DatasetProfile) -> go.Figure:
    """Share of missing values per column, for the columns that have any."""
    columns = sorted(
        (c for c in profile.column_profiles if c.missing), key=lambda c: -c.missing_share
    )
    fig = go.Figure(
        go.Bar(
            x=[c.missing_share for c in columns],
            y=[c.name for c in columns],
            orientation="h",
            marker_color="#E45756",
            text=[f"{c.missing_share:.1%} ({c.missing:,})" for c in columns],
            textposition="outside",
            hovertemplate=_("{column}: {share} missing").format(column="%{y}", share="%{x:.1%}")
            + "<extra></extra>",
        )
    )
    fig.update_xaxes(tickformat=".0%", range=[0, 1])
    fig.update_yaxes(type="category", autorange="reversed")
    fig = _layout(fig, _("Missing values by column"), _("share of rows missing"), "")
    fig.update_layout(height=max(200, 60 + 24 * len(columns)))
    return fig

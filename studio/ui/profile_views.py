"""The Profile and Columns tabs of the Data page."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from studio.charts.profile import distribution_figure, missing_figure
from studio.context import Studio
from studio.data.profile import ColumnProfile
from studio.data.versions import DatasetVersionInfo, warnings_for_target
from studio.data.warnings import ProfileWarning
from studio.escaping import markdown_text as md

STAT_LABELS = {
    "mean": "Mean", "std": "Standard deviation", "min": "Minimum", "p05": "5th percentile",
    "p25": "25th percentile", "median": "Median", "p75": "75th percentile",
    "p95": "95th percentile", "max": "Maximum", "zeros": "Zeros", "negatives": "Negative values",
    "infinite": "Infinite values", "mode": "Most frequent", "mode_share": "Share of most frequent",
    "min_length": "Shortest (characters)", "mean_length": "Mean length (characters)",
    "max_length": "Longest (characters)",
}  # fmt: skip
BADGES = {"high": ":red-badge[high]", "medium": ":orange-badge[medium]", "low": ":gray-badge[low]"}


@st.cache_data(show_spinner="Checking for target leakage…", max_entries=64)
def _target_warnings(
    _studio: Studio, _info: DatasetVersionInfo, key: str, target: str
) -> tuple[ProfileWarning, ...]:
    return warnings_for_target(_studio, _info, target)


def render_profile(studio: Studio, info: DatasetVersionInfo) -> None:
    """Headline numbers, ranked warnings (with leakage once a target is chosen), column table."""
    profile = info.profile
    missing_cells = sum(c.missing for c in profile.column_profiles)
    cells = max(1, profile.rows * profile.columns)
    cols = st.columns(5)
    cols[0].metric("Rows", f"{profile.rows:,}")
    cols[1].metric("Columns", f"{profile.columns:,}")
    cols[2].metric("Duplicate rows", f"{profile.duplicate_rows:,}")
    share = missing_cells / cells
    cols[3].metric("Missing cells", "< 0.1%" if 0 < share < 0.001 else f"{share:.1%}")
    cols[4].metric("In memory", format_bytes(profile.memory_bytes))
    names = [c.name for c in profile.column_profiles]
    target = st.selectbox(
        "Target column (optional: adds a check for target leakage)", [None, *names],
        format_func=lambda n: "— none —" if n is None else n, key=f"data_target_{info.ref}",
    )  # fmt: skip
    warnings = (
        profile.warnings
        if target is None
        else _target_warnings(studio, info, f"{info.ref}:{info.sha256}", target)
    )
    st.subheader(f"Warnings ({len(warnings)})")
    if not warnings:
        st.success("No data-quality problems found.")
    for warning in warnings:
        st.markdown(f"{BADGES[warning.severity]} {md(warning.message)}")
    st.subheader("Columns")
    st.dataframe(
        column_table(profile.column_profiles), hide_index=True, width="stretch",
        height=min(38 + 35 * profile.columns, 640),
        column_config={
            "Missing": st.column_config.ProgressColumn(format="percent", min_value=0, max_value=1)
        },
    )  # fmt: skip
    if missing_cells:
        st.plotly_chart(missing_figure(profile), width="stretch", key="data_missing_chart")


def column_table(columns: tuple[ColumnProfile, ...]) -> pd.DataFrame:
    """One row per column: type, completeness and the headline statistic."""
    return pd.DataFrame(
        {
            "Column": [c.name for c in columns],
            "Type": [c.kind for c in columns],
            "Why": [_why(c) for c in columns],
            "Missing": [c.missing_share for c in columns],
            "Distinct": [c.distinct for c in columns],
            "Summary": [_summary(c) for c in columns],
        }
    )


def _why(column: ColumnProfile) -> str:
    if column.suggested_kind:
        return f"{column.reason} (maybe {column.suggested_kind}: {column.suggestion_reason})"
    return column.reason


def _summary(column: ColumnProfile) -> str:
    s = column.stats
    if "mean" in s:
        return (
            f"mean {s['mean']:.4g} · median {s['median']:.4g} · {s['min']:.4g} to {s['max']:.4g}"
        )
    if column.kind == "datetime" and s:
        return f"{s['min'][:10]} to {s['max'][:10]}"
    if "mode" in s:
        return f"most often '{s['mode']}' ({s['mode_share']:.0%})"
    if "mean_length" in s:
        return f"{s['mean_length']:.0f} characters on average"
    return "no values"


def render_columns(info: DatasetVersionInfo) -> None:
    """One column in detail: statistics, top values and its distribution chart."""
    names = [c.name for c in info.profile.column_profiles]
    name = st.selectbox("Column", names, key=f"data_column_{info.ref}")
    column = info.profile.column(name)
    left, right = st.columns([1, 2], gap="large")
    with left:
        st.markdown(f"**{md(column.name)}** · {column.kind} · `{column.dtype}`")
        if column.reason:
            st.caption(f"Why {column.kind}: {md(column.reason)}.")
        if column.suggested_kind:
            st.caption(f"Maybe {column.suggested_kind}: {md(column.suggestion_reason)}.")
        st.markdown(
            f"{column.missing:,} missing ({column.missing_share:.1%}) · "
            f"{column.distinct:,} distinct values"
        )
        stats = pd.DataFrame(
            {
                "Statistic": [STAT_LABELS.get(k, k) for k in column.stats],
                "Value": [_fmt(v) for v in column.stats.values()],
            }
        )
        st.dataframe(stats, hide_index=True, width="stretch")
        if column.top_values:
            top = pd.DataFrame(column.top_values, columns=["Value", "Rows"])
            st.dataframe(top, hide_index=True, width="stretch")
    with right:
        st.plotly_chart(distribution_figure(column), width="stretch", key="data_column_chart")


def format_bytes(size: int) -> str:
    """A byte count in the largest unit that keeps it above 1 (B, KB, MB, GB)."""
    value = float(size)
    for unit in ("B", "KB", "MB"):
        if value < 1024:
            return f"{value:,.0f} {unit}" if unit == "B" else f"{value:,.1f} {unit}"
        value /= 1024
    return f"{value:,.1f} GB"


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.4g}" if abs(value) < 1e6 else f"{value:,.0f}"
    return str(value)

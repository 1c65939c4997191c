"""The Profile and Columns tabs of the Data page."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from studio.charts.profile import distribution_figure, missing_figure
from studio.context import Studio
from studio.data.phrases import shown
from studio.data.profile import ColumnProfile
from studio.data.versions import DatasetVersionInfo, warnings_for_target
from studio.data.warnings import ProfileWarning
from studio.escaping import markdown_text as md
from studio.i18n import N_, _, format_number, format_percent

STAT_LABELS = {
    "mean": N_("Mean"), "std": N_("Standard deviation"), "min": N_("Minimum"),
    "p05": N_("5th percentile"), "p25": N_("25th percentile"), "median": N_("Median"),
    "p75": N_("75th percentile"), "p95": N_("95th percentile"), "max": N_("Maximum"),
    "zeros": N_("Zeros"), "negatives": N_("Negative values"),
    "infinite": N_("Infinite values"), "mode": N_("Most frequent"),
    "mode_share": N_("Share of most frequent"), "min_length": N_("Shortest (characters)"),
    "mean_length": N_("Mean length (characters)"), "max_length": N_("Longest (characters)"),
}  # fmt: skip
# Severity -> its badge's colour and word (a msgid).
BADGES = {"high": ("red", N_("high")), "medium": ("orange", N_("medium")),
          "low": ("gray", N_("low"))}  # fmt: skip
# Column kinds as people read them (the stored values stay English).
KIND_NAMES = {
    "numeric": N_("numeric"), "categorical": N_("categorical"), "boolean": N_("boolean"),
    "datetime": N_("datetime"), "text": N_("text"), "identifier": N_("identifier"),
}  # fmt: skip


def kind_name(kind: str) -> str:
    """A column kind in the current language (an unknown one as stored)."""
    return _(KIND_NAMES[kind]) if kind in KIND_NAMES else kind


def badge(severity: str) -> str:
    """The coloured badge of a warning's severity, in the current language."""
    colour, word = BADGES[severity]
    return f":{colour}-badge[{_(word)}]"


@st.cache_data(show_spinner=False, max_entries=64)
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
    cols[0].metric(_("Rows"), format_number(profile.rows))
    cols[1].metric(_("Columns"), format_number(profile.columns))
    cols[2].metric(_("Duplicate rows"), format_number(profile.duplicate_rows))
    share = missing_cells / cells
    small = "< " + format_percent(0.001, digits=1)
    cols[3].metric(
        _("Missing cells"), small if 0 < share < 0.001 else format_percent(share, digits=1)
    )
    cols[4].metric(_("In memory"), format_bytes(profile.memory_bytes))
    names = [c.name for c in profile.column_profiles]
    target = st.selectbox(
        _("Target column (optional: adds a check for target leakage)"), [None, *names],
        format_func={None: _("— none —"), **{n: n for n in names}}.get,  # shown now
        key=f"data_target_{info.ref}",
    )  # fmt: skip
    if target is None:
        warnings = profile.warnings
    else:
        with st.spinner(_("Checking for target leakage…")):
            warnings = _target_warnings(studio, info, f"{info.ref}:{info.sha256}", target)
    st.subheader(_("Warnings ({count})").format(count=len(warnings)))
    if not warnings:
        st.success(_("No data-quality problems found."))
    for warning in warnings:
        st.markdown(f"{badge(warning.severity)} {md(shown(warning.message))}")
    st.subheader(_("Columns"))
    missing = _("Missing")
    st.dataframe(
        column_table(profile.column_profiles), hide_index=True, width="stretch",
        height=min(38 + 35 * profile.columns, 640),
        column_config={
            missing: st.column_config.ProgressColumn(format="percent", min_value=0, max_value=1)
        },
    )  # fmt: skip
    if missing_cells:
        st.plotly_chart(missing_figure(profile), width="stretch", key="data_missing_chart")


def column_table(columns: tuple[ColumnProfile, ...]) -> pd.DataFrame:
    """One row per column: type, completeness and the headline statistic."""
    return pd.DataFrame(
        {
            _("Column"): [c.name for c in columns],
            _("Type"): [kind_name(c.kind) for c in columns],
            _("Why"): [_why(c) for c in columns],
            _("Missing"): [c.missing_share for c in columns],
            _("Distinct"): [c.distinct for c in columns],
            _("Summary"): [_summary(c) for c in columns],
        }
    )


def _why(column: ColumnProfile) -> str:
    if column.suggested_kind:
        return _("{reason} (maybe {kind}: {suggestion})").format(
            reason=shown(column.reason), kind=kind_name(column.suggested_kind),
            suggestion=shown(column.suggestion_reason),
        )  # fmt: skip
    return shown(column.reason)


def _summary(column: ColumnProfile) -> str:
    s = column.stats
    if "mean" in s:
        return _("mean {mean} · median {median} · {low} to {high}").format(
            mean=f"{s['mean']:.4g}", median=f"{s['median']:.4g}", low=f"{s['min']:.4g}",
            high=f"{s['max']:.4g}",
        )  # fmt: skip
    if column.kind == "datetime" and s:
        return _("{low} to {high}").format(low=s["min"][:10], high=s["max"][:10])
    if "mode" in s:
        return _("most often '{value}' ({share})").format(
            value=s["mode"], share=format_percent(s["mode_share"])
        )
    if "mean_length" in s:
        return _("{count} characters on average").format(count=f"{s['mean_length']:.0f}")
    return _("no values")


def render_columns(info: DatasetVersionInfo) -> None:
    """One column in detail: statistics, top values and its distribution chart."""
    names = [c.name for c in info.profile.column_profiles]
    name = st.selectbox(_("Column"), names, key=f"data_column_{info.ref}")
    column = info.profile.column(name)
    kind = kind_name(column.kind)
    left, right = st.columns([1, 2], gap="large")
    with left:
        st.markdown(f"**{md(column.name)}** · {kind} · `{column.dtype}`")
        if column.reason:
            st.caption(
                _("Why {kind}: {reason}.").format(kind=kind, reason=md(shown(column.reason)))
            )
        if column.suggested_kind:
            st.caption(
                _("Maybe {kind}: {reason}.").format(
                    kind=kind_name(column.suggested_kind),
                    reason=md(shown(column.suggestion_reason)),
                )
            )
        st.markdown(
            _("{missing} missing ({share}) · {distinct} distinct values").format(
                missing=format_number(column.missing),
                share=format_percent(column.missing_share, digits=1),
                distinct=format_number(column.distinct),
            )
        )
        stats = pd.DataFrame(
            {
                _("Statistic"): [_(STAT_LABELS[k]) if k in STAT_LABELS else k
                                 for k in column.stats],
                _("Value"): [_fmt(v) for v in column.stats.values()],
            }
        )  # fmt: skip
        st.dataframe(stats, hide_index=True, width="stretch")
        if column.top_values:
            top = pd.DataFrame(column.top_values, columns=[_("Value"), _("Rows")])
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

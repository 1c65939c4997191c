"""The Monitor page's drift report: verdict, data quality problems, the metric on labelled
rows, the ranked feature table and the reference-against-current overlay."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from studio.charts.monitor import distribution_overlay_figure
from studio.context import Studio
from studio.escaping import markdown_text as md
from studio.monitor.drift import MIN_ROWS, DriftReport, column_kind
from studio.monitor.performance import Performance
from studio.monitor.retrain import start_retrain
from studio.monitor.service import MonitorResult, reference_frame
from studio.monitor.stats import TESTS
from studio.ui.identity import current_user


def show_report(studio: Studio, result: MonitorResult, frame: pd.DataFrame, key: str) -> None:
    """Render ``result``; ``frame`` holds the current values for the overlay."""
    report = result.overall
    drifted = [f for f in report.features if f.drifted]
    text = (
        f"{len(drifted)} of {len(report.tested)} tested features drifted "
        f"({report.drift_share:.0%}; dataset drift at {report.share_threshold:.0%})."
    )
    (st.error if report.dataset_drift else st.success)(
        ("Dataset drift: " if report.dataset_drift else "No dataset drift: ") + text
    )
    for problem in report.problems:
        st.warning(md(problem))
    if result.performance is not None:
        show_performance(result.performance)
        offer_retrain(studio, result.version.ref, frame, key)
    if result.windows:
        explain_windows(
            [w.label for w in result.windows],
            [w.status == "ok" for w in result.windows],
            [max(len(w.merged), 1) for w in result.windows],
        )
    st.dataframe(
        feature_table(report),
        hide_index=True,
        width="stretch",
        column_config={
            name: st.column_config.NumberColumn(format="%.4g")
            for name in ("Statistic", "p-value", "Adjusted p-value", "Threshold")
        },
    )
    st.caption(
        "Statistic: the test's own (chi-square, Kolmogorov-Smirnov D, z, or the distance). "
        "For p-value tests drift is decided on the p-value adjusted for testing many features "
        "(Benjamini-Hochberg); for distances, on the statistic."
    )
    prediction = [f for f in result.predictions.features if f.drifted]
    st.caption("Prediction drift: " + (", ".join(md(f.name) for f in prediction) or "none") + ".")
    tested = [f.name for f in report.features if f.status == "ok"]
    if tested:
        name = st.selectbox("Feature", tested, key=f"{key}_feature")
        reference = reference_frame(studio, result.version)[name].dropna()
        current = frame[name].dropna() if name in frame else pd.Series([], dtype=float)
        numeric = column_kind(reference) == "numeric"
        values = (
            current.pipe(pd.to_numeric, errors="coerce").dropna()
            if numeric
            else current.astype(str)
        )
        st.plotly_chart(
            distribution_overlay_figure(name, reference.to_numpy(), values.to_numpy(), numeric),
            width="stretch",
            key=f"{key}_overlay",
        )


def feature_table(report: DriftReport) -> pd.DataFrame:
    """One row per feature: the test, its statistic, p-values, threshold and decision."""
    return pd.DataFrame(
        [
            {
                "Feature": f.name,
                "Test": TESTS[f.test].label if f.test in TESTS else "—",
                "Statistic": f.statistic,
                "p-value": f.p_value,
                "Adjusted p-value": f.adjusted_p_value,
                "Threshold": f.threshold if f.status != "not tested" else None,
                "Drifted": f.drifted,
                "Status": f.note or f.status,
            }
            for f in report.features
        ]
    )


def explain_windows(labels: list[str], tested: list[bool], periods: list[int]) -> None:
    """A sentence on windows that were merged (``periods``: how many periods each holds) or
    are too small to test, if any."""
    if any(n > 1 for n in periods):
        st.info(
            f"Periods with fewer than {MIN_ROWS} rows were merged into the next, so that every "
            f"window can be tested: {sum(periods):,} periods make {len(labels):,} windows of "
            f"at least {MIN_ROWS} rows (hover a bar for the periods it holds)."
        )
    small = [w for w, t in zip(labels, tested, strict=True) if not t]
    if small:
        st.warning(
            f"{len(small)} of {len(labels)} window(s) had too few rows to test (at least "
            f"{MIN_ROWS} are needed) and are shown grey: "
            + md(", ".join(small[:5]))
            + (" …" if len(small) > 5 else "")
            + "."
        )


def show_performance(perf: Performance) -> None:
    """The metric now against the holdout, each with its interval."""

    def shown(value: float | None, interval: tuple[float, float] | None) -> str:
        text = "—" if value is None else f"{value:.4f}"
        return text + (f" [{interval[0]:.4f}, {interval[1]:.4f}]" if interval else "")

    left, right = st.columns(2)
    left.metric(
        f"{perf.label} on these {perf.rows:,} labelled rows",
        shown(perf.current, perf.current_interval),
    )
    right.metric(
        f"{perf.label} on the holdout at registration",
        shown(perf.reference, perf.reference_interval),
    )
    st.caption(
        "Brackets: 95% bootstrap intervals. Intervals that do not overlap mean the model "
        "really performs differently now."
    )


def offer_retrain(studio: Studio, ref: str, frame: pd.DataFrame, key: str) -> None:
    """A button that starts a retraining on ``frame``'s labelled rows."""
    st.caption(
        "These rows carry labels: a challenger can be trained on the training data plus "
        "two thirds of them, and compared with this model on the last third."
    )
    if st.button("Retrain with these labelled rows", key=f"{key}_retrain"):
        from studio.jobs.launcher import ensure_local_worker

        retrain_id = start_retrain(studio, ref, frame, current_user(studio.settings))
        ensure_local_worker(studio)
        st.success(
            f"Retraining {retrain_id} queued; its comparison appears under "
            "'Retraining' once the run has finished."
        )

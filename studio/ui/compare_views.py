"""Comparing candidates: metrics with deltas and intervals, parameters, overlaid curves."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from studio.charts import diagnostics as charts
from studio.charts.experiments import metric_interval_figure
from studio.context import Studio
from studio.errors import InvalidInputError
from studio.escaping import markdown_text as md
from studio.experiments.compare import Comparison, MetricRow, compare
from studio.experiments.runs import task_name
from studio.i18n import N_, _, format_percent
from studio.ui.run_detail_views import back_to_list, parse_id

# A verdict (``MetricRow.verdict``, stored English in the CLI's JSON) as a whole sentence.
VERDICTS = {
    "better": N_("- **{candidate}** vs {reference}: better on {metric} (difference {delta}, "
                 "{level} interval {low} to {high}, {pairing})."),
    "worse": N_("- **{candidate}** vs {reference}: worse on {metric} (difference {delta}, "
                "{level} interval {low} to {high}, {pairing})."),
    "no clear difference": N_("- **{candidate}** vs {reference}: no clear difference on "
                              "{metric} (difference {delta}, {level} interval {low} to {high}, "
                              "{pairing})."),
}  # fmt: skip


def render_compare(studio: Studio, raw: str) -> None:
    """The comparison named by ``?compare=ID,ID,...``."""
    _back()
    refs = [part for part in raw.split(",") if part.strip()]
    if not refs:
        raise InvalidInputError(_("No candidates were selected; pick at least two to compare."))
    result = compare(studio, [parse_id(r, "candidate") for r in refs])
    first = result.entries[0]
    st.subheader(
        _("Comparing {count} candidates: {data} → {target}").format(
            count=len(result.entries), data=md(result.data_label), target=md(first.target)
        )
    )
    st.caption(
        _(
            "{task} · holdout scores; the first candidate ({reference}) is the reference for "
            "deltas. Intervals are 95% bootstrap intervals over the holdout rows."
        ).format(task=task_name(result.task), reference=first.ref)
    )
    st.page_link(
        "pages/7_Business.py",
        label=_("Business view of these candidates (value, summary, presentation, report)"),
        query_params={
            "run": str(first.run_id),
            "candidates": ",".join(str(e.id) for e in result.entries),
        },
    )
    _metrics_table(result)
    _verdicts(result)
    _metric_bars(result)
    _params(result)
    _curves(result)


def _cell(row: MetricRow, i: int) -> str:
    value = row.values[i]
    if value is None:
        return "—"
    text = f"{value:.4f}" + (" ★" if row.is_best(i) else "")
    if i > 0 and row.deltas[i] is not None:
        text += f"  ({row.deltas[i]:+.4f})"
    return text


def _metrics_table(result: Comparison) -> None:
    table = pd.DataFrame(
        {e.ref + f" · {e.family}": [_cell(m, i) for m in result.metrics]
         for i, e in enumerate(result.entries)},
        index=[_(m.label) if m.greater_is_better
               else _("{metric} (lower is better)").format(metric=_(m.label))
               for m in result.metrics],
    )  # fmt: skip
    st.markdown(_("**Holdout metrics** (★ best; in brackets the difference from the reference)"))
    st.dataframe(table, width="stretch")


def _verdicts(result: Comparison) -> None:
    main = result.metrics[0]
    ref = result.entries[0]
    lines = []
    for i, entry in enumerate(result.entries[1:], start=1):
        interval = main.delta_intervals[i]
        if interval is None:
            lines.append(
                _("- **{candidate}**: no diagnostics stored, so no interval is known.").format(
                    candidate=entry.ref
                )
            )
            continue
        kind = _("paired") if main.paired[i] else _("unpaired (different holdout rows)")
        lines.append(
            _(VERDICTS[main.verdict(i)]).format(
                candidate=entry.ref,
                reference=ref.ref,
                metric=_(main.label),
                delta=f"{main.deltas[i]:+.4f}",
                level=format_percent(0.95),
                low=f"{interval[0]:+.4f}",
                high=f"{interval[1]:+.4f}",
                pairing=kind,
            )  # fmt: skip
        )
    st.markdown("\n".join(lines))


def _metric_bars(result: Comparison) -> None:
    labels = {m.metric: _(m.label) for m in result.metrics}
    chosen = st.selectbox(_("Metric"), list(labels), format_func=labels.get, key="cmp_metric")
    row = next(m for m in result.metrics if m.metric == chosen)
    figure = metric_interval_figure([e.ref for e in result.entries], row.values, row.intervals,
                                    labels[chosen])  # fmt: skip
    st.plotly_chart(figure, width="stretch", key="cmp_bars")


def _params(result: Comparison) -> None:
    only_diff = st.toggle(_("Show only parameters that differ"), value=True, key="cmp_only_diff")
    rows = [(n, v) for n, v, differs in result.params if differs or not only_diff]
    if not rows:
        st.caption(_("Every parameter is the same."))
        return
    table = pd.DataFrame(
        {e.ref: [format_param(v[i]) for _n, v in rows]
         for i, e in enumerate(result.entries)},
        index=[n for n, _v in rows],
    )  # fmt: skip
    st.markdown(_("**Parameters**"))
    st.dataframe(table, width="stretch")


def format_param(value: object) -> str:
    """A parameter value for reading: 4 significant digits, ensemble members as name x weight."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, dict):
        return ", ".join(f"{k} ×{format_param(v)}" for k, v in value.items())
    return str(value)


def _back() -> None:
    run = st.query_params.get("run")
    if run is None:
        back_to_list()
    elif st.button(_("← Run {id}").format(id=md(run)), key="cmp_back_run"):
        del st.query_params["compare"]
        st.rerun()


def _curves(result: Comparison) -> None:
    ready = [(e.ref, e.diagnostics["curves"]) for e in result.entries if e.diagnostics]
    if len(ready) < len(result.entries):
        st.info(_("Some candidates have no stored diagnostics; their curves are not shown."))
    if not ready:
        return
    if result.task == "regression":
        figures = [charts.predicted_actual_figure(ready), charts.residual_figure(ready)]
    else:
        figures = _classification_figures(ready)
    for start in range(0, len(figures), 2):
        cols = st.columns(2)
        for offset, figure in enumerate(figures[start : start + 2]):
            cols[offset].plotly_chart(figure, width="stretch", key=f"cmp_fig_{start + offset}")
    _confusions(ready)


def _classification_figures(ready: list) -> list:
    if "roc" in ready[0][1]:
        figures = [charts.roc_figure([(n, c["roc"]) for n, c in ready]),
                   charts.pr_figure([(n, c["pr"]) for n, c in ready])]  # fmt: skip
    else:
        classes = list(ready[0][1].get("per_class", {}))
        if not classes:
            return []
        cls = st.selectbox(_("Class (one against the rest)"), classes, key="cmp_class")
        having = [(n, c["per_class"][cls]) for n, c in ready if cls in c["per_class"]]
        figures = [
            charts.roc_figure([(n, c["roc"]) for n, c in having]),
            charts.pr_figure([(n, c["pr"]) for n, c in having]),
        ]
    calibrated = [(n, c["calibration"]) for n, c in ready if "calibration" in c]
    if calibrated:
        figures.append(charts.calibration_figure(calibrated))
    return figures


def _confusions(ready: list) -> None:
    if "confusion" not in ready[0][1]:
        return
    st.markdown(_("**Confusion matrices** (holdout)"))
    cols = st.columns(min(len(ready), 4))
    for i, (name, curves) in enumerate(ready):
        cols[i % len(cols)].plotly_chart(
            charts.confusion_figure(curves["confusion"], curves["labels"], name),
            width="stretch", key=f"cmp_confusion_{i}",
        )  # fmt: skip

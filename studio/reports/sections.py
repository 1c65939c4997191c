"""Report sections shared by the comparison and model card reports: the business answer, the
holdout metrics and the diagnostic curves. Aggregated figures only: curves, counts and
shares, never data rows."""

from __future__ import annotations

import pandas as pd

from studio.autopilot.metrics import LEADERBOARD_METRICS, METRICS
from studio.business.summary import NO_VALUES, BusinessView
from studio.business.value import within_curve
from studio.charts import diagnostics as diag
from studio.charts.business import (
    class_recall_figure,
    gains_figure,
    lift_figure,
    profit_figure,
    tolerance_figure,
)
from studio.experiments.compare import Entry
from studio.reports.html import Chart, Metrics, Note, Paragraph, Section, Table


def answer_section(view: BusinessView) -> Section:
    """The recommendation and the generated summary (and, when no money values were given, a
    note saying so)."""
    blocks = [Note(view.recommendation, "good"), *[Paragraph(s) for s in view.sentences]]
    if not view.priced:
        blocks.append(Note(NO_VALUES, "info"))
    return Section("The answer", tuple(blocks))


def _binary_blocks(view: BusinessView) -> list:
    matrix = view.matrix
    cards = tuple(
        (
            f"{name}: value per 1,000 cases",
            matrix.money(curve.best_value),
            f"95% interval {matrix.money(low)} to {matrix.money(high)} · threshold "
            f"{curve.best_threshold:.2f} (chosen {curve.chosen_on}) · "
            f"acts on {curve.flagged[curve.best]:.0%} · "
            f"{matrix.money(curve.for_population(matrix.population))} for "
            f"{matrix.population:,} cases",
        )
        for name, curve, (low, high) in zip(
            view.names, view.curves, view.value_intervals, strict=True
        )
    )
    values = pd.DataFrame(
        {
            "Outcome": ["True positive", "False positive", "False negative", "True negative"],
            f"Value ({matrix.unit})": [matrix.tp, matrix.fp, matrix.fn, matrix.tn],
        }
    )
    positive = view.positive_label or "positive"
    return [
        Metrics(cards),
        Table(values, f"Values per case used; population {matrix.population:,} cases."),
        Chart(profit_figure(view.names, view.curves, matrix), "Diamonds: each best threshold."),
        Chart(gains_figure(view.names, view.gains, positive)),
        Chart(lift_figure(view.names, view.gains)),
    ]


def _unpriced_blocks(view: BusinessView) -> list:
    """Without money values: who the model finds (gains and lift), no money at all."""
    positive = view.positive_label or "positive"
    return [
        Chart(gains_figure(view.names, view.gains, positive)),
        Chart(lift_figure(view.names, view.gains)),
    ]


def _regression_blocks(view: BusinessView) -> list:
    first = view.regression[0]
    band = f"±{first.tolerance:.0%}" if first.relative else f"±{first.tolerance:,.4g}"
    cards = tuple(
        (f"{name}: within {band}", f"{v.within:.0%}", f"off by {v.mean_absolute_error:,.4g}")
        for name, v in zip(view.names, view.regression, strict=True)
    )
    upto = first.tolerance * 3
    curves = [within_curve(e.diagnostics["curves"], first.relative, upto) for e in view.entries]
    figure = tolerance_figure(view.names, curves, first.tolerance, first.relative)
    return [Metrics(cards), Chart(figure)]


def _multiclass_blocks(view: BusinessView) -> list:
    rows = [
        {"Candidate": name, "Class": q.label, "Cases": q.support,
         "Right when it says so": "—" if q.precision is None else f"{q.precision:.0%}",
         "Found": "—" if q.recall is None else f"{q.recall:.0%}"}
        for name, quality in zip(view.names, view.classes, strict=True) for q in quality
    ]  # fmt: skip
    return [
        Table(pd.DataFrame(rows), "Per class: precision ('right when it says so') and recall."),
        Chart(class_recall_figure(view.names, view.classes)),
    ]


def value_section(view: BusinessView) -> Section:
    """Value in the user's units (binary), error within a tolerance (regression), or quality
    per class (multiclass)."""
    if view.task == "binary":
        blocks = _binary_blocks(view) if view.priced else _unpriced_blocks(view)
    elif view.task == "regression":
        blocks = _regression_blocks(view)
    else:
        blocks = _multiclass_blocks(view)
    return Section("Business value" if view.priced else "Who it finds", tuple(blocks))


def metrics_table(names: tuple[str, ...], entries: tuple[Entry, ...]) -> Table:
    """Every leaderboard metric on the holdout, one column per candidate."""
    task = entries[0].task
    rows = {
        METRICS[m].label + ("" if METRICS[m].greater_is_better else " (lower is better)"): [
            "—" if e.holdout.get(m) is None else f"{e.holdout[m]:.4f}" for e in entries
        ]
        for m in LEADERBOARD_METRICS[task]
    }
    frame = pd.DataFrame(rows, index=list(names)).T.reset_index(names="Metric")
    return Table(frame, f"Holdout of {entries[0].diagnostics.get('rows', '?')} rows.")


def curves_section(names: tuple[str, ...], entries: tuple[Entry, ...]) -> Section:
    """ROC, precision-recall and calibration (classification) or the residual distribution
    (regression), from the stored diagnostics."""
    curves = [(n, e.diagnostics["curves"]) for n, e in zip(names, entries, strict=True)]
    task = entries[0].task
    blocks: list = [metrics_table(names, entries)]
    if task == "regression":
        for name, c in curves:
            fig = diag.residual_histogram_figure(c)
            fig.update_layout(title=f"Residual distribution · {name}")
            blocks.append(Chart(fig))
    elif task == "binary":
        blocks.append(Chart(diag.roc_figure([(n, c["roc"]) for n, c in curves])))
        blocks.append(Chart(diag.pr_figure([(n, c["pr"]) for n, c in curves])))
        calibrated = [(n, c["calibration"]) for n, c in curves if "calibration" in c]
        if calibrated:
            blocks.append(Chart(diag.calibration_figure(calibrated)))
    else:
        for name, c in curves:
            blocks.append(Chart(diag.confusion_figure(c["confusion"], c["labels"], name)))
    return Section("Model quality on the holdout", tuple(blocks))

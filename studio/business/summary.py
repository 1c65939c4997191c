"""The business view of one or more candidates: their value in the user's units and a short
plain-language summary built from the numbers with templates (no language model).

The summary states a difference only when the 95% bootstrap interval of the metric difference
excludes zero, and says so when the holdout cannot separate two candidates.
"""

from __future__ import annotations

from dataclasses import dataclass

from studio.autopilot.metrics import METRICS
from studio.business.value import (
    ClassQuality,
    CostMatrix,
    Gains,
    RegressionValue,
    ValueCurve,
    act_on_nobody,
    class_quality,
    gains_of,
    recall_at_false_alarm,
    regression_value,
    value_curve,
    value_gap_interval,
    value_interval,
)
from studio.errors import InvalidInputError
from studio.experiments.compare import Entry, difference_interval

DEFAULT_FALSE_ALARM = 0.10
NO_VALUES = (
    "No money values were given, so no money figures are shown and the advice rests on the "
    "holdout metric alone; give the value of each outcome per case (on the Business page, or "
    "with --tp, --fp, --fn and --tn) to see what each candidate is worth."
)


@dataclass(frozen=True, eq=False)
class BusinessView:
    """Per candidate: value curve, gains, regression errors or per-class quality; and the
    summary (the recommendation first)."""

    task: str
    metric: str
    names: tuple[str, ...]
    entries: tuple[Entry, ...]
    matrix: CostMatrix
    curves: tuple[ValueCurve | None, ...]
    value_intervals: tuple[tuple[float, float] | None, ...]  # 95%, at each best threshold
    gains: tuple[Gains | None, ...]
    regression: tuple[RegressionValue | None, ...]
    classes: tuple[tuple[ClassQuality, ...] | None, ...]
    positive_label: str | None
    recommendation: str
    sentences: tuple[str, ...]
    priced: bool = True  # False: no money values were given (binary views show no money)

    @property
    def metric_label(self) -> str:
        """The ranking metric's display name."""
        return METRICS[self.metric].label


def display_names(entries: list[Entry]) -> list[str]:
    """Candidate names, with the run added where two share a name."""
    names = [e.name for e in entries]
    return [
        n if names.count(n) == 1 else f"{n} (run {e.run_id})"
        for n, e in zip(names, entries, strict=True)
    ]


def _order(entries: list[Entry], metric: str) -> list[int]:
    """Indices from best to worst on ``metric`` (unknown values last)."""
    sign = 1 if METRICS[metric].greater_is_better else -1
    known = [i for i, e in enumerate(entries) if e.holdout.get(metric) is not None]
    ranked = sorted(known, key=lambda i: -sign * entries[i].holdout[metric])
    return ranked + [i for i in range(len(entries)) if i not in known]


def _metric_sentence(a: Entry, b: Entry, names: tuple[str, str], metric: str) -> tuple[str, bool]:
    """How ``a`` (the better on the point values) compares with ``b``; and whether it is a tie."""
    spec = METRICS[metric]
    va, vb = a.holdout.get(metric), b.holdout.get(metric)
    if va is None or vb is None:
        return f"{names[1]} has no holdout {spec.label}; it cannot be compared.", True
    interval, paired = difference_interval(a, b, metric)
    scores = f"{va:.3f} against {vb:.3f}"
    if interval is None:
        return (
            f"{names[0]} scores {scores} for {names[1]} on {spec.label}; without stored "
            "bootstrap samples the uncertainty of that gap is unknown.",
            True,
        )
    low, high = interval
    how = "" if paired else " (unpaired: they were scored on different holdout rows)"
    if low <= 0 <= high:
        return (
            f"{names[0]} and {names[1]} cannot be told apart on {spec.label}: {scores}, and the "
            f"95% interval of the difference ({low:+.3f} to {high:+.3f}) includes zero{how}.",
            True,
        )
    return (
        f"{names[0]} is better than {names[1]} on {spec.label}: {scores} (difference "
        f"{va - vb:+.3f}, 95% interval {low:+.3f} to {high:+.3f}){how}.",
        False,
    )


def _table(view: dict, i: int) -> dict[str, list[float]]:
    return view["entries"][i].diagnostics["curves"]["thresholds"]


def _gap(view: dict, top: int, i: int) -> tuple[float, float]:
    """The 95% interval of the value gap between ``top`` and ``i`` at their thresholds."""
    curves = view["curves"]
    return value_gap_interval(
        (_table(view, top), curves[top].best), (_table(view, i), curves[i].best), view["matrix"]
    )


def _versus(view: dict, top: int, i: int, rate: float) -> list[str]:
    """Detection at the same false-alarm rate, and the value gap, of ``top`` against ``i``."""
    names, curves, matrix = view["names"], view["curves"], view["matrix"]
    entries, positive = view["entries"], view["positive_label"]
    negative = entries[0].diagnostics["curves"]["labels"][0]
    caught = [recall_at_false_alarm(entries[k].diagnostics["curves"], rate) for k in (top, i)]
    more = round((caught[0] - caught[1]) * 100)
    detail = (
        f"{abs(more)} {'more' if more > 0 else 'fewer'} of every 100" if more else "the same share"
    )
    gap = curves[top].best_value - curves[i].best_value
    low, high = _gap(view, top, i)
    less = (
        f"{matrix.money(gap)} less per 1,000 cases (95% interval {matrix.money(low)} to "
        f"{matrix.money(high)}), {matrix.money(gap * matrix.population / 1_000)} for "
        f"{matrix.population:,} cases"
        if round(gap) > 0
        else "the same value"
    )
    uncertain = " The gap is within the uncertainty of the holdout." if low <= 0 <= high else ""
    return [
        f"At the same false-alarm rate ({rate:.0%} of the '{negative}' cases flagged), "
        f"{names[top]} catches {caught[0]:.0%} of the '{positive}' cases and {names[i]} "
        f"{caught[1]:.0%}: {detail}.",
        f"{names[i]} is worth {matrix.money(curves[i].best_value)} per 1,000 at threshold "
        f"{curves[i].best_threshold:.2f}: {less}.{uncertain}",
    ]


def threshold_sentence(curve: ValueCurve) -> str:
    """Where the threshold of ``curve`` was chosen, and what that means for its value."""
    if curve.chosen_on == "out-of-fold":
        return (
            f"Threshold {curve.best_threshold:.2f} was chosen on out-of-fold predictions of the "
            "training rows and then valued once on the holdout, which played no part in "
            "choosing it, so this value is a fair estimate."
        )
    return (
        f"Threshold {curve.best_threshold:.2f} was chosen on the same holdout rows that value "
        "it (this candidate predates out-of-fold thresholds), so this value is optimistic; "
        "run the autopilot again for a fair estimate."
    )


def _binary_sentences(view: dict) -> tuple[str, list[str]]:
    """The value of the most valuable candidate, against the simple rules and the others."""
    names, curves, matrix = view["names"], view["curves"], view["matrix"]
    entries = view["entries"]
    by_value = sorted(range(len(entries)), key=lambda i: -curves[i].best_value)
    top, curve = by_value[0], curves[by_value[0]]
    nobody = act_on_nobody(entries[top].diagnostics["curves"]["thresholds"], matrix)
    simple, rule = max((nobody, "nobody"), (curve.act_on_everyone, "everyone"))
    low, high = value_interval(_table(view, top), curve.best, matrix)
    out = [
        f"With these values, {names[top]} is worth {matrix.money(curve.best_value)} per 1,000 "
        f"cases (95% interval {matrix.money(low)} to {matrix.money(high)}) at threshold "
        f"{curve.best_threshold:.2f}: it acts on "
        f"{curve.flagged[curve.best]:.0%} of cases and catches "
        f"{curve.recall[curve.best]:.0%} of the '{view['positive_label']}' cases "
        f"({matrix.money(curve.for_population(matrix.population))} for "
        f"{matrix.population:,} cases).",
        threshold_sentence(curve),
    ]
    if curve.best_value <= simple:
        return (
            f"No candidate beats acting on {rule} ({matrix.money(simple)} per 1,000 cases) at "
            "these values: keep that simple rule, or revisit the values.",
            out,
        )
    out.append(
        f"Acting on {rule} instead would be worth {matrix.money(simple)} per 1,000 cases, so "
        f"the model adds {matrix.money(curve.best_value - simple)} per 1,000."
    )
    rate = curve.false_alarm[curve.best] or DEFAULT_FALSE_ALARM
    for i in by_value[1:]:
        out += _versus(view, top, i, rate)
    close = [names[i] for i in by_value[1:] if _gap(view, top, i)[0] <= 0]
    if close:
        return (
            f"{names[top]} is worth the most, but the holdout cannot separate its value from "
            f"{', '.join(close)}; either is a sound choice.",
            out,
        )
    return (
        f"Choose {names[top]} at threshold {curve.best_threshold:.2f}: "
        f"{matrix.money(curve.best_value)} per 1,000 cases.",
        out,
    )


def _regression_sentences(view: dict, order: list[int], target: str) -> list[str]:
    names, values = view["names"], view["regression"]
    out = []
    for i in order:
        v = values[i]
        if v is None:
            continue
        band = f"{v.tolerance:.0%} of the actual value" if v.relative else f"±{v.tolerance:,.4g}"
        sample = "" if v.exact else f" (from a sample of {v.rows:,} holdout rows)"
        out.append(
            f"{names[i]} is off by {v.mean_absolute_error:,.4g} on average in '{target}' "
            f"(median {v.median_absolute_error:,.4g}); {v.within:.0%} of its predictions fall "
            f"within {band} of the truth{sample}."
        )
    return out


def _multiclass_sentences(view: dict, order: list[int]) -> list[str]:
    names, classes = view["names"], view["classes"]
    best = classes[order[0]]
    if best is None:
        return []
    out = [f"{names[order[0]]}: {c.sentence()}" for c in best[:6]]
    for i in order[1:]:
        if classes[i] is None:
            continue
        gaps = [
            (abs((a.recall or 0) - (b.recall or 0)), a, b)
            for a, b in zip(best, classes[i], strict=True)
        ]
        gap, a, b = max(gaps, key=lambda g: g[0])
        if gap >= 0.01:
            out.append(
                f"The largest difference from {names[i]} is on '{a.label}': {names[order[0]]} "
                f"finds {a.recall or 0:.0%} of those cases and {names[i]} {b.recall or 0:.0%}."
            )
    return out


def _needs_diagnostics(entries: list[Entry], names: list[str]) -> None:
    missing = [n for e, n in zip(entries, names, strict=True) if not e.diagnostics]
    if missing:
        raise InvalidInputError(
            f"{', '.join(missing)} {'has' if len(missing) == 1 else 'have'} no stored holdout "
            "diagnostics yet; open the run on the Experiments page and compute them."
        )


def build_view(
    entries: list[Entry],
    matrix: CostMatrix | None = None,
    tolerance: float = 0.1,
    relative: bool = True,
    names: list[str] | None = None,
) -> BusinessView:
    """The business view of ``entries`` (one candidate, or comparable ones, best first in the
    sentences); ``names`` overrides the candidates' display names.

    Without a ``matrix`` no money values were given: a binary view then says so and ranks by
    the holdout metric (``priced`` is False); it never prices with defaults nobody entered.
    """
    priced = matrix is not None
    matrix = matrix or CostMatrix()
    names = names or display_names(entries)
    _needs_diagnostics(entries, names)
    task, metric = entries[0].task, entries[0].metric
    curves_of = [e.diagnostics["curves"] for e in entries]
    binary = task == "binary"
    view = {
        "names": tuple(names),
        "entries": tuple(entries),
        "matrix": matrix,
        "curves": tuple(
            value_curve(c["thresholds"], matrix, e.oof_thresholds) if binary else None
            for c, e in zip(curves_of, entries, strict=True)
        ),
        "gains": tuple(gains_of(c) if binary else None for c in curves_of),
        "regression": tuple(
            regression_value(c, tolerance, relative) if task == "regression" else None
            for c in curves_of
        ),
        "classes": tuple(
            tuple(class_quality(c)) if task == "multiclass" else None for c in curves_of
        ),
        "positive_label": curves_of[0].get("positive_label"),
    }
    order = _order(entries, metric)
    sentences, ties = [], {}
    for i in order[1:]:
        text, tie = _metric_sentence(
            entries[order[0]], entries[i], (names[order[0]], names[i]), metric
        )
        sentences.append(text)
        ties[i] = tie
    if binary and priced:
        recommendation, more = _binary_sentences(view)
    elif binary:
        recommendation, more = _recommend_by_metric(names, order, ties, metric), []
    else:
        more = (
            _regression_sentences(view, order, entries[0].target)
            if task == "regression"
            else _multiclass_sentences(view, order)
        )
        recommendation = _recommend_by_metric(names, order, ties, metric)
    return BusinessView(
        task, metric, view["names"], view["entries"], matrix, view["curves"],
        tuple(
            value_interval(c["thresholds"], v.best, matrix) if v else None
            for c, v in zip(curves_of, view["curves"], strict=True)
        ),
        view["gains"],
        view["regression"], view["classes"], view["positive_label"], recommendation,
        tuple(sentences + more), priced or not binary,
    )  # fmt: skip


def _recommend_by_metric(
    names: list[str], order: list[int], ties: dict[int, bool], metric: str
) -> str:
    label = METRICS[metric].label
    if len(order) == 1:
        return f"{names[order[0]]} is the model described here; its numbers follow."
    close = [names[i] for i in order[1:] if ties.get(i)]
    if close:
        return (
            f"{names[order[0]]} has the best {label}, but the holdout cannot separate it from "
            f"{', '.join(close)}; either is a sound choice."
        )
    return f"Choose {names[order[0]]}: its {label} is clearly the best of those compared."

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
from studio.i18n import N_, _, format_list, format_number, format_percent, ngettext

DEFAULT_FALSE_ALARM = 0.10
NO_VALUES = N_(
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
        n if names.count(n) == 1 else _("{name} (run {run})").format(name=n, run=e.run_id)
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
        text = _("{second} has no holdout {metric}; it cannot be compared.")
        return text.format(second=names[1], metric=spec.label), True
    interval, paired = difference_interval(a, b, metric)
    values = {"first": names[0], "second": names[1], "metric": spec.label,
              "a": f"{va:.3f}", "b": f"{vb:.3f}", "confidence": format_percent(0.95)}  # fmt: skip
    if interval is None:
        text = _(
            "{first} scores {a} against {b} for {second} on {metric}; without stored "
            "bootstrap samples the uncertainty of that gap is unknown."
        )
        return text.format(**values), True
    low, high = interval
    values.update(low=f"{low:+.3f}", high=f"{high:+.3f}", gap=f"{va - vb:+.3f}")
    if low <= 0 <= high:
        text = (
            _(
                "{first} and {second} cannot be told apart on {metric}: {a} against {b}, and "
                "the {confidence} interval of the difference ({low} to {high}) includes zero."
            )
            if paired
            else _(
                "{first} and {second} cannot be told apart on {metric}: {a} against {b}, and "
                "the {confidence} interval of the difference ({low} to {high}) includes zero "
                "(unpaired: they were scored on different holdout rows)."
            )
        )
        return text.format(**values), True
    text = (
        _(
            "{first} is better than {second} on {metric}: {a} against {b} (difference "
            "{gap}, {confidence} interval {low} to {high})."
        )
        if paired
        else _(
            "{first} is better than {second} on {metric}: {a} against {b} (difference "
            "{gap}, {confidence} interval {low} to {high}) (unpaired: they were scored on "
            "different holdout rows)."
        )
    )
    return text.format(**values), False


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
    if more > 0:
        detail = _(
            "At the same false-alarm rate ({rate} of the '{negative}' cases flagged), {top} "
            "catches {a} of the '{positive}' cases and {other} {b}: {n} more of every 100."
        )
    elif more < 0:
        detail = _(
            "At the same false-alarm rate ({rate} of the '{negative}' cases flagged), {top} "
            "catches {a} of the '{positive}' cases and {other} {b}: {n} fewer of every 100."
        )
    else:
        detail = _(
            "At the same false-alarm rate ({rate} of the '{negative}' cases flagged), {top} "
            "catches {a} of the '{positive}' cases and {other} {b}: the same share."
        )
    gap = curves[top].best_value - curves[i].best_value
    low, high = _gap(view, top, i)
    worth = (
        _(
            "{other} is worth {value} per 1,000 at threshold {threshold}: {gap} less per 1,000 "
            "cases ({confidence} interval {low} to {high}), {total} for {population} cases."
        )
        if round(gap) > 0
        else _("{other} is worth {value} per 1,000 at threshold {threshold}: the same value.")
    )
    worth = worth.format(
        other=names[i], value=matrix.money(curves[i].best_value), confidence=format_percent(0.95),
        threshold=f"{curves[i].best_threshold:.2f}", gap=matrix.money(gap),
        low=matrix.money(low), high=matrix.money(high),
        total=matrix.money(gap * matrix.population / 1_000),
        population=format_number(matrix.population),
    )  # fmt: skip
    if low <= 0 <= high:
        worth += " " + _("The gap is within the uncertainty of the holdout.")
    return [
        detail.format(
            rate=format_percent(rate),
            negative=negative,
            top=names[top],
            a=format_percent(caught[0]),
            positive=positive,
            other=names[i],
            b=format_percent(caught[1]),
            n=abs(more),
        ),  # fmt: skip
        worth,
    ]


def threshold_sentence(curve: ValueCurve) -> str:
    """Where the threshold of ``curve`` was chosen, and what that means for its value."""
    if curve.chosen_on == "out-of-fold":
        return _(
            "Threshold {threshold} was chosen on out-of-fold predictions of the training rows "
            "and then valued once on the holdout, which played no part in choosing it, so this "
            "value is a fair estimate."
        ).format(threshold=f"{curve.best_threshold:.2f}")
    return _(
        "Threshold {threshold} was chosen on the same holdout rows that value it (this "
        "candidate predates out-of-fold thresholds), so this value is optimistic; run the "
        "autopilot again for a fair estimate."
    ).format(threshold=f"{curve.best_threshold:.2f}")


def _binary_sentences(view: dict) -> tuple[str, list[str]]:
    """The value of the most valuable candidate, against the simple rules and the others."""
    names, curves, matrix = view["names"], view["curves"], view["matrix"]
    entries = view["entries"]
    by_value = sorted(range(len(entries)), key=lambda i: -curves[i].best_value)
    top, curve = by_value[0], curves[by_value[0]]
    nobody = act_on_nobody(entries[top].diagnostics["curves"]["thresholds"], matrix)
    simple, rule = max((nobody, "nobody"), (curve.act_on_everyone, "everyone"))
    low, high = value_interval(_table(view, top), curve.best, matrix)
    money = matrix.money
    threshold = f"{curve.best_threshold:.2f}"
    out = [
        _(
            "With these values, {name} is worth {value} per 1,000 cases ({confidence} interval "
            "{low} to {high}) at threshold {threshold}: it acts on {flagged} of cases and "
            "catches {recall} of the '{positive}' cases ({total} for {population} cases)."
        ).format(
            name=names[top],
            value=money(curve.best_value),
            confidence=format_percent(0.95),
            low=money(low),
            high=money(high),
            threshold=threshold,
            flagged=format_percent(curve.flagged[curve.best]),
            recall=format_percent(curve.recall[curve.best]),
            positive=view["positive_label"],
            total=money(curve.for_population(matrix.population)),
            population=format_number(matrix.population),
        ),  # fmt: skip
        threshold_sentence(curve),
    ]
    if curve.best_value <= simple:
        keep = (
            _(
                "No candidate beats acting on nobody ({value} per 1,000 cases) at these values: "
                "keep that simple rule, or revisit the values."
            )
            if rule == "nobody"
            else _(
                "No candidate beats acting on everyone ({value} per 1,000 cases) at these "
                "values: keep that simple rule, or revisit the values."
            )
        )
        return keep.format(value=money(simple)), out
    instead = (
        _(
            "Acting on nobody instead would be worth {value} per 1,000 cases, so the model adds "
            "{gain} per 1,000."
        )
        if rule == "nobody"
        else _(
            "Acting on everyone instead would be worth {value} per 1,000 cases, so the model "
            "adds {gain} per 1,000."
        )
    )
    out.append(instead.format(value=money(simple), gain=money(curve.best_value - simple)))
    rate = curve.false_alarm[curve.best] or DEFAULT_FALSE_ALARM
    for i in by_value[1:]:
        out += _versus(view, top, i, rate)
    close = [names[i] for i in by_value[1:] if _gap(view, top, i)[0] <= 0]
    if close:
        return (
            _(
                "{name} is worth the most, but the holdout cannot separate its value from "
                "{others}; either is a sound choice."
            ).format(name=names[top], others=format_list(close)),
            out,
        )
    return (
        _("Choose {name} at threshold {threshold}: {value} per 1,000 cases.").format(
            name=names[top], threshold=threshold, value=money(curve.best_value)
        ),
        out,
    )


def _regression_sentences(view: dict, order: list[int], target: str) -> list[str]:
    names, values = view["names"], view["regression"]
    out = []
    for i in order:
        v = values[i]
        if v is None:
            continue
        out.append(
            _regression_template(v.relative, v.exact).format(
                name=names[i], mean=f"{v.mean_absolute_error:,.4g}", target=target,
                median=f"{v.median_absolute_error:,.4g}", within=format_percent(v.within),
                share=format_percent(v.tolerance), band=f"±{v.tolerance:,.4g}",
                rows=format_number(v.rows),
            )
        )  # fmt: skip
    return out


def _regression_template(relative: bool, exact: bool) -> str:
    """The sentence of one regressor: tolerance as a share or in units, every row or a sample."""
    if relative and exact:
        return _(
            "{name} is off by {mean} on average in '{target}' (median {median}); {within} of "
            "its predictions fall within {share} of the actual value of the truth."
        )
    if relative:
        return _(
            "{name} is off by {mean} on average in '{target}' (median {median}); {within} of "
            "its predictions fall within {share} of the actual value of the truth (from a "
            "sample of {rows} holdout rows)."
        )
    if exact:
        return _(
            "{name} is off by {mean} on average in '{target}' (median {median}); {within} of "
            "its predictions fall within {band} of the truth."
        )
    return _(
        "{name} is off by {mean} on average in '{target}' (median {median}); {within} of its "
        "predictions fall within {band} of the truth (from a sample of {rows} holdout rows)."
    )


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
                _(
                    "The largest difference from {other} is on '{label}': {best} finds {a} of "
                    "those cases and {other} {b}."
                ).format(
                    other=names[i],
                    label=a.label,
                    best=names[order[0]],
                    a=format_percent(a.recall or 0),
                    b=format_percent(b.recall or 0),
                )  # fmt: skip
            )
    return out


def _needs_diagnostics(entries: list[Entry], names: list[str]) -> None:
    missing = [n for e, n in zip(entries, names, strict=True) if not e.diagnostics]
    if missing:
        raise InvalidInputError(
            ngettext(
                "{names} has no stored holdout diagnostics yet; open the run on the Experiments "
                "page and compute them.",
                "{names} have no stored holdout diagnostics yet; open the run on the "
                "Experiments page and compute them.",
                len(missing),
            ).format(names=", ".join(missing))
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
    best = names[order[0]]
    if len(order) == 1:
        return _("{name} is the model described here; its numbers follow.").format(name=best)
    close = [names[i] for i in order[1:] if ties.get(i)]
    if close:
        return _(
            "{name} has the best {metric}, but the holdout cannot separate it from {others}; "
            "either is a sound choice."
        ).format(name=best, metric=label, others=format_list(close))
    return _("Choose {name}: its {metric} is clearly the best of those compared.").format(
        name=best, metric=label
    )

"""What a model is worth in the user's units: expected value of a binary classifier's decisions
under a cost/benefit matrix across thresholds, cumulative gains and lift, a regressor's error
within a tolerance, and a multiclass model's precision and recall per class.

Everything is computed from the holdout diagnostics stored when the run finished (see
``experiments.diagnostics``): counts of true/false positives/negatives at thresholds 0, 0.01,
..., 1, cumulative gains at 101 population shares, the confusion matrix, and for regression
predicted and actual values (every holdout row up to 2,000, a random sample beyond).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from studio.errors import InvalidInputError
from studio.i18n import _, format_number, format_percent

PER = 1_000  # values are given per 1,000 cases


@dataclass(frozen=True)
class CostMatrix:
    """The value of each outcome of one decision, in the user's unit (benefits positive,
    costs negative), and the population the decisions apply to."""

    tp: float = 100.0
    fp: float = -20.0
    fn: float = 0.0
    tn: float = 0.0
    population: int = 10_000
    unit: str = "$"

    def __post_init__(self) -> None:
        for name in ("tp", "fp", "fn", "tn"):
            if not math.isfinite(getattr(self, name)):
                raise InvalidInputError(
                    _("The value of a {outcome} must be a number.").format(outcome=name.upper())
                )
        if self.population < 1:
            raise InvalidInputError(_("The population must be at least 1 case."))
        if len(self.unit) > 12:
            raise InvalidInputError(_("The unit is at most 12 characters, e.g. $, EUR or hours."))

    def money(self, value: float, signed: bool = False) -> str:
        """``value`` written in the matrix's unit ($1,234 or 1,234 hours), digits grouped as the
        current language groups them; the unit is the user's (never converted)."""
        sign = "+" if signed and value > 0 else "-" if value < 0 else ""
        digits = format_number(round(abs(value)))
        short = len(self.unit) <= 1 or self.unit in ("$", "€", "£", "¥")
        return f"{sign}{self.unit}{digits}" if short else f"{sign}{digits} {self.unit}"


@dataclass(frozen=True)
class ValueCurve:
    """Expected value per 1,000 holdout cases at each threshold, and the chosen threshold.

    ``best`` is the threshold of highest value on the out-of-fold outputs when they are known
    (``chosen_on`` "out-of-fold"): the holdout then values that one threshold, an honest
    estimate. Without them (candidates stored before 0005) it is the holdout's own best
    (``chosen_on`` "holdout"), the maximum of 101 noisy estimates and so optimistic.
    """

    thresholds: tuple[float, ...]
    per_thousand: tuple[float, ...]
    best: int  # index of the chosen threshold (the lowest of equally good ones)
    flagged: tuple[float, ...]  # share of cases predicted positive
    recall: tuple[float, ...]
    false_alarm: tuple[float, ...]  # false positive rate
    chosen_on: str = "holdout"  # out-of-fold | holdout

    @property
    def best_threshold(self) -> float:
        """The chosen threshold."""
        return self.thresholds[self.best]

    @property
    def best_value(self) -> float:
        """The expected value per 1,000 holdout cases at the chosen threshold."""
        return self.per_thousand[self.best]

    def for_population(self, population: int) -> float:
        """The expected value at the best threshold for ``population`` cases."""
        return self.best_value * population / PER

    @property
    def act_on_everyone(self) -> float:
        """Value per 1,000 when every case is treated as positive (threshold 0)."""
        return self.per_thousand[0]


def _values(table: dict[str, list[float]], matrix: CostMatrix) -> np.ndarray:
    """Value per 1,000 cases at each threshold of a table of ``tp, fp, fn, tn`` counts."""
    tp, fp, fn, tn = (np.asarray(table[k], dtype=float) for k in ("tp", "fp", "fn", "tn"))
    cases = tp + fp + fn + tn
    if not np.all(cases > 0):
        raise InvalidInputError(_("The holdout of this candidate is empty; retrain it."))
    return (tp * matrix.tp + fp * matrix.fp + fn * matrix.fn + tn * matrix.tn) / cases * PER


def value_curve(
    table: dict[str, list[float]],
    matrix: CostMatrix,
    choose_on: dict[str, list[float]] | None = None,
) -> ValueCurve:
    """The value curve of a stored holdout threshold table (``tp, fp, fn, tn`` per threshold),
    with the threshold chosen on ``choose_on`` (the out-of-fold table over the same thresholds)
    when given, else on the holdout table itself."""
    tp, fp, fn, tn = (np.asarray(table[k], dtype=float) for k in ("tp", "fp", "fn", "tn"))
    cases = tp + fp + fn + tn
    value = _values(table, matrix)
    chosen = value if choose_on is None else _values(choose_on, matrix)
    positives, negatives = tp + fn, fp + tn
    with np.errstate(divide="ignore", invalid="ignore"):
        recall = np.where(positives > 0, tp / positives, 0.0)
        false_alarm = np.where(negatives > 0, fp / negatives, 0.0)
    return ValueCurve(
        tuple(float(t) for t in table["threshold"]),
        tuple(value.tolist()),
        int(np.argmax(chosen)),
        tuple(((tp + fp) / cases).tolist()),
        tuple(recall.tolist()),
        tuple(false_alarm.tolist()),
        "holdout" if choose_on is None else "out-of-fold",
    )


DRAWS = 2_000


def _cell_draws(table: dict[str, list[float]], index: int, draws: int, seed: int) -> np.ndarray:
    """Bootstrap resamples of the TP/FP/FN/TN counts at threshold ``index``: resampling the
    holdout rows at a fixed threshold is a multinomial draw over the four outcome cells."""
    counts = np.array([table[k][index] for k in ("tp", "fp", "fn", "tn")], dtype=float)
    total = int(counts.sum())
    return np.random.default_rng(seed).multinomial(total, counts / total, size=draws) / total


def value_draws(
    table: dict[str, list[float]], index: int, matrix: CostMatrix, seed: int = 0
) -> np.ndarray:
    """Bootstrap values per 1,000 cases at threshold ``index`` (the threshold held fixed)."""
    shares = _cell_draws(table, index, DRAWS, seed)
    return shares @ np.array([matrix.tp, matrix.fp, matrix.fn, matrix.tn]) * PER


def value_interval(
    table: dict[str, list[float]], index: int, matrix: CostMatrix, seed: int = 0
) -> tuple[float, float]:
    """The 95% bootstrap interval of the value per 1,000 cases at threshold ``index``."""
    low, high = np.percentile(value_draws(table, index, matrix, seed), [2.5, 97.5])
    return float(low), float(high)


def value_gap_interval(
    first: tuple[dict[str, list[float]], int],
    second: tuple[dict[str, list[float]], int],
    matrix: CostMatrix,
) -> tuple[float, float]:
    """The 95% interval of ``first`` minus ``second`` value per 1,000 cases, each at its own
    threshold, from independent resamples (unpaired: the stored counts do not say which rows
    both models got right, so this is wider than a paired interval)."""
    gap = value_draws(*first, matrix, seed=1) - value_draws(*second, matrix, seed=2)
    low, high = np.percentile(gap, [2.5, 97.5])
    return float(low), float(high)


def act_on_nobody(table: dict[str, list[float]], matrix: CostMatrix) -> float:
    """Value per 1,000 cases when no case is treated as positive (the do-nothing baseline)."""
    positives = table["tp"][0] + table["fn"][0]
    negatives = table["fp"][0] + table["tn"][0]
    return (positives * matrix.fn + negatives * matrix.tn) / (positives + negatives) * PER


@dataclass(frozen=True)
class Gains:
    """Share of positives found against the share of cases contacted, and the lift."""

    population: tuple[float, ...]
    found: tuple[float, ...]

    @property
    def lift(self) -> tuple[float | None, ...]:
        """Found share over contacted share (None at 0% contacted)."""
        return tuple(
            f / p if p > 0 else None for p, f in zip(self.population, self.found, strict=True)
        )

    def found_at(self, share: float) -> float:
        """The share of positives found when contacting the top ``share`` of cases."""
        return float(np.interp(share, self.population, self.found))


def gains_of(curves: dict[str, Any]) -> Gains:
    """The stored cumulative gains of a binary classifier."""
    stored = curves["gains"]
    return Gains(tuple(stored["population"]), tuple(stored["found"]))


def recall_at_false_alarm(curves: dict[str, Any], rate: float) -> float:
    """The share of positives caught when ``rate`` of the negatives are flagged (ROC curve)."""
    roc = curves["roc"]
    return float(np.interp(rate, roc["fpr"], roc["tpr"]))


@dataclass(frozen=True)
class RegressionValue:
    """A regressor's error in the target's unit and the share within a tolerance."""

    mean_absolute_error: float
    median_absolute_error: float
    within: float  # share of predictions within the tolerance
    tolerance: float
    relative: bool  # tolerance as a fraction of the actual value
    rows: int  # rows the shares come from
    exact: bool  # False when they come from a sample of the holdout


def regression_value(curves: dict[str, Any], tolerance: float, relative: bool) -> RegressionValue:
    """Errors and the share within ``tolerance`` (absolute, or a fraction of the actual)."""
    if not math.isfinite(tolerance) or tolerance <= 0:
        raise InvalidInputError(_("The tolerance must be a positive number."))
    actual = np.asarray(curves["actual"], dtype=float)
    error = np.abs(actual - np.asarray(curves["predicted"], dtype=float))
    limit = tolerance * np.abs(actual) if relative else tolerance
    shown = curves.get("within", {})
    return RegressionValue(
        float(error.mean()),
        float(np.median(error)),
        float(np.mean(error <= limit)),
        tolerance,
        relative,
        int(len(error)),
        shown.get("shown_points", len(error)) >= shown.get("rows", len(error)),
    )


@dataclass(frozen=True)
class ClassQuality:
    """One class of a multiclass model: how often it is right when it says so, and how many
    of the class it finds."""

    label: str
    support: int
    precision: float | None
    recall: float | None

    def sentence(self) -> str:
        """The two numbers in plain words, in the current language."""
        said, found = self.precision is not None, self.recall is not None
        if said and found:
            text = _(
                "When the model says '{label}', it is right {precision} of the time; it finds "
                "{recall} of the {support} actual '{label}' cases."
            )
        elif said:
            text = _(
                "When the model says '{label}', it is right {precision} of the time; there is "
                "no '{label}' case in the holdout."
            )
        elif found:
            text = _(
                "The model never says '{label}'; it finds {recall} of the {support} actual "
                "'{label}' cases."
            )
        else:
            text = _("The model never says '{label}'; there is no '{label}' case in the holdout.")
        return text.format(
            label=self.label,
            precision=format_percent(self.precision or 0),
            recall=format_percent(self.recall or 0),
            support=format_number(self.support),
        )


def class_quality(curves: dict[str, Any]) -> list[ClassQuality]:
    """Precision and recall per class from the stored confusion matrix (rows: actual)."""
    matrix = np.asarray(curves["confusion"], dtype=float)
    out = []
    for k, label in enumerate(curves["labels"]):
        said, actual = matrix[:, k].sum(), matrix[k, :].sum()
        out.append(
            ClassQuality(
                str(label),
                int(actual),
                float(matrix[k, k] / said) if said else None,
                float(matrix[k, k] / actual) if actual else None,
            )
        )
    return out


def within_curve(
    curves: dict[str, Any], relative: bool, upto: float, points: int = 101
) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """The share of predictions within each tolerance from 0 to ``upto`` (absolute, or as a
    fraction of the actual value)."""
    actual = np.asarray(curves["actual"], dtype=float)
    error = np.abs(actual - np.asarray(curves["predicted"], dtype=float))
    scaled = error / np.maximum(np.abs(actual), 1e-12) if relative else error
    grid = np.linspace(0, upto, points)
    shares = np.searchsorted(np.sort(scaled), grid, side="right") / max(len(scaled), 1)
    return tuple(grid.tolist()), tuple(shares.tolist())

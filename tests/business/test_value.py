"""Expected value, thresholds, gains, regression tolerance and per-class quality, checked
against brute-force computations on the raw predictions."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import precision_score, recall_score

from studio.business.value import (
    CostMatrix,
    act_on_nobody,
    class_quality,
    gains_of,
    recall_at_false_alarm,
    regression_value,
    value_curve,
    value_gap_interval,
    value_interval,
    within_curve,
)
from studio.errors import InvalidInputError
from studio.experiments.diagnostics import classification, regression


def _binary(seed: int, n: int = 700) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.3).astype(int)
    proba = np.clip(0.3 * y + rng.random(n) * 0.7, 0, 1).round(3)  # ties on purpose
    return y, proba


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize(
    "matrix",
    [CostMatrix(100, -20, 0, 0), CostMatrix(50, -5, -40, 1), CostMatrix(1, -30, 0, 0)],
)
def test_value_per_thousand_and_best_threshold_match_brute_force(
    seed: int, matrix: CostMatrix
) -> None:
    y, proba = _binary(seed)
    curves = classification(y, proba, ["no", "yes"])
    curve = value_curve(curves["thresholds"], matrix)
    brute = []
    for t in np.round(np.linspace(0, 1, 101), 2):
        flagged = proba >= t
        tp, fp = np.sum(flagged & (y == 1)), np.sum(flagged & (y == 0))
        fn, tn = np.sum(~flagged & (y == 1)), np.sum(~flagged & (y == 0))
        total = tp * matrix.tp + fp * matrix.fp + fn * matrix.fn + tn * matrix.tn
        brute.append(total / len(y) * 1000)
    assert np.allclose(curve.per_thousand, brute)
    assert curve.best == int(np.argmax(brute))  # the lowest of equally good thresholds
    assert curve.best_value == pytest.approx(max(brute))
    assert curve.for_population(25_000) == pytest.approx(max(brute) * 25)
    at = curve.best_threshold
    assert curve.recall[curve.best] == pytest.approx(recall_score(y, proba >= at))
    assert curve.flagged[curve.best] == pytest.approx(np.mean(proba >= at))
    nobody = (np.sum(y == 1) * matrix.fn + np.sum(y == 0) * matrix.tn) / len(y) * 1000
    assert act_on_nobody(curves["thresholds"], matrix) == pytest.approx(nobody)
    assert curve.act_on_everyone == pytest.approx(brute[0])


def test_gains_lift_and_recall_at_a_false_alarm_rate() -> None:
    y, proba = _binary(3, n=1000)
    curves = classification(y, proba, ["no", "yes"])
    gains = gains_of(curves)
    top = np.argsort(-proba, kind="stable")[:200]
    assert gains.found_at(0.2) == pytest.approx(y[top].sum() / y.sum(), abs=1e-4)
    assert gains.lift[20] == pytest.approx(gains.found[20] / 0.2)
    assert gains.lift[0] is None
    # the ROC curve's TPR where 10% of negatives are flagged, against the raw scores
    negatives = np.sort(proba[y == 0])[::-1]
    cut = negatives[int(0.1 * len(negatives))]
    raw = np.mean(proba[y == 1] > cut)
    assert recall_at_false_alarm(curves, 0.1) == pytest.approx(raw, abs=0.03)


def test_regression_error_within_a_tolerance() -> None:
    rng = np.random.default_rng(4)
    y = rng.normal(100, 20, 800)
    predicted = y + rng.normal(0, 5, 800)
    curves = regression(y, predicted)
    absolute = regression_value(curves, 5.0, relative=False)
    assert absolute.within == pytest.approx(np.mean(np.abs(y - predicted) <= 5.0), abs=1e-4)
    assert absolute.mean_absolute_error == pytest.approx(np.mean(np.abs(y - predicted)), rel=1e-4)
    assert absolute.exact  # 800 rows are all kept
    relative = regression_value(curves, 0.05, relative=True)
    assert relative.within == pytest.approx(
        np.mean(np.abs(y - predicted) <= 0.05 * np.abs(y)), abs=1e-4
    )
    grid, shares = within_curve(curves, relative=False, upto=20)
    assert grid[25] == pytest.approx(5.0) and shares[25] == pytest.approx(absolute.within)
    assert shares[0] <= shares[50] <= shares[-1]
    big = regression(rng.normal(0, 1, 5000), rng.normal(0, 1, 5000))
    assert not regression_value(big, 1.0, relative=False).exact
    with pytest.raises(InvalidInputError, match="positive number"):
        regression_value(curves, 0, relative=False)


def test_class_quality_matches_sklearn_and_reads_as_words() -> None:
    rng = np.random.default_rng(5)
    y = rng.integers(0, 3, 600)
    proba = rng.dirichlet(np.ones(3), 600)
    proba[np.arange(600), y] += 0.4
    proba /= proba.sum(axis=1, keepdims=True)
    curves = classification(y, proba, ["a", "b", "c"])
    quality = class_quality(curves)
    predicted = proba.argmax(axis=1)
    assert [q.precision for q in quality] == pytest.approx(
        precision_score(y, predicted, average=None)
    )
    assert [q.recall for q in quality] == pytest.approx(recall_score(y, predicted, average=None))
    text = quality[0].sentence()
    assert text.startswith("When the model says 'a', it is right ")
    assert f"of the {np.sum(y == 0):,} actual 'a' cases." in text


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"tp": float("nan")}, "TP must be a number"),
        ({"population": 0}, "at least 1 case"),
        ({"unit": "x" * 13}, "at most 12 characters"),
    ],
)
def test_bad_matrices_are_one_sentence(values: dict, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        CostMatrix(**values)


def test_money_is_written_in_the_unit() -> None:
    assert CostMatrix(unit="$").money(1234.4) == "$1,234"
    assert CostMatrix(unit="hours").money(-50, signed=True) == "-50 hours"
    assert CostMatrix(unit="€").money(10, signed=True) == "+€10"


def test_value_intervals_match_a_naive_row_bootstrap() -> None:
    """At a fixed threshold, resampling rows is a multinomial draw over the four outcomes:
    the intervals agree with a naive bootstrap over the rows (up to Monte Carlo noise)."""
    matrix = CostMatrix(100, -20, -10, 1)
    y, proba = _binary(6, n=600)
    y2, proba2 = _binary(7, n=600)
    tables = [
        classification(a, b, ["no", "yes"])["thresholds"] for a, b in ((y, proba), (y2, proba2))
    ]
    index = 40  # threshold 0.40
    rng = np.random.default_rng(0)

    def naive(y_: np.ndarray, p_: np.ndarray) -> np.ndarray:
        out = []
        for _ in range(2000):
            pick = rng.integers(0, len(y_), len(y_))
            yy, flagged = y_[pick], p_[pick] >= 0.40
            total = (
                np.sum(flagged & (yy == 1)) * matrix.tp
                + np.sum(flagged & (yy == 0)) * matrix.fp
                + np.sum(~flagged & (yy == 1)) * matrix.fn
                + np.sum(~flagged & (yy == 0)) * matrix.tn
            )
            out.append(total / len(yy) * 1000)
        return np.array(out)

    first, second = naive(y, proba), naive(y2, proba2)
    low, high = value_interval(tables[0], index, matrix)
    ref_low, ref_high = np.percentile(first, [2.5, 97.5])
    width = ref_high - ref_low
    assert abs(low - ref_low) < 0.08 * width and abs(high - ref_high) < 0.08 * width
    gap_low, gap_high = value_gap_interval((tables[0], index), (tables[1], index), matrix)
    ref = np.percentile(first - second, [2.5, 97.5])
    assert abs(gap_low - ref[0]) < 0.08 * (ref[1] - ref[0])
    assert abs(gap_high - ref[1]) < 0.08 * (ref[1] - ref[0])

"""The plain-language summary on a table of cases: a clear win, a tie within the interval, a
model that loses to a simple rule, regression and multiclass. Candidates carry real holdout
diagnostics computed from their predictions, as a finished run stores them."""

from __future__ import annotations

import numpy as np
import pytest

from studio.autopilot.metrics import LEADERBOARD_METRICS, METRICS, score
from studio.business.summary import build_view
from studio.business.value import CostMatrix
from studio.errors import InvalidInputError
from studio.experiments.compare import Entry
from studio.experiments.diagnostics import holdout_diagnostics

N = 800


def _entry(name: str, task: str, y: np.ndarray, output: np.ndarray, labels: list[str]) -> Entry:
    metric = {"binary": "roc_auc", "multiclass": "accuracy", "regression": "r2"}[task]
    holdout = {m: score(METRICS[m], y, output) for m in LEADERBOARD_METRICS[task]}
    diagnostics = holdout_diagnostics(task, labels, y, output, seed=7)
    return Entry(
        id=hash(name) % 1000, ref=f"1:{name}", run_id=1, name=name, family="linear",
        dataset="d", version=1, target="outcome", task=task, metric=metric,
        holdout_key=(1, 7, 0.2), cv_score=0.0, cv_std=0.0, holdout=holdout, params={},
        diagnostics=diagnostics,
    )  # fmt: skip


def _binary_pair(signal_a: float, signal_b: float, noise_b: float = 1.0) -> list[Entry]:
    rng = np.random.default_rng(0)
    y = (rng.random(N) < 0.3).astype(int)
    base = rng.normal(0, 1, N)
    a = 1 / (1 + np.exp(-(signal_a * (2 * y - 1) + base)))
    b = 1 / (1 + np.exp(-(signal_b * (2 * y - 1) + noise_b * base + 0.05 * rng.normal(0, 1, N))))
    return [_entry("strong", "binary", y, a, ["no", "yes"]),
            _entry("weak", "binary", y, b, ["no", "yes"])]  # fmt: skip


def test_a_clear_win_names_the_winner_its_value_and_the_detection_gap() -> None:
    entries = _binary_pair(1.5, 0.3)
    view = build_view(entries, CostMatrix(100, -20, 0, 0, population=50_000, unit="$"))
    first = view.sentences[0]
    assert first.startswith("strong is better than weak on ROC AUC: ")
    assert "95% interval +" in first
    assert view.recommendation.startswith("Choose strong at threshold ")
    assert "per 1,000 cases" in view.recommendation
    value = next(s for s in view.sentences if s.startswith("With these values, strong is worth"))
    best = view.curves[0]
    assert f"${best.best_value:,.0f} per 1,000" in value
    assert "for 50,000 cases" in value
    gap = next(s for s in view.sentences if s.startswith("At the same false-alarm rate"))
    assert "more of every 100" in gap
    assert "less per 1,000 cases" in next(
        s for s in view.sentences if s.startswith("weak is worth")
    )
    assert not any("uncertainty" in s for s in view.sentences)
    assert "(95% interval $" in value


def test_a_tie_within_the_interval_is_said_honestly() -> None:
    entries = _binary_pair(1.0, 1.0, noise_b=1.0)
    view = build_view(entries, CostMatrix(100, -20, 0, 0))
    assert "cannot be told apart on ROC AUC" in view.sentences[0]
    assert "includes zero" in view.sentences[0]
    assert "cannot separate its value from" in view.recommendation
    assert any("within the uncertainty of the holdout" in s for s in view.sentences)


def test_when_no_model_beats_a_simple_rule_the_summary_says_so() -> None:
    entries = _binary_pair(0.1, 0.05)  # weak models: their top scores are mixed
    view = build_view(entries, CostMatrix(1, -100, 0, 0))
    assert view.recommendation.startswith("No candidate beats acting on nobody")


def test_regression_speaks_in_the_target_unit_and_tolerance() -> None:
    rng = np.random.default_rng(1)
    y = rng.normal(200, 40, N)
    good, poor = y + rng.normal(0, 8, N), y + rng.normal(0, 30, N)
    entries = [
        _entry("poor", "regression", y, poor, []),
        _entry("good", "regression", y, good, []),
    ]
    view = build_view(entries, tolerance=10, relative=False)
    assert view.sentences[0].startswith("good is better than poor on R²")
    assert view.recommendation == "Choose good: its R² is clearly the best of those compared."
    text = next(s for s in view.sentences if s.startswith("good is off by"))
    within = np.mean(np.abs(y - good) <= 10)
    assert f"{within:.0%} of its predictions fall within ±10 of the truth" in text
    assert "in 'outcome'" in text


def test_multiclass_reads_per_class_and_names_the_largest_gap() -> None:
    rng = np.random.default_rng(2)
    y = rng.integers(0, 3, N)

    def proba(strength: np.ndarray) -> np.ndarray:
        p = rng.dirichlet(np.ones(3), N)
        p[np.arange(N), y] += strength[y]
        return p / p.sum(axis=1, keepdims=True)

    a = _entry("a", "multiclass", y, proba(np.array([0.9, 0.9, 0.9])), ["x", "y", "z"])
    b = _entry("b", "multiclass", y, proba(np.array([0.9, 0.9, 0.0])), ["x", "y", "z"])
    view = build_view([b, a])
    assert view.sentences[0].startswith("a is better than b on Accuracy")
    assert any(s.startswith("a: When the model says 'x', it is right ") for s in view.sentences)
    assert any("The largest difference from b is on 'z'" in s for s in view.sentences)


def test_a_single_model_and_missing_diagnostics() -> None:
    entry = _binary_pair(1.5, 0.3)[0]
    view = build_view([entry], CostMatrix(100, -20, 0, 0), names=["churn@3"])
    assert view.names == ("churn@3",)
    assert view.recommendation.startswith("Choose churn@3 at threshold")
    bare = Entry(**(entry.__dict__ | {"diagnostics": None}))
    with pytest.raises(InvalidInputError, match="strong has no stored holdout diagnostics"):
        build_view([bare])

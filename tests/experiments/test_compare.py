"""Comparing candidates: deltas, best values, bootstrap intervals, parameters, refusals."""

from __future__ import annotations

import numpy as np
import pytest

from studio.context import Studio
from studio.errors import InvalidInputError, NotFoundError
from studio.experiments.annotations import set_tags
from studio.experiments.compare import comparable_candidates, compare
from tests.experiments.conftest import add_candidate, add_run

rng = np.random.default_rng(0)
Y = rng.integers(0, 2, 400)


def _proba(strength: float, seed: int) -> np.ndarray:
    noise = np.random.default_rng(seed).random(400)
    p = np.clip(strength * Y + (1 - strength) * noise, 0, 1)
    return np.column_stack([1 - p, p])


@pytest.fixture
def two_runs(studio: Studio, churn_version: int) -> dict[str, int]:
    """Run A (two candidates) and run B (one) on churn; run C predicts another target."""
    a = add_run(studio, churn_version)
    b = add_run(studio, churn_version, config={"seed": 1, "holdout": 0.2})
    c = add_run(studio, churn_version, target="plan", task="multiclass", metric="accuracy")
    return {
        "strong": add_candidate(studio, a, "hgb-t3", _proba(0.3, 1), Y,
                                params={"learning_rate": 0.1, "max_iter": 300}),
        "close": add_candidate(studio, a, "hgb-t7", _proba(0.3, 3), Y,
                               params={"learning_rate": 0.2, "max_iter": 300}),
        "weak": add_candidate(studio, b, "linear-t1", _proba(0.08, 2), Y, family="linear",
                              params={"C": 1.0}, seed=1),
        "other_target": add_candidate(studio, c, "hgb-t0", None, None),
        "run_a": a,
    }  # fmt: skip


def test_metrics_deltas_best_and_verdicts(studio: Studio, two_runs: dict[str, int]) -> None:
    """A near-copy is 'no clear difference'; a much weaker model is 'worse'."""
    result = compare(studio, [two_runs["strong"], two_runs["close"], two_runs["weak"]])
    auc = result.metrics[0]
    assert auc.metric == "roc_auc" and auc.best == 0
    assert auc.deltas[0] == 0
    assert auc.deltas[2] == pytest.approx(auc.values[2] - auc.values[0])
    assert auc.verdict(1) == "no clear difference"
    assert auc.verdict(2) == "worse"
    assert auc.paired == (True, True, False)  # run B used another seed: other holdout rows
    for value, (low, high) in zip(auc.values, auc.intervals, strict=True):
        assert low <= value <= high
    loss = next(m for m in result.metrics if m.metric == "log_loss")
    assert loss.best == int(np.argmin(loss.values))  # lower is better


def test_parameter_differences(studio: Studio, two_runs: dict[str, int]) -> None:
    """Each parameter is listed once, flagged when the candidates disagree."""
    result = compare(studio, [two_runs["strong"], two_runs["close"]])
    rows = {name: (values, differs) for name, values, differs in result.params}
    assert rows["learning_rate"] == ((0.1, 0.2), True)
    assert rows["max_iter"] == ((300, 300), False)
    assert rows["family"] == (("hgb", "hgb"), False)


def test_refusals_are_sentences(studio: Studio, two_runs: dict[str, int]) -> None:
    """Different targets, a single candidate, unknown ids and malformed refs are refused."""
    with pytest.raises(
        InvalidInputError, match="compare candidates of the same dataset and target"
    ):
        compare(studio, [two_runs["strong"], two_runs["other_target"]])
    with pytest.raises(InvalidInputError, match="at least two different candidates"):
        compare(studio, [two_runs["strong"], two_runs["strong"]])
    with pytest.raises(NotFoundError, match="There is no candidate 9999"):
        compare(studio, [two_runs["strong"], 9999])
    with pytest.raises(InvalidInputError, match="RUN:NAME"):
        compare(studio, [two_runs["strong"], "hgb; drop table"])


def test_refs_by_run_and_name(studio: Studio, two_runs: dict[str, int]) -> None:
    """RUN:NAME names a candidate as well as its id does."""
    run_a = two_runs["run_a"]
    result = compare(studio, [f"{run_a}:hgb-t3", f"{run_a}:hgb-t7"])
    assert [e.id for e in result.entries] == [two_runs["strong"], two_runs["close"]]
    document = result.to_json()
    assert document["metrics"][0]["verdicts"][1] == "no clear difference"


def test_comparable_candidates_span_runs_on_the_same_target(
    studio: Studio, two_runs: dict[str, int]
) -> None:
    """The picker offers candidates of every run on the same dataset and target only."""
    ids = [cid for cid, _label in comparable_candidates(studio, two_runs["run_a"])]
    assert set(ids) == {two_runs["strong"], two_runs["close"], two_runs["weak"]}
    set_tags(
        studio, "candidate", two_runs["strong"], ["champion"], "ana"
    )  # tags on candidates work

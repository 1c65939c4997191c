"""The greedy ensemble's CV score is nested: weights chosen on the other folds' out-of-fold
outputs, scored on the fold they did not see; checked against a naive loop written here."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, TimeSeriesSplit

from studio.autopilot import ensemble as ens
from studio.autopilot.metrics import METRICS
from studio.tracking import CandidateInfo


def noisy_candidates(n: int = 60, models: int = 8, seed: int = 0) -> tuple[list, np.ndarray]:
    """A small binary table and many candidates whose outputs are mostly noise (one weakly
    informative): greedy selection fits the noise of the rows it is scored on."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    outputs = []
    for m in range(models):
        p = rng.uniform(0, 1, n)
        if m == 0:
            p = np.clip(0.15 * y + 0.85 * p, 0, 1)
        outputs.append(np.column_stack([1 - p, p]))
    return outputs, y


ROUNDS = 8  # fewer greedy rounds than Studio's 25 keep the test fast; the loop is the same


@pytest.fixture(autouse=True)
def _rounds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ens, "ROUNDS", ROUNDS)


def naive_greedy(outputs: list[np.ndarray], y: np.ndarray, rounds: int = ROUNDS) -> np.ndarray:
    """Caruana's selection with replacement, by hand: each round add the model whose addition
    gives the best ROC AUC of the running average (the first such model on ties)."""
    counts = np.zeros(len(outputs), dtype=int)
    total = np.zeros_like(outputs[0])
    for r in range(rounds):
        best, pick = -np.inf, 0
        for i, out in enumerate(outputs):
            value = roc_auc_score(y, ((total + out) / (r + 1))[:, 1])
            if value > best:
                best, pick = value, i
        counts[pick] += 1
        total = total + outputs[pick]
    return counts


def naive_nested(outputs: list[np.ndarray], y: np.ndarray, folds: list) -> list[float]:
    """For each fold: weights from the other folds' validation rows, AUC on this fold's."""
    scores = []
    for k, (_, valid) in enumerate(folds):
        others = sorted(i for j, (_, v) in enumerate(folds) if j != k for i in v)
        counts = naive_greedy([o[others] for o in outputs], y[others])
        blend = sum(c * o[valid] for c, o in zip(counts, outputs, strict=True)) / counts.sum()
        scores.append(roc_auc_score(y[valid], blend[:, 1]))
    return scores


@pytest.mark.parametrize("seed", [0, 2])
def test_nested_score_matches_a_naive_loop_and_is_below_the_in_sample_score(seed: int) -> None:
    """With noisy candidates on 60 rows the in-sample CV score (weights chosen on every
    fold) flatters the ensemble; the nested score equals the naive loop's and is lower."""
    outputs, y = noisy_candidates(seed=seed)
    folds = list(StratifiedKFold(5, shuffle=True, random_state=seed).split(y, y))
    metric = METRICS["roc_auc"]
    nested = ens.nested_scores(outputs, y, folds, metric)
    assert nested == pytest.approx(naive_nested(outputs, y, folds), abs=1e-12)
    weights = ens.greedy_weights(outputs, y, metric)
    assert weights.tolist() == naive_greedy(outputs, y).tolist()
    in_sample = ens.fold_scores(ens.blend(outputs, weights.astype(float)), y, folds, metric)
    assert np.mean(nested) < np.mean(in_sample) - 0.05


def test_nested_score_with_time_ordered_folds_skips_rows_no_fold_validates() -> None:
    """Time-ordered folds never validate the earliest rows (their out-of-fold outputs are
    NaN); the nested score uses validated rows only and still matches the naive loop."""
    outputs, y = noisy_candidates(n=90, seed=3)
    folds = list(TimeSeriesSplit(5).split(y))
    first = folds[0][1][0]
    outputs = [np.where(np.arange(90)[:, None] < first, np.nan, o) for o in outputs]
    assert ens.covered(folds).tolist() == list(range(first, 90))
    nested = ens.nested_scores(outputs, y, folds, METRICS["roc_auc"])
    assert not np.isnan(nested).any()
    assert nested == pytest.approx(naive_nested(outputs, y, folds), abs=1e-12)


@pytest.mark.parametrize(
    ("family", "params", "note"),
    [
        ("ensemble", {"members": {"a": 1}, "cv": "nested"},
         "cross-validated on folds its weights did not see"),
        ("ensemble", {"members": {"a": 1}}, "in-sample: its weights were chosen on the same"),
        ("linear", {"C": 1.0}, ""),
    ],
)  # fmt: skip
def test_the_leaderboard_says_which_score_an_ensemble_carries(
    family: str, params: dict, note: str
) -> None:
    """A nested ensemble says so, one from before says its score is in-sample, singles
    carry nothing to explain."""
    candidate = CandidateInfo(1, "x", 1, family, None, params, 0.9, 0.01, {}, 1.0, 1.0, 10, "",
                              "", False)  # fmt: skip
    assert candidate.cv_note.startswith(note)
    assert candidate.to_json()["cv_note"] == candidate.cv_note

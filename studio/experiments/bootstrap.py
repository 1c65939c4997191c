"""Bootstrap samples of the leaderboard metrics, vectorised over resamples.

A resample is a vector of row counts (how often each holdout row was drawn). Every metric is
computed from those counts used as sample weights, for all resamples at once, which gives the
same values as scikit-learn on the resampled rows (the tests check it) a hundred times faster.
Resamples come from a seed, so every candidate scored on one holdout sees the same resamples and
two candidates can be compared pair by pair.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

BOOTSTRAP_SAMPLES = 200
CHUNK_CELLS = 20_000_000  # resamples x rows held in memory at once


def resample_counts(rows: int, seed: int, samples: int) -> np.ndarray:
    """A ``samples x rows`` matrix of draw counts (each row sums to ``rows``)."""
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, rows, size=(samples, rows))
    flat = (draws + np.arange(samples)[:, None] * rows).ravel()
    return np.bincount(flat, minlength=samples * rows).reshape(samples, rows).astype(np.float64)


def _auc(truth: np.ndarray, scores: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted ROC AUC for every row of weights ``w`` (ties count one half)."""
    order = np.argsort(scores, kind="stable")
    sorted_scores, sorted_truth, ws = scores[order], truth[order], w[:, order]
    starts = np.flatnonzero(np.r_[True, sorted_scores[1:] != sorted_scores[:-1]])
    pos = np.add.reduceat(ws * sorted_truth, starts, axis=1)
    neg = np.add.reduceat(ws * (1 - sorted_truth), starts, axis=1)
    below = np.cumsum(neg, axis=1) - neg
    total = pos.sum(axis=1) * neg.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, (pos * (below + 0.5 * neg)).sum(axis=1) / total, np.nan)


def _proba2(output: np.ndarray) -> np.ndarray:
    return np.column_stack([1 - output, output]) if output.ndim == 1 else output


def _counts(y: np.ndarray, predicted: np.ndarray, w: np.ndarray, k: int) -> tuple:
    tp = np.stack([(w * ((y == c) & (predicted == c))).sum(axis=1) for c in range(k)], axis=1)
    true = np.stack([(w * (y == c)).sum(axis=1) for c in range(k)], axis=1)
    pred = np.stack([(w * (predicted == c)).sum(axis=1) for c in range(k)], axis=1)
    return tp, true, pred


def _masked_mean(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(mask.any(axis=1), (values * mask).sum(axis=1) / mask.sum(axis=1), np.nan)


def _classification(name: str, y: np.ndarray, output: np.ndarray, w: np.ndarray) -> np.ndarray:
    proba = _proba2(output)
    k, n = proba.shape[1], w.sum(axis=1)
    predicted = proba.argmax(axis=1)
    if name == "accuracy":
        return (w * (predicted == y)).sum(axis=1) / n
    if name == "log_loss":
        p = np.clip(proba[np.arange(len(y)), y], np.finfo(float).eps, 1.0)
        return (w * -np.log(p)).sum(axis=1) / n
    if name == "roc_auc":
        if k == 2:
            return _auc(y, proba[:, 1], w)
        return np.mean([_auc((y == c).astype(float), proba[:, c], w) for c in range(k)], axis=0)
    tp, true, pred = _counts(y, predicted, w, k)
    with np.errstate(invalid="ignore", divide="ignore"):
        f1 = np.where(true + pred > 0, 2 * tp / (true + pred), 0.0)
        if name == "f1":
            return f1[:, 1]
        if name == "f1_macro":
            return _masked_mean(f1, (true + pred) > 0)
        if name == "balanced_accuracy":
            return _masked_mean(np.where(true > 0, tp / true, 0.0), true > 0)
    raise KeyError(name)


def _regression(name: str, y: np.ndarray, predicted: np.ndarray, w: np.ndarray) -> np.ndarray:
    n = w.sum(axis=1)
    error = y - predicted
    if name == "mae":
        return (w * np.abs(error)).sum(axis=1) / n
    if name == "rmse":
        return np.sqrt((w * error**2).sum(axis=1) / n)
    if name == "r2":
        mean = (w * y).sum(axis=1) / n
        total = (w * (y[None, :] - mean[:, None]) ** 2).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(total > 0, 1 - (w * error**2).sum(axis=1) / total, np.nan)
    raise KeyError(name)


def bootstrap_metrics(
    task: str, names: tuple[str, ...], y: np.ndarray, output: np.ndarray, seed: int,
    samples: int = BOOTSTRAP_SAMPLES,
) -> dict[str, list[float | None]]:  # fmt: skip
    """``samples`` bootstrap values of each metric in ``names`` (None where undefined)."""
    compute: Callable = _regression if task == "regression" else _classification
    rows = len(y)
    per_chunk = max(1, CHUNK_CELLS // max(rows, 1))
    result: dict[str, list[float | None]] = {name: [] for name in names}
    for start in range(0, samples, per_chunk):
        size = min(per_chunk, samples - start)
        w = resample_counts(rows, seed * 1_000_003 + start, size)
        for name in names:
            values = compute(name, y, output, w)
            result[name] += [None if np.isnan(v) else round(float(v), 6) for v in values]
    return result

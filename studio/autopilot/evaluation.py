"""Cross-validation and final refits of candidate pipelines, each in an isolated child process."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import skops.io as sio

from studio.autopilot.isolated import Outcome, Send, run_isolated
from studio.autopilot.metrics import Metric, score
from studio.autopilot.pipeline import CandidateSpec, build_pipeline, model_output
from studio.autopilot.prepare import ColumnPlan

LATENCY_ROWS = 1_000


@dataclass(frozen=True, eq=False)
class TrainingData:
    """The search's view of a run's data: training rows, folds, and the unseen holdout."""

    X: pd.DataFrame
    y: np.ndarray
    folds: list[tuple[np.ndarray, np.ndarray]]
    X_holdout: pd.DataFrame
    y_holdout: np.ndarray
    plan: ColumnPlan
    metric: Metric
    task: str
    n_classes: int

    def empty_output(self) -> np.ndarray:
        """An all-NaN array shaped like the model output over the training rows."""
        shape = (len(self.y),) if self.task == "regression" else (len(self.y), self.n_classes)
        return np.full(shape, np.nan)


@dataclass(frozen=True, eq=False)
class CvResult:
    """Per-fold scores, out-of-fold outputs and mean fit seconds of one cross-validation."""

    scores: list[float]
    oof: np.ndarray
    fit_seconds: float


@dataclass(frozen=True, eq=False)
class RefitResult:
    """A candidate refit on all training rows and saved: its holdout output and costs."""

    holdout_output: np.ndarray
    fit_seconds: float
    predict_ms_per_1k: float


def cross_validate(
    data: TrainingData,
    spec: CandidateSpec,
    deadline: float,
    on_fold: Callable[[int, float], bool],
) -> tuple[Outcome, CvResult | None]:
    """K-fold CV of ``spec``; ``on_fold(i, score)`` returning False stops it (pruning)."""

    def work(send: Send) -> None:
        for index, (train, valid) in enumerate(data.folds):
            model = build_pipeline(spec, data.plan)
            start = time.perf_counter()
            model.fit(data.X.iloc[train], data.y[train])
            seconds = time.perf_counter() - start
            output = model_output(model, data.X.iloc[valid])
            send(("fold", (index, score(data.metric, data.y[valid], output), seconds, output)))

    oof, scores, seconds = data.empty_output(), [], []

    def collect(payload: tuple) -> bool:
        index, value, fit_seconds, output = payload
        oof[data.folds[index][1]] = output
        scores.append(value)
        seconds.append(fit_seconds)
        return on_fold(index, value)

    outcome = run_isolated(work, deadline, collect)
    if outcome.status != "done":
        return outcome, None
    return outcome, CvResult(scores, oof, float(np.mean(seconds)))


def refit_and_save(
    data: TrainingData, spec: CandidateSpec, path: Path, deadline: float
) -> tuple[Outcome, RefitResult | None]:
    """Fit ``spec`` on every training row, save it with skops at ``path``, score the holdout."""

    def work(_send: Send) -> RefitResult:
        model = build_pipeline(spec, data.plan)
        start = time.perf_counter()
        model.fit(data.X, data.y)
        fit_seconds = time.perf_counter() - start
        holdout = model_output(model, data.X_holdout)
        sio.dump(model, path)
        return RefitResult(holdout, fit_seconds, predict_latency_ms(model, data.X))

    outcome = run_isolated(work, deadline)
    return outcome, outcome.result if outcome.status == "done" else None


def predict_latency_ms(model: object, frame: pd.DataFrame) -> float:
    """Milliseconds to predict 1,000 rows (best of three)."""
    rows = frame.sample(LATENCY_ROWS, replace=len(frame) < LATENCY_ROWS, random_state=0)
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        model_output(model, rows)
        best = min(best, time.perf_counter() - start)
    return best * 1000

"""Cross-validation and final refits of candidate pipelines, each in an isolated child process."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import skops.io as sio
from threadpoolctl import threadpool_limits

from studio.artifacts import ArtifactStore
from studio.autopilot.ensemble import voting_model
from studio.autopilot.isolated import Outcome, Send, run_isolated
from studio.autopilot.metrics import Metric, score
from studio.autopilot.pipeline import CandidateSpec, build_pipeline, model_output
from studio.autopilot.prepare import ColumnPlan
from studio.modelio import load_model

LATENCY_ROWS = 1_000
THREADED_ROWS = (
    20_000  # below this, one OpenMP thread per fit is faster (and never oversubscribes)
)


def machine_cores() -> int:
    """CPU cores this process may run on (its affinity where the system tells it)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS, Windows
        return max(1, os.cpu_count() or 1)


def fit_threads(rows: int, at_once: int = 1) -> int:
    """OpenMP threads a child may use when ``at_once`` trials run together: one for small
    data, the cores shared among them for large data."""
    return 1 if rows < THREADED_ROWS else max(1, machine_cores() // at_once)


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
    labels: tuple[str, ...] = ()
    # Row numbers in the dataset version's stored frame (0-based) of each training and
    # holdout row, in the order of X and X_holdout: the lineage of every row the search saw.
    train_rows: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=int))
    holdout_rows: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=int))

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
    keep_going: Callable[[], bool] | None = None,
    threads: int | None = None,
) -> tuple[Outcome, CvResult | None]:
    """K-fold CV of ``spec``; ``on_fold(i, score)`` returning False stops it (pruning), and
    ``keep_going()`` returning False (asked every second) cancels it (a stop request).
    ``threads``: OpenMP threads per fit (default ``fit_threads``)."""

    def work(send: Send) -> None:
        threadpool_limits(threads or fit_threads(len(data.X)), user_api="openmp")
        for index, (train, valid) in enumerate(data.folds):
            model = build_pipeline(spec, data.plan)
            start = time.perf_counter()
            model.fit(data.X.iloc[train], data.y[train])
            seconds = time.perf_counter() - start
            output = model_output(model, data.X.iloc[valid])
            send(("fold", (index, score(data.metric, data.y[valid], output), seconds, output)))

    oof, scores, seconds = data.empty_output(), [], []

    def collect(message: tuple) -> bool:
        index, value, fit_seconds, output = message[1]
        oof[data.folds[index][1]] = output
        scores.append(value)
        seconds.append(fit_seconds)
        return on_fold(index, value)

    outcome = run_isolated(work, deadline, collect, keep_going)
    if outcome.status != "done":
        return outcome, None
    return outcome, CvResult(scores, oof, float(np.mean(seconds)))


@dataclass(frozen=True)
class RefitJob:
    """A candidate to refit on all training rows and save at ``path``."""

    name: str
    spec: CandidateSpec
    path: Path


@dataclass(frozen=True)
class EnsembleJob:
    """A soft-voting ensemble to save at ``path``: member weights by candidate name, and the
    members an earlier round already saved (name -> (artifact, SHA-256)), loaded not refit."""

    weights: dict[str, float]
    path: Path
    saved: dict[str, tuple[str, str]] = field(default_factory=dict)
    store: ArtifactStore | None = None

    def load(self, name: str) -> object:
        """The saved member ``name``; StorageError if its file is missing or altered."""
        artifact, sha256 = self.saved[name]
        return load_model(self.store, artifact, sha256)


@dataclass(frozen=True, eq=False)
class RefitGroup:
    """What a group refit achieved before it ended or was stopped: per-job results and, when
    an ensemble was saved, its (predict ms per 1,000 rows, holdout output)."""

    outcome: Outcome
    results: dict[str, RefitResult]
    ensemble: tuple[float, np.ndarray] | None


def refit_group(
    data: TrainingData,
    jobs: list[RefitJob],
    deadline: float,
    ensemble: EnsembleJob | None = None,
) -> RefitGroup:
    """Refit ``jobs`` in order in one child (each saved as soon as it is fitted), then, if
    ``ensemble`` is given, save the soft-voting ensemble built from its members: those fitted
    here and those loaded (checksum verified) from earlier rounds' files. What finished before
    the deadline is kept."""

    def work(send: Send) -> None:
        threadpool_limits(fit_threads(len(data.X)), user_api="openmp")
        fitted = {}
        for job in jobs:
            model = build_pipeline(job.spec, data.plan)
            start = time.perf_counter()
            model.fit(data.X, data.y)
            seconds = time.perf_counter() - start
            holdout = model_output(model, data.X_holdout)
            sio.dump(model, job.path)
            send(
                (
                    "refit",
                    (job.name, RefitResult(holdout, seconds, predict_latency_ms(model, data.X))),
                )
            )
            fitted[job.name] = model
        if ensemble is not None:
            members = [
                (name, fitted[name] if name in fitted else ensemble.load(name))
                for name in ensemble.weights
            ]
            weights = list(ensemble.weights.values())
            voting = voting_model(members, weights, data.task, data.n_classes)
            sio.dump(voting, ensemble.path)
            holdout = model_output(voting, data.X_holdout)
            send(("ensemble", (predict_latency_ms(voting, data.X), holdout)))

    results: dict[str, RefitResult] = {}
    saved_ensemble: list[tuple[float, np.ndarray]] = []

    def collect(message: tuple) -> bool:
        kind, payload = message
        if kind == "refit":
            results[payload[0]] = payload[1]
        else:
            saved_ensemble.append(payload)
        return True

    outcome = run_isolated(work, deadline, collect)
    return RefitGroup(outcome, results, saved_ensemble[0] if saved_ensemble else None)


def predict_latency_ms(model: object, frame: pd.DataFrame) -> float:
    """Milliseconds to predict 1,000 rows (best of three)."""
    rows = frame.sample(LATENCY_ROWS, replace=len(frame) < LATENCY_ROWS, random_state=0)
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        model_output(model, rows)
        best = min(best, time.perf_counter() - start)
    return best * 1000

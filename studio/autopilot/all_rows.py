"""The run's leading candidate fitted on every labelled row (training + holdout), in the budget.

The holdout scores a candidate honestly, but a model that never sees those rows wastes a fifth
of the data: FLAML refits its best configuration on all of it by default (``retrain_full``) and
AutoGluon offers ``refit_full``. A run therefore also fits its leader (the best candidate by CV:
one trial, or the greedy ensemble, each member fitted on all rows and blended with the same
weights) on all rows, while the other refits run: in a child of its own on the second core when
the fits use one thread each (below ``THREADED_ROWS`` rows), otherwise after them when the time
left is enough. The holdout score stays the estimate, measured before this fit; registering the
leader then uses this file instead of fitting again (``registry.register``).

The fit is what ``registry.training.refit_all_rows`` does to the candidate, so a version is the
same model whether the run made it or registration did.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import skops.io as sio
from threadpoolctl import threadpool_limits

from studio.artifacts import ArtifactStore, StoredFile
from studio.autopilot.ensemble import voting_model
from studio.autopilot.evaluation import THREADED_ROWS, TrainingData, fit_threads, machine_cores
from studio.autopilot.isolated import Outcome, Send, run_isolated
from studio.autopilot.pipeline import CandidateSpec, build_pipeline
from studio.registry.training import all_rows

# The fit on all rows takes about rows_all / rows_training of the refit's time; this margin
# covers the save and the child's start.
TIME_MARGIN = 1.3
# A fit beside the refits runs at a lower priority: on a loaded machine the refits, which every
# candidate needs, get the cores first and are not pushed past the run's end by this extra fit.
BESIDE_NICENESS = 10


@dataclass(frozen=True)
class Leader:
    """What to fit on all rows: the candidate's name, its members' specs by name (one for a
    single trial) and, for an ensemble, the members' weights."""

    name: str
    specs: dict[str, CandidateSpec]
    weights: dict[str, float] | None = None


def fit_leader(data: TrainingData, leader: Leader, path: Path, threads: int) -> None:
    """Fit ``leader`` on all rows of ``data`` and save it (skops) at ``path``: one pipeline,
    or each member fitted then assembled as the autopilot assembles ensembles."""
    X, y = all_rows(data)
    with threadpool_limits(threads, user_api="openmp"):
        fitted = {name: build_pipeline(spec, data.plan).fit(X, y)
                  for name, spec in leader.specs.items()}  # fmt: skip
    if leader.weights is None:
        model = fitted[leader.name]
    else:
        members = [(name, fitted[name]) for name in leader.weights]
        model = voting_model(members, list(leader.weights.values()), data.task, data.n_classes)
    sio.dump(model, path)


class AllRowsFit:
    """One fit of a leader on all rows in an isolated child, waited on by a thread of the
    worker (the child does the work), so it can run beside the other refits."""

    def __init__(self, data: TrainingData, leader: Leader, path: Path, deadline: float,
                 threads: int, beside: bool = False) -> None:  # fmt: skip
        self.leader, self.path = leader, path
        self.outcome: Outcome | None = None

        def work(_send: Send) -> None:
            if beside:  # the refits come first: this fit is the extra, not the candidates
                os.nice(BESIDE_NICENESS)
            fit_leader(data, leader, path, threads)

        def wait() -> None:
            self.outcome = run_isolated(work, deadline)

        self._thread = threading.Thread(target=wait, name=f"all-rows {leader.name}", daemon=True)
        self._thread.start()

    def result(self, store: ArtifactStore, final: str) -> StoredFile | None:
        """Wait for the fit; its file moved to ``final`` when it finished, else None (the
        partial file removed)."""
        self._thread.join()
        if self.outcome is None or self.outcome.status != "done":
            self.path.unlink(missing_ok=True)
            return None
        return store.adopt(self.path.relative_to(store.root).as_posix(), final)

    def discard(self) -> None:
        """Wait for the fit and remove its file (its candidate was not kept)."""
        self._thread.join()
        self.path.unlink(missing_ok=True)


def beside_refits(rows: int) -> bool:
    """Whether the fit on all rows runs beside the other refits: each uses one thread below
    ``THREADED_ROWS`` rows, so on two or more cores the second one is free."""
    return rows < THREADED_ROWS and machine_cores() >= 2


def time_enough(fit_seconds: float, data: TrainingData, deadline: float) -> bool:
    """Whether a fit that took ``fit_seconds`` on the training rows can be repeated on all
    rows before ``deadline`` (monotonic), with ``TIME_MARGIN``."""
    scale = (len(data.X) + len(data.X_holdout)) / max(1, len(data.X))
    return time.monotonic() + fit_seconds * scale * TIME_MARGIN < deadline


def start(data: TrainingData, leader: Leader, path: Path, hard_end: float,
          beside: bool) -> AllRowsFit:  # fmt: skip
    """Start fitting ``leader`` on all rows, to end by the run's ``hard_end`` (monotonic, time
    for recording already kept free: ``runner.RECORD_SECONDS``) (``beside`` the refits: one
    thread; else the cores the data's size gives it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    threads = 1 if beside else fit_threads(len(data.X) + len(data.X_holdout))
    return AllRowsFit(data, leader, path, hard_end, threads, beside)

"""Studio's autopilot as ``benchmarks/autopilot_vs_anchors.py`` runs it: exactly as in production.

The training split is added as a dataset version, the run is launched with ``launch_run`` and
a separate ``python -m studio.cli worker --once`` process does the work (the benchmark process
never fits a model). The run's best candidate is then loaded from its artifact and scored on
the test split, read from CSV bytes the way Studio reads an upload.

Also here: ``run_process`` (run a command to its end in a new process group, killed after a
timeout; the anchors' children use it too) and the time-to-first-trial probe (a one-trial run
on a 10,000-row diamonds sample).
"""

from __future__ import annotations

import math
import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from studio.autopilot.data import class_labels
from studio.autopilot.service import AutopilotRequest, launch_run
from studio.config import Settings
from studio.context import Studio
from studio.data.ingest import read_table
from studio.data.versions import add_dataset_version, get_version, load_frame
from studio.modelio import load_model, load_version_model
from studio.registry.register import register_candidate
from studio.tracking import RunInfo, get_run

ACTOR = "bench"
METRIC = {"binary": "roc_auc", "multiclass": "accuracy", "regression": "r2"}
MAX_COLUMNS = 2_000
MAX_BYTES = 4 << 30
TRIAL_DONE = re.compile(r"^Trial (\d+) \(([^)]+)\): ")
PROBE_ROWS = 10_000
PROBE_BUDGET = 60.0


@dataclass(frozen=True)
class Store:
    """A fresh Studio store in a temporary folder, and the environment its workers need."""

    home: Path
    studio: Studio

    @property
    def env(self) -> dict[str, str]:
        """The environment of a ``studio worker`` process on this store."""
        settings = self.studio.settings
        return os.environ | {
            "STUDIO_HOME": str(settings.home),
            "STUDIO_DATABASE_URL": settings.database_url,
            "STUDIO_ARTIFACTS": str(settings.artifacts_dir),
        }


def open_store(home: Path) -> Store:
    """Create the benchmark's own store (SQLite + artifacts) under ``home``."""
    settings = Settings(
        home=home, database_url=f"sqlite:///{home}/studio.db",
        artifacts_dir=home / "artifacts", user=ACTOR,
    )  # fmt: skip
    return Store(home, Studio.open(settings))


def run_process(
    command: list[str], env: dict[str, str], log: Path, timeout: float
) -> tuple[float, int]:
    """Run ``command`` to its end (killing its process group after ``timeout`` seconds);
    return its wall seconds and exit code (-9 when killed). Output goes to ``log``."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        start = time.monotonic()
        process = subprocess.Popen(
            command, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
        try:
            code = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            code = process.wait()
        return time.monotonic() - start, code


def run_worker(store: Store, name: str, timeout: float) -> tuple[float, int]:
    """One ``studio worker --once`` process, as production runs it; (wall seconds, exit code)."""
    command = [sys.executable, "-m", "studio.cli", "worker", "--once"]
    return run_process(command, store.env, store.home / "logs" / f"worker-{name}.log", timeout)


def as_utc(moment: datetime) -> datetime:
    """A stored timestamp as an aware UTC datetime (SQLite may return naive ones)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def first_trial_event(info: RunInfo) -> tuple[datetime, str] | None:
    """The time and text of the run's earliest completed-trial event."""
    done = [(as_utc(at), text) for at, _level, text in info.events if TRIAL_DONE.match(text)]
    return min(done, default=None)


def seconds_between(start: datetime | None, end: datetime | None) -> float:
    """``end - start`` in seconds (NaN when either is missing)."""
    if start is None or end is None:
        return math.nan
    return (as_utc(end) - as_utc(start)).total_seconds()


@dataclass
class StudioOutcome:
    """One Studio run: its test-split outputs (as ``anchor_child`` writes them: probabilities
    in the caller's label order, or predictions), predicted labels, timings and remarks."""

    run_id: int
    status: str
    worker_wall: float
    worker_exit: int
    run_seconds: float
    first_trial: float
    trials: int
    startup: float = math.nan
    search_seconds: float = math.nan
    first_event: str = "no completed trial"
    best: str = "-"
    outputs: np.ndarray | None = None
    predicted: np.ndarray | None = None
    notes: list[str] = field(default_factory=list)
    # The candidate itself, as fitted on the training rows (``outputs`` are the registered
    # version's: the run's fit on all rows when it made one), and the registration's seconds.
    training_outputs: np.ndarray | None = None
    training_predicted: np.ndarray | None = None
    register_seconds: float = math.nan
    registered_rows: str = "-"  # the version's training scope: all_rows or training_rows


def launch(store: Store, name: str, target: str, task: str, train: pd.DataFrame,
           budget: float) -> int:  # fmt: skip
    """Add the training split as a dataset version and queue an autopilot run on it."""
    content = train.to_csv(index=False).encode()
    add_dataset_version(store.studio, content, f"{name}.csv", name=name, actor=ACTOR)
    request = AutopilotRequest(
        dataset=name, target=target, task=task, metric=METRIC[task], budget_seconds=budget
    )
    return launch_run(store.studio, request, actor=ACTOR)


def run_notes(info: RunInfo, worker_exit: int, log: Path) -> list[str]:
    """Warnings and errors the run recorded, a failed worker and tracebacks in its log."""
    notes = [f"{level}: {text}" for _at, level, text in reversed(info.events) if level != "info"]
    if info.status != "finished":
        notes.append(f"run status {info.status}: {info.message}")
    if worker_exit != 0:
        notes.append(f"worker exit code {worker_exit}")
    text = log.read_text(errors="replace") if log.is_file() else ""
    if "Traceback" in text:
        notes.append(f"traceback in {log}")
    return notes


def run_studio(store: Store, name: str, target: str, task: str, train: pd.DataFrame,
               test: pd.DataFrame, budget: float, labels: list[str]) -> StudioOutcome:  # fmt: skip
    """Run Studio's autopilot on the training split in a worker process; predict the test
    split (class probabilities in ``labels``' order, or numbers)."""
    run_id = launch(store, name, target, task, train, budget)
    wall, code = run_worker(store, name, 3 * budget + 300)
    info = get_run(store.studio, run_id, events=100_000)
    first = first_trial_event(info)
    outcome = StudioOutcome(
        run_id, info.status, wall, code, seconds_between(info.started_at, info.finished_at),
        seconds_between(info.started_at, first[0] if first else None), info.trials_done,
    )  # fmt: skip
    outcome.notes = run_notes(info, code, store.home / "logs" / f"worker-{name}.log")
    outcome.startup = seconds_between(info.created_at, info.started_at)
    ended = [at for at, _level, text in info.events if text.startswith("Search ended")]
    outcome.search_seconds = seconds_between(info.started_at, min(ended, default=None))
    if first:
        outcome.first_event = first[1]
    if info.leaderboard:
        outcome.best = info.leaderboard[0].name
        candidate = info.leaderboard[0]
        model = load_model(store.studio.artifacts, candidate.artifact, candidate.artifact_sha256)
        outcome.training_outputs, outcome.training_predicted = predict_test(
            store, name, info, test, labels, model
        )
        started = time.monotonic()  # registered as a user does: the defaults
        version = register_candidate(store.studio, run_id, name.replace("_", "-"), ACTOR)
        outcome.register_seconds = time.monotonic() - started
        outcome.registered_rows = version.training["scope"]
        registered = load_version_model(store.studio.artifacts, version)
        outcome.outputs, outcome.predicted = predict_test(
            store, name, info, test, labels, registered
        )
    return outcome


def predict_test(store: Store, name: str, info: RunInfo, test: pd.DataFrame, labels: list[str],
                 model: object) -> tuple[np.ndarray, np.ndarray | None]:  # fmt: skip
    """``model`` (the run's best candidate, or the version registered from it) on the test
    split, read the way Studio reads uploads: (probabilities with column i for ``labels[i]``,
    predicted labels) or (numbers, None)."""
    columns = [c["name"] for c in info.config["columns"] if c["treatment"] != "excluded"]
    parsed = read_table(
        test.to_csv(index=False).encode(), f"{name}-test.csv",
        max_columns=MAX_COLUMNS, max_bytes=MAX_BYTES,
    ).frame  # fmt: skip
    X_test = parsed[columns]
    if not labels:
        return np.asarray(model.predict(X_test), dtype=float), None
    # The model's codes follow the run's own order (a binary run's positive class last).
    version = get_version(store.studio, info.dataset)
    own = class_labels(load_frame(store.studio, version)[info.config["target"]], info.config)
    proba = np.asarray(model.predict_proba(X_test), dtype=float)
    reorder = [own.index(label) for label in labels]
    predicted = np.asarray(own, dtype=object)[np.asarray(model.predict(X_test), dtype=int)]
    return proba[:, reorder], predicted


@dataclass(frozen=True)
class ProbeOutcome:
    """Time to the first completed trial, from the run's start and from ``launch_run``."""

    rows: int
    status: str
    after_start: float
    after_launch: float
    worker_wall: float
    event: str


def first_trial_probe(store: Store, diamonds: pd.DataFrame) -> ProbeOutcome:
    """Launch a one-trial run on a 10,000-row diamonds sample and time its first trial."""
    frame = diamonds.sample(PROBE_ROWS, random_state=0)
    name = f"diamonds_{PROBE_ROWS}"
    content = frame.to_csv(index=False).encode()
    add_dataset_version(store.studio, content, f"{name}.csv", name=name, actor=ACTOR)
    request = AutopilotRequest(
        dataset=name, target="price", task="regression", metric="r2",
        budget_seconds=PROBE_BUDGET, max_trials=1,
    )  # fmt: skip
    launched = datetime.now(UTC)
    run_id = launch_run(store.studio, request, actor=ACTOR)
    wall, _code = run_worker(store, name, 3 * PROBE_BUDGET + 300)
    info = get_run(store.studio, run_id, events=100_000)
    first = first_trial_event(info)
    at = first[0] if first else None
    return ProbeOutcome(
        len(frame), info.status, seconds_between(info.started_at, at),
        seconds_between(launched, at), wall, first[1] if first else "no completed trial",
    )  # fmt: skip

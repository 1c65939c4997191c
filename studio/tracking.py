"""Reading runs back: summaries, leaderboards, events and live trial tables, as frozen objects."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import col, select
from sqlmodel.sql.expression import Select

from studio.autopilot.metrics import METRICS, metric_label
from studio.autopilot.positive import positive_class
from studio.context import Studio
from studio.db import session_scope
from studio.db.models import Candidate, Dataset, DatasetVersion, Run, RunEvent, utcnow
from studio.errors import NotFoundError

TERMINAL = ("finished", "stopped", "failed")


@dataclass(frozen=True)
class CandidateInfo:
    """A finalised candidate on a run's leaderboard: ``rank`` is its place on the leaderboard
    now (every round, best CV score first), ``round`` the finalising session that made it."""

    id: int
    name: str
    rank: int
    family: str
    trial_number: int | None
    params: dict[str, Any]
    cv_score: float
    cv_std: float
    holdout: dict[str, float]
    fit_seconds: float
    predict_ms_per_1k: float
    size_bytes: int
    artifact: str
    artifact_sha256: str
    is_baseline: bool
    round: int = 1
    fitted_on_all_rows: bool = False  # the run also fitted it on all rows (registering uses it)

    @property
    def cv_note(self) -> str:
        """Which CV score an ensemble carries ("" for a single model, whose out-of-fold score
        is honest): nested since its weights were chosen on out-of-fold outputs too."""
        if self.family != "ensemble":
            return ""
        if self.params.get("cv") == "nested":
            return "cross-validated on folds its weights did not see"
        return "in-sample: its weights were chosen on the same out-of-fold outputs"

    def to_json(self) -> dict[str, Any]:
        """The CLI's leaderboard entry."""
        return {
            "rank": self.rank, "id": self.id, "round": self.round, "candidate": self.name,
            "family": self.family, "cv_note": self.cv_note,
            "cv_score": self.cv_score, "cv_std": self.cv_std, "holdout": self.holdout,
            "fit_seconds": self.fit_seconds, "predict_ms_per_1k": self.predict_ms_per_1k,
            "size_bytes": self.size_bytes, "baseline": self.is_baseline,
            "fitted_on_all_rows": self.fitted_on_all_rows,
        }  # fmt: skip


@dataclass(frozen=True)
class RunInfo:
    """A run as the UI and the CLI show it."""

    id: int
    dataset: str
    target: str
    task: str
    metric: str
    status: str
    config: dict[str, Any]
    created_at: datetime
    created_by: str
    started_at: datetime | None
    finished_at: datetime | None
    search_deadline: datetime | None
    trials_done: int
    best_score: float | None
    baseline_score: float | None
    best_history: list[Any]
    message: str
    study_name: str
    leaderboard: tuple[CandidateInfo, ...]
    events: tuple[tuple[datetime, str, str], ...]
    positive_class: str | None = None  # binary runs: the outcome F1, recall and value are about

    @property
    def is_active(self) -> bool:
        """Queued or still working."""
        return self.status not in TERMINAL

    @property
    def metric_label(self) -> str:
        """The human name of the run's metric."""
        return metric_label(self.metric)

    @property
    def rounds(self) -> int:
        """How many finalising sessions added candidates (more than 1 once resumed)."""
        return max((c.round for c in self.leaderboard), default=0)

    def elapsed_seconds(self) -> float:
        """Seconds since this session started (to the end when finished)."""
        if self.started_at is None:
            return 0.0
        end = self.finished_at if self.finished_at and not self.is_active else utcnow()
        return max(0.0, (end - self.started_at).total_seconds())

    def to_json(self) -> dict[str, Any]:
        """The CLI's status document."""
        board = [c.to_json() for c in self.leaderboard]
        return {
            "run_id": self.id, "status": self.status, "dataset": self.dataset,
            "target": self.target, "task": self.task, "metric": self.metric,
            "trials": self.trials_done, "best": board[0] if board else None,
            "best_cv_so_far": self.best_score, "baseline_cv": self.baseline_score,
            "elapsed_seconds": round(self.elapsed_seconds(), 2), "message": self.message,
            "leaderboard": board, "positive_class": self.positive_class,
        }  # fmt: skip


def leaderboard_query(run_id: int, metric: str) -> Select:
    """A run's candidates of every round, best first: by CV score in the direction of the
    run's metric, then by round and by their rank in it (the one ordering every reader uses)."""
    best = col(Candidate.cv_score)
    higher = METRICS[metric].greater_is_better if metric in METRICS else True
    return (
        select(Candidate)
        .where(Candidate.run_id == run_id)
        .order_by(best.desc() if higher else best.asc(), col(Candidate.round),
                  col(Candidate.rank), col(Candidate.id))
    )  # fmt: skip


def _candidate(c: Candidate, place: int) -> CandidateInfo:
    return CandidateInfo(
        c.id, c.name, place, c.family, c.trial_number, dict(c.params), c.cv_score, c.cv_std,
        dict(c.holdout), c.fit_seconds, c.predict_ms_per_1k, c.size_bytes, c.artifact,
        c.artifact_sha256, c.is_baseline, c.round, c.all_rows_artifact is not None,
    )  # fmt: skip


def get_run(studio: Studio, run_id: int, events: int = 30) -> RunInfo:
    """A run with its leaderboard and newest events; NotFoundError names a missing id."""
    with session_scope(studio.engine) as session:
        run = session.get(Run, run_id)
        if run is None:
            raise NotFoundError(f"There is no run {run_id}; 'studio runs list' shows them.")
        version = session.get(DatasetVersion, run.dataset_version_id)
        dataset = session.get(Dataset, version.dataset_id)
        board = session.exec(leaderboard_query(run_id, run.metric)).all()
        log = session.exec(
            select(RunEvent)
            .where(RunEvent.run_id == run_id)
            .order_by(col(RunEvent.id).desc())
            .limit(events)
        ).all()
        return RunInfo(
            run.id, f"{dataset.name}@{version.version}", run.target, run.task, run.metric,
            run.status, dict(run.config), run.created_at, run.created_by, run.started_at,
            run.finished_at, run.search_deadline, run.trials_done, run.best_score,
            run.baseline_score, list(run.best_history), run.message, run.study_name,
            tuple(_candidate(c, place) for place, c in enumerate(board, start=1)),
            tuple((e.at, e.level, e.message) for e in log),
            _positive(run, version) if run.task == "binary" else None,
        )  # fmt: skip


def _positive(run: Run, version: DatasetVersion) -> str | None:
    """A binary run's positive class; for a run stored before the choice, the target's values
    are read from the dataset version's profile (its top values)."""
    column = next(
        (c for c in (version.profile or {}).get("column_profiles", []) if c["name"] == run.target),
        {},
    )
    labels = sorted({str(v[0]) for v in column.get("top_values", [])})
    return positive_class(dict(run.config), labels)


def list_run_ids(studio: Studio, limit: int = 200) -> list[int]:
    """The newest runs' ids."""
    with session_scope(studio.engine) as session:
        return list(session.exec(select(Run.id).order_by(col(Run.id).desc()).limit(limit)).all())


@dataclass(frozen=True)
class TrialRow:
    """One Optuna trial of a run, for the live leaderboard and the trial table."""

    number: int
    family: str
    state: str
    value: float | None
    std: float | None
    seconds: float | None
    params: dict[str, Any]


def run_trials(studio: Studio, run: RunInfo) -> list[TrialRow]:
    """Every trial of a run's study, read from Optuna's storage (the source of truth)."""
    from studio.autopilot.study import optuna_storage

    storage = optuna_storage(studio.settings.database_url)
    study_id = storage.get_study_id_from_name(run.study_name)
    sign = 1 if METRICS[run.metric].greater_is_better else -1
    rows = []
    for t in storage.get_all_trials(study_id, deepcopy=False):
        seconds = (
            (t.datetime_complete - t.datetime_start).total_seconds()
            if t.datetime_complete and t.datetime_start
            else None
        )
        rows.append(
            TrialRow(
                t.number,
                str(t.params.get("family", "")),
                t.state.name.lower(),
                None if t.value is None else sign * t.value,
                t.user_attrs.get("cv_std"),
                seconds,
                {k: v for k, v in t.params.items() if k != "family"},
            )  # fmt: skip
        )
    return rows

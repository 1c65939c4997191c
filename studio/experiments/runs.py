"""The runs list: filter, search, sort and page runs in one query that never reads trials."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import String, and_, case, cast, exists, func, or_
from sqlmodel import col, select

from studio.autopilot.metrics import METRICS, metric_label
from studio.context import Studio
from studio.db import session_scope
from studio.db.models import Dataset, DatasetVersion, Note, Run, Tag
from studio.errors import InvalidInputError
from studio.experiments.annotations import tags_of
from studio.i18n import N_, _

# Sort orders: key (typed in URLs and the CLI) -> how people read it (a msgid).
SORTS = {
    "newest": N_("newest first"),
    "oldest": N_("oldest first"),
    "best": N_("best score first"),
    "trials": N_("most trials first"),
    "duration": N_("longest first"),
}
STATUSES = ("queued", "running", "stopping", "finalizing", "finished", "stopped", "failed")
# Run statuses and tasks as people read them (the stored values stay English).
STATUS_NAMES = {
    "queued": N_("queued"), "running": N_("running"), "stopping": N_("stopping"),
    "finalizing": N_("finalizing"), "finished": N_("finished"), "stopped": N_("stopped"),
    "failed": N_("failed"),
}  # fmt: skip
TASK_NAMES = {"binary": N_("binary"), "multiclass": N_("multiclass"),
              "regression": N_("regression")}  # fmt: skip
LOWER_IS_BETTER = tuple(name for name, m in METRICS.items() if not m.greater_is_better)


@dataclass(frozen=True)
class RunFilter:
    """What the runs list shows; empty fields do not filter."""

    datasets: tuple[str, ...] = ()
    tasks: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    since: date | None = None
    until: date | None = None
    threshold: float | None = None  # best CV score at least this good (in the run's direction)
    text: str = ""
    sort: str = "newest"
    page: int = 1
    page_size: int = 25


@dataclass(frozen=True)
class RunSummary:
    """One line of the runs list."""

    id: int
    dataset: str
    target: str
    task: str
    metric: str
    status: str
    best_score: float | None
    trials: int
    seconds: float
    created_at: datetime
    created_by: str
    tags: tuple[str, ...] = ()

    @property
    def metric_label(self) -> str:
        """The metric's human name."""
        return metric_label(self.metric)

    def to_json(self) -> dict[str, Any]:
        """The CLI's entry."""
        return {
            "run_id": self.id, "dataset": self.dataset, "target": self.target, "task": self.task,
            "metric": self.metric, "status": self.status, "best_cv": self.best_score,
            "trials": self.trials, "seconds": round(self.seconds, 1),
            "created_at": self.created_at.isoformat(), "created_by": self.created_by,
            "tags": list(self.tags),
        }  # fmt: skip


@dataclass(frozen=True)
class RunPage:
    """A page of runs and how many match in total."""

    rows: tuple[RunSummary, ...]
    total: int
    page: int
    pages: int
    filter: RunFilter = field(default_factory=RunFilter)


def status_name(status: str) -> str:
    """A run status in the current language (an unknown one as stored)."""
    return _(STATUS_NAMES[status]) if status in STATUS_NAMES else status


def task_name(task: str) -> str:
    """A task (binary, multiclass, regression) in the current language."""
    return _(TASK_NAMES[task]) if task in TASK_NAMES else task


def sort_name(sort: str) -> str:
    """A sort order as people read it, in the current language."""
    return _(SORTS[sort]) if sort in SORTS else sort


def no_run(run_id: object) -> str:
    """The refusal of a run id that names no run, in the caller's language."""
    return _("There is no run {id}; 'studio runs list' shows them.").format(id=run_id)


def _conditions(f: RunFilter) -> list[Any]:
    where: list[Any] = []
    if f.datasets:
        where.append(col(Dataset.name).in_(f.datasets))
    if f.tasks:
        where.append(col(Run.task).in_(f.tasks))
    if f.statuses:
        where.append(col(Run.status).in_(f.statuses))
    if f.since:
        where.append(col(Run.created_at) >= datetime.combine(f.since, time.min, UTC))
    if f.until:
        end = datetime.combine(f.until + timedelta(days=1), time.min, UTC)
        where.append(col(Run.created_at) < end)
    if f.threshold is not None:
        lower = col(Run.metric).in_(LOWER_IS_BETTER)
        where.append(
            or_(
                and_(lower, col(Run.best_score) <= f.threshold),
                and_(~lower, col(Run.best_score) >= f.threshold),
            )
        )
    for tag in f.tags:
        where.append(
            exists().where(Tag.subject == "run", Tag.subject_id == Run.id, Tag.name == tag)
        )
    if f.text.strip():
        where.append(_text_condition(f.text.strip()))
    return where


def _text_condition(text: str) -> Any:
    like = f"%{text.lower()}%"
    fields = (Dataset.name, Run.target, Run.task, Run.status, Run.created_by, Run.message)
    return or_(
        *(func.lower(col(c)).like(like) for c in fields),
        cast(Run.id, String) == text.lstrip("#"),
        exists().where(
            Note.subject == "run", Note.subject_id == Run.id, func.lower(Note.body).like(like)
        ),
        exists().where(
            Tag.subject == "run", Tag.subject_id == Run.id, func.lower(Tag.name).like(like)
        ),
    )


def _order(sort: str) -> list[Any]:
    if sort not in SORTS:
        raise InvalidInputError(
            _("'{sort}' is not a sort order; choose one of {sorts}.").format(
                sort=sort, sorts=", ".join(SORTS)
            )
        )
    better = case(
        (col(Run.metric).in_(LOWER_IS_BETTER), -col(Run.best_score)), else_=col(Run.best_score)
    )
    return {
        "newest": [col(Run.id).desc()],
        "oldest": [col(Run.id)],
        "best": [better.is_(None), better.desc(), col(Run.id).desc()],
        "trials": [col(Run.trials_done).desc(), col(Run.id).desc()],
        "duration": [col(Run.search_seconds).desc(), col(Run.id).desc()],
    }[sort]


def list_runs(studio: Studio, f: RunFilter = RunFilter()) -> RunPage:
    """One page of the runs that match ``f`` (the query reads runs only, never trials)."""
    if f.page_size < 1 or f.page < 1:
        raise InvalidInputError(_("Pages start at 1 and hold at least one run."))
    order = _order(f.sort)
    where = _conditions(f)
    joined = (
        select(Run, Dataset.name, DatasetVersion.version)
        .join(DatasetVersion, col(DatasetVersion.id) == col(Run.dataset_version_id))
        .join(Dataset, col(Dataset.id) == col(DatasetVersion.dataset_id))
        .where(*where)
    )
    with session_scope(studio.engine) as session:
        total = session.exec(select(func.count()).select_from(joined.subquery())).one()
        pages = max(1, math.ceil(total / f.page_size))
        page = min(f.page, pages)
        rows = session.exec(
            joined.order_by(*order).offset((page - 1) * f.page_size).limit(f.page_size)
        ).all()
        tags = tags_of(session, "run", [run.id for run, _n, _v in rows])
        summaries = tuple(
            RunSummary(
                run.id,
                f"{name}@{version}",
                run.target,
                run.task,
                run.metric,
                run.status,
                run.best_score,
                run.trials_done,
                run.search_seconds,
                run.created_at,
                run.created_by,
                tags[run.id],
            )  # fmt: skip
            for run, name, version in rows
        )
    return RunPage(summaries, total, page, pages, f)


def dataset_names_with_runs(studio: Studio) -> list[str]:
    """The datasets that have at least one run (for the filter)."""
    with session_scope(studio.engine) as session:
        rows = session.exec(
            select(Dataset.name)
            .join(DatasetVersion, col(DatasetVersion.dataset_id) == col(Dataset.id))
            .join(Run, col(Run.dataset_version_id) == col(DatasetVersion.id))
            .distinct()
        ).all()
        return sorted(rows)

"""The append-only activity log that Home shows as recent activity."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, func, select

from studio.context import Studio
from studio.db import session_scope
from studio.db.models import Dataset, DatasetVersion, Event, ModelVersion, Run


@dataclass(frozen=True)
class ActivityEvent:
    """Who did what, when."""

    at: datetime
    actor: str
    kind: str
    subject: str
    message: str


@dataclass(frozen=True)
class Overview:
    """The counts Home shows."""

    datasets: int
    dataset_versions: int
    runs: int
    models: int


def record_event(session: Session, *, actor: str, kind: str, subject: str, message: str) -> None:
    """Add an event to the log inside the caller's unit of work."""
    session.add(Event(actor=actor[:200], kind=kind, subject=subject[:255], message=message[:1000]))


def recent_activity(studio: Studio, limit: int = 20) -> list[ActivityEvent]:
    """The newest events first."""
    with session_scope(studio.engine) as session:
        rows = session.exec(select(Event).order_by(col(Event.id).desc()).limit(limit)).all()
        return [ActivityEvent(r.at, r.actor, r.kind, r.subject, r.message) for r in rows]


def overview(studio: Studio) -> Overview:
    """How many datasets, versions, runs and registered models the store holds."""
    with session_scope(studio.engine) as session:

        def count(column) -> int:  # noqa: ANN001 (a column expression)
            return int(session.exec(select(func.count(column))).one())

        return Overview(
            datasets=count(Dataset.id),
            dataset_versions=count(DatasetVersion.id),
            runs=count(Run.id),
            models=int(
                session.exec(select(func.count(func.distinct(ModelVersion.model_name)))).one()
            ),
        )

"""Claiming a due scheduled check: exactly one of N workers wins it.

Claiming is one transaction: a guarded compare-and-set moves the schedule's ``next_due_at``
from the value read to the first slot after now (``UPDATE ... WHERE next_due_at = :seen``), so
of two workers racing for one due check on either backend one updates a row and the other none.
The same transaction advances the schedule's watermarks to the newest logged batch, label join
and request window and inserts the check row with the ranges it covers, so consecutive checks
never cover a batch twice and a missed stretch is covered once, by the first check after it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from studio.context import Studio
from studio.db import session_scope
from studio.db.models import (
    BatchLabels,
    ModelVersion,
    MonitorCheck,
    MonitorSchedule,
    ScoredBatch,
    ServingWindow,
    utcnow,
)
from studio.monitor.schedules import next_due


def model_batches(name: str) -> Any:
    """(batch id, version number, scored at) of model ``name``'s logged batches."""
    return (
        select(ScoredBatch.id, ModelVersion.version, ScoredBatch.at)
        .join(ModelVersion, col(ModelVersion.id) == col(ScoredBatch.model_version_id))
        .where(ModelVersion.model_name == name)
    )


def _newest_id(session: Session, name: str, table: Any) -> int:
    """The newest id (0 if none) of model ``name``'s logged batches (``ScoredBatch``), label
    joins (``BatchLabels``) or request windows (``ServingWindow``)."""
    query = select(func.max(table.id))
    if table is BatchLabels:
        query = query.join(ScoredBatch, col(ScoredBatch.id) == col(BatchLabels.batch_id))
        table = ScoredBatch
    query = query.join(ModelVersion, col(ModelVersion.id) == col(table.model_version_id))
    return int(session.exec(query.where(ModelVersion.model_name == name)).one() or 0)


def _claim_one(session: Session, row: MonitorSchedule, worker_id: str, now: datetime) -> int:
    """The new check's id if this worker won ``row``'s due check, else 0."""
    seen_due, batch_after, label_after = row.next_due_at, row.last_batch_id, row.last_label_id
    serving_after = row.last_serving_id
    window, actor = row.window, row.updated_by  # read before the update refreshes ``row``
    batch_to = max(_newest_id(session, row.model_name, ScoredBatch), batch_after)
    label_to = max(_newest_id(session, row.model_name, BatchLabels), label_after)
    serving_to = max(_newest_id(session, row.model_name, ServingWindow), serving_after)
    won = session.exec(
        update(MonitorSchedule)
        .where(col(MonitorSchedule.id) == row.id, col(MonitorSchedule.next_due_at) == seen_due,
               col(MonitorSchedule.enabled).is_(True))
        .values(next_due_at=next_due(row.every_seconds, row.cron, now), last_check_at=now,
                last_batch_id=batch_to, last_label_id=label_to,
                last_serving_id=serving_to)
        .execution_options(synchronize_session=False)
    ).rowcount  # fmt: skip
    if won != 1:
        return 0
    check = MonitorCheck(
        model_name=row.model_name, due_at=seen_due, started_at=now, worker_id=worker_id,
        inputs={"window": window, "actor": actor, "batches_after": batch_after,
                "batches_to": batch_to, "labels_after": label_after, "labels_to": label_to,
                "serving_after": serving_after, "serving_to": serving_to},
    )  # fmt: skip
    session.add(check)
    session.flush()
    return int(check.id)


def claim_due_check(studio: Studio, worker_id: str, now: datetime | None = None) -> int | None:
    """Claim the most overdue check (due at or before ``now``); its id, or None."""
    moment = now or utcnow()
    with session_scope(studio.engine) as session:
        due = session.exec(
            select(MonitorSchedule)
            .where(col(MonitorSchedule.enabled).is_(True), MonitorSchedule.next_due_at <= moment)
            .order_by(col(MonitorSchedule.next_due_at))
            .limit(5)
        ).all()
        for row in due:
            check_id = _claim_one(session, row, worker_id, moment)
            if check_id:
                return check_id
    return None

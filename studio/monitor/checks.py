"""Scheduled checks: claim a due one (exactly one worker wins), run its parts, store what
decided it, then evaluate the model's alert rules.

Claiming is one transaction: a guarded compare-and-set moves the schedule's ``next_due_at``
from the value read to the first slot after now (``UPDATE ... WHERE next_due_at = :seen``), so
of two workers racing for one due check on either backend one updates a row and the other none.
The same transaction advances the schedule's watermarks to the newest logged batch and label
join and inserts the check row with the range it covers, so consecutive checks never cover a
batch twice and a missed stretch is covered once, by the first check after it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
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
    utcnow,
)
from studio.errors import NotFoundError
from studio.monitor.check_parts import PARTS, CheckContext
from studio.monitor.schedules import next_due
from studio.registry.versions import VersionInfo, get_version, list_versions

log = logging.getLogger(__name__)
CHECK_SECONDS = 600.0  # a worker's check that runs longer is stopped and recorded as failed


@dataclass(frozen=True)
class CheckInfo:
    """A stored check: when it was due and ran, by which worker, what it covered and found."""

    id: int
    model: str
    version: int | None
    due_at: datetime
    started_at: datetime
    finished_at: datetime | None
    worker_id: str
    status: str
    inputs: dict[str, Any]
    results: dict[str, Any]
    error: str

    def to_json(self) -> dict[str, Any]:
        """The CLI's entry."""
        return {
            "id": self.id, "model": self.model, "version": self.version,
            "due_at": self.due_at.isoformat(), "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "worker": self.worker_id, "status": self.status, "inputs": self.inputs,
            "results": self.results, "error": self.error,
        }  # fmt: skip


def _info(row: MonitorCheck) -> CheckInfo:
    return CheckInfo(
        row.id, row.model_name, row.version, row.due_at, row.started_at, row.finished_at,
        row.worker_id, row.status, dict(row.inputs), dict(row.results), row.error,
    )  # fmt: skip


def _model_batches(session: Session, name: str) -> Any:
    return (
        select(ScoredBatch.id, ModelVersion.version, ScoredBatch.at)
        .join(ModelVersion, col(ModelVersion.id) == col(ScoredBatch.model_version_id))
        .where(ModelVersion.model_name == name)
    )


def _newest_label_id(session: Session, name: str) -> int:
    found = session.exec(
        select(func.max(BatchLabels.id))
        .join(ScoredBatch, col(ScoredBatch.id) == col(BatchLabels.batch_id))
        .join(ModelVersion, col(ModelVersion.id) == col(ScoredBatch.model_version_id))
        .where(ModelVersion.model_name == name)
    ).one()
    return int(found or 0)


def _claim_one(session: Session, row: MonitorSchedule, worker_id: str, now: datetime) -> int:
    """The new check's id if this worker won ``row``'s due check, else 0."""
    newest = session.exec(
        select(func.max(ScoredBatch.id))
        .join(ModelVersion, col(ModelVersion.id) == col(ScoredBatch.model_version_id))
        .where(ModelVersion.model_name == row.model_name)
    ).one()
    seen_due, batch_after, label_after = row.next_due_at, row.last_batch_id, row.last_label_id
    window, actor = row.window, row.updated_by  # read before the update refreshes ``row``
    batch_to = max(int(newest or 0), batch_after)
    label_to = max(_newest_label_id(session, row.model_name), label_after)
    won = session.exec(
        update(MonitorSchedule)
        .where(col(MonitorSchedule.id) == row.id, col(MonitorSchedule.next_due_at) == seen_due,
               col(MonitorSchedule.enabled).is_(True))
        .values(next_due_at=next_due(row.every_seconds, row.cron, now), last_check_at=now,
                last_batch_id=batch_to, last_label_id=label_to)
        .execution_options(synchronize_session=False)
    ).rowcount  # fmt: skip
    if won != 1:
        return 0
    check = MonitorCheck(
        model_name=row.model_name, due_at=seen_due, started_at=now, worker_id=worker_id,
        inputs={"window": window, "actor": actor, "batches_after": batch_after,
                "batches_to": batch_to, "labels_after": label_after, "labels_to": label_to},
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


def _watched(studio: Studio, name: str) -> VersionInfo:
    """The production version, else the newest one."""
    try:
        return get_version(studio, name)
    except NotFoundError:
        return list_versions(studio, name)[0]


def _context(studio: Studio, check: MonitorCheck, now: datetime) -> CheckContext:
    version = _watched(studio, check.model_name)
    inputs = check.inputs
    with session_scope(studio.engine) as session:
        rows = session.exec(
            _model_batches(session, check.model_name).where(
                col(ScoredBatch.id) > inputs["batches_after"],
                col(ScoredBatch.id) <= inputs["batches_to"],
            )
        ).all()
        newest = session.exec(
            _model_batches(session, check.model_name).order_by(col(ScoredBatch.id).desc())
        ).first()
        labelled = session.exec(
            select(BatchLabels.batch_id).where(
                col(BatchLabels.id) > inputs["labels_after"],
                col(BatchLabels.id) <= inputs["labels_to"],
            )
        ).all()
    mine = tuple(sorted(i for i, v, _ in rows if v == version.version))
    labelled_mine = tuple(sorted(set(labelled) & set(_version_batches(studio, version))))
    return CheckContext(studio, version, mine, labelled_mine, inputs["window"], inputs["actor"],
                        now, newest[2] if newest else None)  # fmt: skip


def _version_batches(studio: Studio, version: VersionInfo) -> list[int]:
    with session_scope(studio.engine) as session:
        rows = session.exec(select(ScoredBatch.id).where(
            ScoredBatch.model_version_id == version.id))  # fmt: skip
        return list(rows.all())


def run_check(studio: Studio, check_id: int, now: datetime | None = None) -> CheckInfo:
    """Run a claimed check's parts, store the results (or the failure), evaluate the rules
    and deliver what they open. Never raises for a failed part: the check records it."""
    from studio.alerts.evaluate import alert_on_check

    moment = now or utcnow()
    with session_scope(studio.engine) as session:
        row = session.get(MonitorCheck, check_id)
        if row is None:
            raise NotFoundError(f"There is no check {check_id}.")
        session.expunge(row)
    results: dict[str, Any] = {}
    status, error, version = "done", "", None
    try:
        ctx = _context(studio, row, moment)
        version = ctx.version.version
        inputs = row.inputs | {"version": version, "batches": list(ctx.batch_ids),
                               "labelled_batches": list(ctx.labelled_batch_ids)}  # fmt: skip
        for name, part in PARTS:
            found = part(ctx)
            if found is not None:
                results[name] = found
        if not ctx.batch_ids and not ctx.labelled_batch_ids:
            status = "no data"
    except Exception as exc:  # recorded on the check; the worker carries on
        log.exception("check %s of %s failed", check_id, row.model_name)
        status, error, inputs = "failed", str(exc)[:2000], row.inputs
    with session_scope(studio.engine) as session:
        stored = session.get(MonitorCheck, check_id)
        stored.version, stored.inputs, stored.results = version, inputs, results
        stored.status, stored.error, stored.finished_at = status, error, utcnow()
        info = _info(stored)
    if status != "failed":
        alert_on_check(studio, info, moment)
    return info


def _run_isolated(studio: Studio, check_id: int, now: datetime | None) -> CheckInfo:
    """``run_check`` in a forked child (a worker never predicts in its own process: see
    ``autopilot.isolated``); a child that dies or overruns is recorded on the check."""
    import time

    from studio.autopilot.isolated import run_isolated

    outcome = run_isolated(lambda _send: run_check(studio, check_id, now).id,
                           time.monotonic() + CHECK_SECONDS)  # fmt: skip
    if outcome.status != "done":
        with session_scope(studio.engine) as session:
            stored = session.get(MonitorCheck, check_id)
            if stored.status == "running":
                stored.status, stored.finished_at = "failed", utcnow()
                stored.error = f"the check's process ended: {outcome.status} {outcome.error}"[
                    :2000
                ]
    return get_check(studio, check_id)


def run_due_checks(
    studio: Studio,
    worker_id: str,
    now: datetime | None = None,
    limit: int = 20,
    isolate: bool = False,
) -> list[CheckInfo]:
    """Claim and run every check due at ``now`` (at most ``limit``); what ran. Workers pass
    ``isolate`` to run each in a forked child."""
    done = []
    for _ in range(limit):
        check_id = claim_due_check(studio, worker_id, now)
        if check_id is None:
            break
        done.append(_run_isolated(studio, check_id, now) if isolate
                    else run_check(studio, check_id, now))  # fmt: skip
    return done


def get_check(studio: Studio, check_id: int) -> CheckInfo:
    """Check ``check_id`` as stored."""
    with session_scope(studio.engine) as session:
        row = session.get(MonitorCheck, check_id)
        if row is None:
            raise NotFoundError(f"There is no check {check_id}.")
        return _info(row)


def fail_stale_checks(studio: Studio, stale_after: float | None = None) -> list[int]:
    """Fail the running checks of workers whose heartbeat stopped (a guarded compare-and-set
    each, so two sweeping workers record it once); the ids failed. A check run from the
    command line (no worker row) is left alone."""
    from studio.db.models import Worker
    from studio.jobs.queue import _cutoff

    cutoff = _cutoff(studio, stale_after)
    failed = []
    with session_scope(studio.engine) as session:
        running = session.exec(select(MonitorCheck).where(MonitorCheck.status == "running"))
        for check in running.all():
            worker = session.get(Worker, check.worker_id)
            if worker is None or (worker.heartbeat_at >= cutoff and not worker.stopped):
                continue
            won = session.exec(
                update(MonitorCheck)
                .where(col(MonitorCheck.id) == check.id, col(MonitorCheck.status) == "running")
                .values(status="failed", finished_at=utcnow(),
                        error="the worker running this check stopped sending heartbeats")
                .execution_options(synchronize_session=False)
            ).rowcount  # fmt: skip
            if won == 1:
                failed.append(check.id)
    return failed


def list_checks(studio: Studio, name: str, limit: int = 50) -> list[CheckInfo]:
    """Model ``name``'s newest checks first."""
    with session_scope(studio.engine) as session:
        rows = session.exec(
            select(MonitorCheck)
            .where(MonitorCheck.model_name == name)
            .order_by(col(MonitorCheck.id).desc())
            .limit(limit)
        ).all()
        return [_info(r) for r in rows]

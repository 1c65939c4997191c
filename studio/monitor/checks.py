"""Scheduled checks: run a claimed check's parts (``monitor.check_parts``), store what
decided it (the batches and label joins covered, the window, the results), then evaluate the
model's alert rules. Claiming is in ``monitor.claims``: exactly one of N workers runs each."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlmodel import col, select

from studio.context import Studio
from studio.db import session_scope
from studio.db.models import (
    BatchLabels,
    MonitorCheck,
    ScoredBatch,
    utcnow,
)
from studio.errors import NotFoundError
from studio.monitor import check_estimates  # noqa: F401 (registers its parts)
from studio.monitor.check_parts import PARTS, CheckContext
from studio.monitor.claims import claim_due_check, model_batches
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
            model_batches(check.model_name).where(
                col(ScoredBatch.id) > inputs["batches_after"],
                col(ScoredBatch.id) <= inputs["batches_to"],
            )
        ).all()
        newest = session.exec(
            model_batches(check.model_name).order_by(col(ScoredBatch.id).desc())
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
                        now, newest[2] if newest else None, inputs.get("serving_after", 0),
                        inputs.get("serving_to", 0))  # fmt: skip


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

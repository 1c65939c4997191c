"""The job queue: enqueue, claim with a guarded compare-and-set, finish, and sweep dead workers."""

from __future__ import annotations

import logging
import os
import socket
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from studio.context import Studio
from studio.db import session_scope
from studio.db.models import Job, Run, RunEvent, Worker, utcnow

log = logging.getLogger(__name__)

STALE_AFTER_SECONDS = 20.0


@dataclass(frozen=True)
class ClaimedJob:
    """A job this worker now owns."""

    id: int
    kind: str
    run_id: int | None


def enqueue(session: Session, *, kind: str, run_id: int | None) -> Job:
    """Add a queued job in the caller's unit of work."""
    job = Job(kind=kind, run_id=run_id, status="queued")
    session.add(job)
    return job


def claim_next(studio: Studio, worker_id: str) -> ClaimedJob | None:
    """Claim the oldest queued job; two workers racing for it cannot both win."""
    with session_scope(studio.engine) as session:
        candidates = session.exec(
            select(Job.id).where(Job.status == "queued").order_by(col(Job.id)).limit(5)
        ).all()
        for job_id in candidates:
            won = session.exec(
                update(Job)
                .where(col(Job.id) == job_id, col(Job.status) == "queued")
                .values(status="running", worker_id=worker_id, claimed_at=utcnow())
            ).rowcount
            if won == 1:
                job = session.get(Job, job_id)
                return ClaimedJob(job.id, job.kind, job.run_id)
    return None


def finish(studio: Studio, job_id: int, *, failed: bool = False, error: str = "") -> None:
    """Record how a job ended."""
    with session_scope(studio.engine) as session:
        job = session.get(Job, job_id)
        if job is not None:
            job.status = "failed" if failed else "done"
            job.finished_at = utcnow()
            job.error = error[:2000]


def register_worker(studio: Studio, worker_id: str) -> None:
    """Record a new live worker."""
    with session_scope(studio.engine) as session:
        session.add(Worker(id=worker_id, host=socket.gethostname()[:255], pid=os.getpid()))


def heartbeat(studio: Studio, worker_id: str, *, job_id: int | None, run_id: int | None) -> bool:
    """Refresh a worker's heartbeat; False when the worker was told to stop."""
    with session_scope(studio.engine) as session:
        worker = session.get(Worker, worker_id)
        if worker is None:
            return False
        worker.heartbeat_at = utcnow()
        worker.job_id, worker.run_id = job_id, run_id
        return not worker.stopped


def retire_worker(studio: Studio, worker_id: str) -> None:
    """Mark a worker as stopped (it exits)."""
    with session_scope(studio.engine) as session:
        worker = session.get(Worker, worker_id)
        if worker is not None:
            worker.stopped = True


def live_workers(studio: Studio, within: float = STALE_AFTER_SECONDS) -> int:
    """How many workers sent a heartbeat in the last ``within`` seconds."""
    cutoff = utcnow() - timedelta(seconds=within)
    with session_scope(studio.engine) as session:
        rows = session.exec(
            select(Worker.id).where(Worker.heartbeat_at >= cutoff, col(Worker.stopped).is_(False))
        ).all()
        return len(rows)


def idle_workers(studio: Studio, within: float = STALE_AFTER_SECONDS) -> int:
    """How many live workers are free to claim a queued job (neither running a job nor
    helping a search, by their last heartbeat)."""
    cutoff = utcnow() - timedelta(seconds=within)
    with session_scope(studio.engine) as session:
        rows = session.exec(
            select(Worker.id).where(
                Worker.heartbeat_at >= cutoff, col(Worker.stopped).is_(False),
                col(Worker.job_id).is_(None), col(Worker.run_id).is_(None),
            )
        ).all()  # fmt: skip
        return len(rows)


def sweep_stale_jobs(studio: Studio, stale_after: float = STALE_AFTER_SECONDS) -> list[int]:
    """Fail the jobs of workers whose heartbeat stopped; their runs become resumable.

    Returns the ids of the runs that were marked failed.
    """
    cutoff = utcnow() - timedelta(seconds=stale_after)
    failed_runs: list[int] = []
    with session_scope(studio.engine) as session:
        running = session.exec(select(Job).where(Job.status == "running")).all()
        for job in running:
            worker = session.get(Worker, job.worker_id) if job.worker_id else None
            if worker is not None and worker.heartbeat_at >= cutoff and not worker.stopped:
                continue
            job.status, job.finished_at = "failed", utcnow()
            job.error = "the worker stopped sending heartbeats"
            run = session.get(Run, job.run_id) if job.run_id else None
            if run is not None and run.status in ("running", "stopping", "finalizing"):
                run.status = "failed"
                run.message = "The worker running this run stopped responding; resume it."
                session.add(RunEvent(run_id=run.id, level="error", message=run.message))
                failed_runs.append(run.id)
    if failed_runs:
        log.warning("marked runs %s failed after their worker died", failed_runs)
    return failed_runs

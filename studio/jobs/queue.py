"""The job queue: enqueue, claim with a guarded compare-and-set, finish, and sweep dead workers."""

from __future__ import annotations

import logging
import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from studio.context import Studio
from studio.db import session_scope
from studio.db.models import Job, Run, RunEvent, Worker, utcnow

log = logging.getLogger(__name__)

WORKER_DIED = "The worker running this run stopped responding; resume it."


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


def _cutoff(studio: Studio, within: float | None) -> datetime:
    """Heartbeats older than this are stale (``within`` default: the store's setting)."""
    seconds = studio.settings.worker_stale_seconds if within is None else within
    return utcnow() - timedelta(seconds=seconds)


def live_workers(studio: Studio, within: float | None = None) -> int:
    """How many workers sent a heartbeat in the last ``within`` seconds (default: the
    ``STUDIO_WORKER_STALE_SECONDS`` setting)."""
    cutoff = _cutoff(studio, within)
    with session_scope(studio.engine) as session:
        rows = session.exec(
            select(Worker.id).where(Worker.heartbeat_at >= cutoff, col(Worker.stopped).is_(False))
        ).all()
        return len(rows)


def idle_workers(studio: Studio, within: float | None = None) -> int:
    """How many live workers are free to claim a queued job (neither running a job nor
    helping a search, by their last heartbeat)."""
    cutoff = _cutoff(studio, within)
    with session_scope(studio.engine) as session:
        rows = session.exec(
            select(Worker.id).where(
                Worker.heartbeat_at >= cutoff, col(Worker.stopped).is_(False),
                col(Worker.job_id).is_(None), col(Worker.run_id).is_(None),
            )
        ).all()  # fmt: skip
        return len(rows)


def sweep_stale_jobs(studio: Studio, stale_after: float | None = None) -> list[int]:
    """Fail the jobs of workers whose heartbeat stopped; their runs become resumable.

    Every live worker calls this from its heartbeat, so a dead worker's run is failed within
    a beat of its heartbeat going stale (``stale_after`` seconds, default: the
    ``STUDIO_WORKER_STALE_SECONDS`` setting), even while every other worker is busy helping
    that very search. Each job is failed by a guarded compare-and-set, so two workers sweeping
    at once record it once. Returns the ids of the runs that were marked failed.
    """
    cutoff = _cutoff(studio, stale_after)
    failed_runs: list[int] = []
    with session_scope(studio.engine) as session:
        running = session.exec(select(Job).where(Job.status == "running")).all()
        for job in running:
            worker = session.get(Worker, job.worker_id) if job.worker_id else None
            if worker is not None and worker.heartbeat_at >= cutoff and not worker.stopped:
                continue
            if not _fail_job(session, job.id):
                continue  # another worker swept it first
            run = session.get(Run, job.run_id) if job.run_id else None
            if run is not None and run.status in ("running", "stopping", "finalizing"):
                run.status, run.message, run.finished_at = "failed", WORKER_DIED, utcnow()
                session.add(RunEvent(run_id=run.id, level="error", message=run.message))
                failed_runs.append(run.id)
    if failed_runs:
        log.warning("marked runs %s failed after their worker died", failed_runs)
    return failed_runs


def _fail_job(session: Session, job_id: int) -> bool:
    """Running -> failed for a dead worker's job; False when it was no longer running."""
    won = session.exec(
        update(Job)
        .where(col(Job.id) == job_id, col(Job.status) == "running")
        .values(
            status="failed", finished_at=utcnow(), error="the worker stopped sending heartbeats"
        )
    ).rowcount
    return won == 1

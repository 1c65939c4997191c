"""The job queue on a real database: each queued job is claimed by exactly one worker, however
many race for it, and a dead worker's job is failed by the sweep (both backends)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from studio.context import Studio
from studio.db import session_scope
from studio.db.models import Job, Worker, utcnow
from studio.jobs.queue import (
    claim_next,
    enqueue,
    finish,
    heartbeat,
    register_worker,
    sweep_stale_jobs,
)

pytestmark = pytest.mark.database


def _enqueue(studio: Studio, count: int) -> list[int]:
    with session_scope(studio.engine) as session:
        jobs = [enqueue(session, kind="analyze", run_id=None) for _ in range(count)]
        session.flush()
        return [int(job.id) for job in jobs]


def test_racing_workers_claim_each_job_exactly_once(studio: Studio) -> None:
    """Four threads (own connections) drain 40 jobs at once: no job twice, none left."""
    queued = _enqueue(studio, 40)
    claims: dict[str, list[int]] = {f"w{i}": [] for i in range(4)}
    start = threading.Barrier(len(claims))

    def drain(worker: str) -> None:
        start.wait()
        while (job := claim_next(studio, worker)) is not None:
            claims[worker].append(job.id)
            finish(studio, job.id)

    threads = [threading.Thread(target=drain, args=(w,)) for w in claims]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    claimed = [job for jobs in claims.values() for job in jobs]
    assert sorted(claimed) == queued  # each exactly once
    assert claim_next(studio, "late") is None


def test_the_sweep_fails_only_the_jobs_of_dead_workers(studio: Studio) -> None:
    """A job whose worker never beats again is failed; a live worker's job is left alone."""
    _enqueue(studio, 2)
    for worker in ("alive", "dead"):
        register_worker(studio, worker)
    first, second = claim_next(studio, "dead"), claim_next(studio, "alive")
    assert first is not None and second is not None
    heartbeat(studio, "alive", job_id=second.id, run_id=None)
    with session_scope(studio.engine) as session:
        session.get(Worker, "dead").heartbeat_at = utcnow() - timedelta(minutes=5)
    sweep_stale_jobs(studio, stale_after=60)
    with session_scope(studio.engine) as session:
        assert session.get(Job, first.id).status == "failed"
        assert session.get(Job, second.id).status == "running"

"""A worker process: claims queued jobs, helps running searches, and sends heartbeats.

``studio worker`` drains the queue until stopped; ``--once`` handles one job and exits. Any
number of workers may share one PostgreSQL database and artifact folder.

Between jobs a worker also runs the monitoring checks that are due (``monitor.checks``):
each is claimed by a compare-and-set on its schedule, so of N workers exactly one runs it.

Every heartbeat also sweeps: a worker whose heartbeat went stale is dead, and whichever live
worker notices first fails its run (resumable), even while it is busy helping that search.
SIGTERM (a plain ``kill``) ends the worker cleanly: the trial child is killed, the run in hand
becomes resumable, the job is marked failed, and the worker retires; a second SIGTERM ends it
at once.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from studio.autopilot import isolated
from studio.autopilot.runner import help_search, joinable_run, run_autopilot_job
from studio.context import Studio
from studio.errors import Interrupted
from studio.experiments.analysis import analyze_run
from studio.jobs import queue

log = logging.getLogger(__name__)

MAX_HEARTBEAT_SECONDS = 2.0
POLL_SECONDS = 1.0


def heartbeat_seconds(stale_seconds: float) -> float:
    """Seconds between heartbeats: a tenth of the stale threshold, at most 2 s."""
    return max(0.1, min(MAX_HEARTBEAT_SECONDS, stale_seconds / 10))


class Heartbeat(threading.Thread):
    """Refreshes the worker's heartbeat every few seconds while it lives, then sweeps the
    jobs of dead workers."""

    def __init__(self, studio: Studio, worker_id: str) -> None:
        super().__init__(daemon=True, name="studio-heartbeat")
        self.studio, self.worker_id = studio, worker_id
        self.job_id: int | None = None
        self.run_id: int | None = None
        self.halt = threading.Event()
        self.told_to_stop = threading.Event()

    def run(self) -> None:
        every = heartbeat_seconds(self.studio.settings.worker_stale_seconds)
        while not self.halt.wait(every):
            try:
                with isolated.FORK_LOCK:  # no fork while this thread is inside the database driver
                    alive = queue.heartbeat(
                        self.studio, self.worker_id, job_id=self.job_id, run_id=self.run_id
                    )
                    queue.sweep_stale_jobs(self.studio)
                if not alive:
                    self.told_to_stop.set()
            except Exception:  # a missed heartbeat is retried; the sweep tolerates a few
                log.exception("heartbeat failed")


def new_worker_id() -> str:
    """A readable, unique worker id: host-pid-random."""
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


def _interrupt(signum: int, _frame: object) -> None:
    signal.signal(signum, signal.SIG_DFL)  # a second signal ends the process at once
    raise Interrupted(f"the worker received signal {signum}")


@contextmanager
def _sigterm_interrupts() -> Iterator[None]:
    """While inside, SIGTERM raises ``Interrupted`` in the main thread (only there can a
    handler be installed; elsewhere this does nothing)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def serve(
    studio: Studio, *, once: bool = False, idle_exit: float | None = None, help_others: bool = True
) -> int:
    """Work until stopped (or after one job with ``once``); return the number of jobs run.

    SIGTERM or Ctrl-C ends it cleanly (see the module docstring) and it returns normally.
    """
    worker_id = new_worker_id()
    queue.register_worker(studio, worker_id)
    beat = Heartbeat(studio, worker_id)
    beat.start()
    done = 0
    log.info("worker %s started", worker_id)
    try:
        with _sigterm_interrupts():
            done = _drain(studio, worker_id, beat, once, idle_exit, help_others)
    except KeyboardInterrupt:  # Interrupted (SIGTERM) or Ctrl-C: the work in hand is recorded
        log.warning("worker %s was told to end", worker_id)
    finally:
        beat.halt.set()
        queue.retire_worker(studio, worker_id)
        log.info("worker %s stopped", worker_id)
    return done


def _drain(
    studio: Studio,
    worker_id: str,
    beat: Heartbeat,
    once: bool,
    idle_exit: float | None,
    help_others: bool,
) -> int:
    done, idle_since = 0, time.monotonic()
    while not beat.told_to_stop.is_set():
        queue.sweep_stale_jobs(studio)
        _due_checks(studio, worker_id)
        if _work_once(studio, worker_id, beat, help_others):
            done, idle_since = done + 1, time.monotonic()
            if once:
                break
            continue
        if once or (idle_exit is not None and time.monotonic() - idle_since > idle_exit):
            break
        time.sleep(POLL_SECONDS)
    return done


def _due_checks(studio: Studio, worker_id: str) -> None:
    """Run the monitoring checks due now (a failure is recorded on the check, or logged)."""
    from studio.monitor.checks import fail_stale_checks, run_due_checks

    try:
        fail_stale_checks(studio)
        run_due_checks(studio, worker_id, isolate=True)
    except Exception:  # the queue must keep draining even if the store of checks fails
        log.exception("running due monitoring checks failed")


def _work_once(studio: Studio, worker_id: str, beat: Heartbeat, help_others: bool) -> bool:
    job = queue.claim_next(studio, worker_id)
    if job is not None:
        beat.job_id, beat.run_id = job.id, job.run_id
        try:
            if job.kind == "analyze":
                analyze_run(studio, job.run_id)
            else:
                run_autopilot_job(studio, job.run_id, worker_id)
            queue.finish(studio, job.id)
        except KeyboardInterrupt:
            queue.finish(studio, job.id, failed=True, error="the worker was told to end")
            raise
        except Exception as exc:  # recorded on the run by the runner; the worker carries on
            queue.finish(studio, job.id, failed=True, error=str(exc))
        finally:
            beat.job_id = beat.run_id = None
        return True
    run_id = joinable_run(studio) if help_others else None
    if run_id is None:
        return False
    beat.run_id = run_id
    try:
        help_search(studio, run_id, worker_id)
    except Exception:  # a helper's failure never fails the run it helped
        log.exception("helping run %s failed", run_id)
    finally:
        beat.run_id = None
    return False

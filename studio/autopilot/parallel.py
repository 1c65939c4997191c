"""More than one trial at a time on one machine: search helpers forked beside the run's leader.

Below ``THREADED_ROWS`` training rows every fit uses one OpenMP thread (faster per fit than
several), so a worker running one trial at a time leaves every other core idle. The leader
therefore forks one helper process per extra core, each a non-leading ``SearchSession`` on the
same study (what a worker on another machine does when it joins a search, see
``runner.help_search``), sharing the leader's prepared data copy-on-write. Optuna's TPE with
``constant_liar`` is built for concurrent trials (Optuna docs, "Easy Parallelization").

The leader and its helpers take turns to ask Optuna for a trial (an inter-process lock): on
SQLite two processes popping the same queued default trial at once could both start it. Helpers
end with the search (deadline, trial limit, stop request); the leader waits for them before it
finalises, so their last trials count. A helper dies with its leader (``die_with_parent``), and
its trial children die with it, so a killed worker leaves no process behind.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager

from studio.autopilot import isolated
from studio.autopilot.evaluation import THREADED_ROWS, machine_cores
from studio.autopilot.isolated import die_with_parent
from studio.autopilot.search import SearchSession
from studio.autopilot.study import fail_running_trials, load_study

log = logging.getLogger(__name__)

_CTX = mp.get_context("fork")
MAX_AT_ONCE = 8
HELPER_GRACE_SECONDS = 5.0  # after an interrupt, how long helpers get to record their trial


def trials_at_once(setting: int, rows: int) -> int:
    """How many trials a worker runs at once on a table of ``rows`` training rows.

    ``setting`` is ``STUDIO_TRIALS_AT_ONCE``: a positive number is used as it is (at most
    ``MAX_AT_ONCE``); 0 (the default) means one trial per core below ``THREADED_ROWS`` rows,
    and one trial whose fits use every core above (``evaluation.fit_threads``)."""
    if setting > 0:
        return min(setting, MAX_AT_ONCE)
    return min(machine_cores(), MAX_AT_ONCE) if rows < THREADED_ROWS else 1


class Helpers:
    """The helper processes of one leader's search (none when one trial runs at a time)."""

    def __init__(self, lead: SearchSession, count: int) -> None:
        self.lead = lead
        self.ids = [f"{lead.worker_id}+{index}" for index in range(1, count)]
        self.processes: list[mp.process.BaseProcess] = []

    def start(self) -> None:
        """Fork the helpers (never while another thread is inside the database driver)."""
        for index, helper_id in enumerate(self.ids, start=1):
            process = _CTX.Process(
                target=_help, args=(self.lead, index, helper_id, os.getpid())
            )  # not a daemon: daemonic processes may not start the trial children it does
            with isolated.FORK_LOCK:
                process.start()
            self.processes.append(process)
        if self.ids:
            self.lead.event(
                f"{len(self.ids) + 1} trials run at once on this worker (one per core)."
            )

    def wait(self, until: float) -> None:
        """Wait for the helpers to end their search, until ``until`` (monotonic) at most; any
        still running then is ended, and its unfinished trial recorded as failed."""
        for process in self.processes:
            left = until - time.monotonic()
            process.join(timeout=None if left == float("inf") else max(0.0, left))
        self.end()

    def end(self) -> None:
        """End every helper still running: a signal first (it records its trial as
        interrupted), then a kill. Trials they left running are recorded as failed."""
        alive = [p for p in self.processes if p.is_alive()]
        for process in alive:
            os.kill(process.pid, signal.SIGTERM)
        grace = time.monotonic() + HELPER_GRACE_SECONDS
        for process in alive:
            process.join(timeout=max(0.0, grace - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join(timeout=10)
        fail_running_trials(self.lead.study, workers=set(self.ids))


@contextmanager
def helping(lead: SearchSession, count: int) -> Iterator[Helpers]:
    """Run ``count - 1`` helpers beside ``lead`` while inside; on leaving (also by an error or
    an interrupt) every helper has ended."""
    helpers = Helpers(lead, count)
    if count > 1:
        lead.ask_lock = _CTX.Lock()
    try:
        helpers.start()
        yield helpers
    finally:
        helpers.end()


def _help(lead: SearchSession, index: int, helper_id: str, parent_pid: int) -> None:
    """A helper process: search beside the leader until the search ends."""
    die_with_parent(parent_pid)
    try:
        url = lead.studio.settings.database_url
        study = load_study(url, lead.config["study_name"], lead.seed + index)
        helper = SearchSession(
            lead.studio, lead.run_id, lead.config, lead.data, study, lead=False,
            worker_id=helper_id, ask_lock=lead.ask_lock, threads=lead.threads,
        )  # fmt: skip
        helper.search()
    except KeyboardInterrupt:  # told to end by the leader: its trial is recorded
        pass
    except Exception:
        log.exception("search helper %s of run %s failed", helper_id, lead.run_id)

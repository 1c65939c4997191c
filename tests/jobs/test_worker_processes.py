"""A worker's trial children die with it, and a plain ``kill`` ends it cleanly.

The run's only trials are support vector machines on 30,000 rows: each fold fits for a long
while, and its fold message (over 64 KiB of out-of-fold outputs) cannot fit in a pipe, so a
child that outlived its worker would block on it forever instead of ending by itself. The
tests wait for events (a child exists, the child is gone), never for an amount of time.
"""

from __future__ import annotations

import signal
import sys

import pytest
from optuna.trial import TrialState

from studio.autopilot.search import INTERRUPTED
from studio.autopilot.study import load_study
from studio.context import Studio
from studio.db import session_scope
from studio.db.models import Job
from studio.tracking import get_run
from tests.waits import HANG_GUARD_SECONDS, wait_until
from tests.workers import forked_children, is_running, launch_slow_run, worker_process

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


@pytest.fixture
def slow_run(studio: Studio) -> int:
    """A queued run whose every trial fits for a long time (30,000 rows, SVM)."""
    return launch_slow_run(studio, ["svm"])


def _trial_child(worker_pid: int) -> int:
    found: list[int] = []

    def child_exists() -> bool:
        found[:] = forked_children(worker_pid)
        return bool(found)

    wait_until(child_exists, "the worker's trial child")
    return found[0]


def test_trial_child_dies_with_its_killed_worker(studio: Studio, slow_run: int) -> None:
    """kill -9 of a worker mid-trial: its trial child is gone too (the kernel kills it)."""
    worker = worker_process(studio, "--once")
    child = _trial_child(worker.pid)
    worker.kill()
    worker.wait(timeout=HANG_GUARD_SECONDS)
    wait_until(lambda: not is_running(child), f"trial child {child} to end")


def test_a_plain_kill_ends_the_worker_cleanly(studio: Studio, slow_run: int) -> None:
    """SIGTERM mid-trial: the trial child is gone, the worker exits 0, the run says to resume
    it, its job is failed and the trial in flight is failed (none is left 'running')."""
    worker = worker_process(studio, "--once")
    child = _trial_child(worker.pid)
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=HANG_GUARD_SECONDS) == 0
    wait_until(lambda: not is_running(child), f"trial child {child} to end")
    info = get_run(studio, slow_run, events=0)
    assert info.status == "failed" and "resume" in info.message
    with session_scope(studio.engine) as session:
        job = session.get(Job, 1)
        assert job.status == "failed" and job.run_id == slow_run
    study = load_study(studio.settings.database_url, info.study_name, 0)
    trials = study.get_trials(deepcopy=False)
    assert [t.state for t in trials] == [TrialState.FAIL]
    assert trials[0].user_attrs["failure"] == INTERRUPTED

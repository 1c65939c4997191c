"""Several trials at once on one worker (``studio.autopilot.parallel``), in real worker processes.

A worker runs one trial per core: its helper processes search beside it on the same study.
What a user would notice if this went wrong: more trials than the limit, trials left
"running", processes left behind by a stopped worker, or a run called finished with nothing
to show. Every test waits for events or runs to their end, never for an amount of time.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest
from optuna.trial import TrialState

from studio.autopilot.runner import NO_REFIT
from studio.autopilot.service import AutopilotRequest, launch_run
from studio.autopilot.study import load_study
from studio.context import Studio
from studio.data.versions import add_dataset_version
from studio.tracking import get_run
from tests.autopilot.conftest import churn_like
from tests.waits import HANG_GUARD_SECONDS, wait_until
from tests.workers import forked_children, is_running, launch_slow_run, worker_process

TWO_AT_ONCE = {"STUDIO_TRIALS_AT_ONCE": "2"}


def _trials(studio: Studio, run_id: int) -> list:
    info = get_run(studio, run_id, events=0)
    return load_study(studio.settings.database_url, info.study_name, 0).get_trials(deepcopy=False)


@pytest.mark.database
def test_two_trials_at_once_share_the_search_and_keep_its_trial_limit(studio: Studio) -> None:
    """Ten trials asked of two processes: exactly ten run, both processes ran some, none is
    left running, and the run finishes with ranked candidates."""
    content = churn_like(600).to_csv(index=False).encode()
    add_dataset_version(studio, content, "churn.csv", actor="tester")
    request = AutopilotRequest(dataset="churn", target="churn", budget_seconds=None,
                               max_trials=10, families=["hgb", "linear"], top_k=2)  # fmt: skip
    run_id = launch_run(studio, request, actor="tester")
    worker = worker_process(studio, "--once", **TWO_AT_ONCE)
    assert worker.wait(timeout=HANG_GUARD_SECONDS) == 0
    info = get_run(studio, run_id, events=100)
    assert info.status == "finished", info.message
    trials = _trials(studio, run_id)
    assert len(trials) == 10
    assert all(t.state != TrialState.RUNNING for t in trials)
    workers = {t.user_attrs["worker"] for t in trials}
    assert len(workers) == 2 and any(w.endswith("+1") for w in workers)
    assert any("2 trials run at once" in message for _, _, message in info.events)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_plain_kill_ends_the_helpers_and_their_trials_too(studio: Studio) -> None:
    """SIGTERM to a worker running two long trials at once: the worker exits 0, its helper and
    every trial child are gone, and no trial is left running."""
    run_id = launch_slow_run(studio, ["svm"])
    worker = worker_process(studio, "--once", **TWO_AT_ONCE)
    processes: list[int] = []

    def both_trials_fitting() -> bool:
        children = forked_children(worker.pid)  # the helper and the leader's trial child
        grandchildren = [g for c in children for g in forked_children(c)]
        processes[:] = children + grandchildren
        return len(children) == 2 and len(grandchildren) == 1

    wait_until(both_trials_fitting, "a helper and two trial children")
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=HANG_GUARD_SECONDS) == 0
    for pid in processes:
        wait_until(lambda pid=pid: not is_running(pid), f"process {pid} to end")
    assert get_run(studio, run_id, events=0).status == "failed"
    states = [t.state for t in _trials(studio, run_id)]
    assert states == [TrialState.FAIL, TrialState.FAIL]


def test_a_run_whose_refits_all_ran_out_of_time_fails_saying_so(studio: Studio) -> None:
    """Trials completed but no refit finished before the end of the budget: the run is failed
    with a sentence saying why, not "finished" with an empty leaderboard. The worker's budget
    tolerance is moved so that the refit deadline has passed when the search ends."""
    add_dataset_version(studio, churn_like().to_csv(index=False).encode(), "churn.csv",
                        actor="tester")  # fmt: skip
    request = AutopilotRequest(dataset="churn", target="churn", budget_seconds=600,
                               max_trials=2, families=["linear"], top_k=1)  # fmt: skip
    run_id = launch_run(studio, request, actor="tester")
    code = (
        "import studio.autopilot.runner as r; r.BUDGET_TOLERANCE = -1.0; "
        "from studio.cli import main; raise SystemExit(main(['worker', '--once']))"
    )
    env = os.environ | {
        "STUDIO_HOME": str(studio.settings.home),
        "STUDIO_DATABASE_URL": studio.settings.database_url,
        "STUDIO_ARTIFACTS": str(studio.settings.artifacts_dir),
    }
    done = subprocess.run([sys.executable, "-c", code], env=env, timeout=HANG_GUARD_SECONDS)
    assert done.returncode == 0
    info = get_run(studio, run_id, events=0)
    assert (info.status, info.message) == ("failed", NO_REFIT)

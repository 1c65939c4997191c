"""Stop is honoured at once: no trial starts after it, the trial in flight is ended rather than
waited for, and the run finalises on the trials it has (both backends).

Trial 0 is the linear model's defaults (quick); trial 1, the support vector machine's, fits
on 30,000 rows for minutes, so it is certainly in flight when the test asks to stop.
"""

from __future__ import annotations

from optuna.trial import TrialState

from studio.autopilot.service import request_stop
from studio.autopilot.study import load_study
from studio.context import Studio
from studio.tracking import get_run
from tests.waits import HANG_GUARD_SECONDS, wait_until
from tests.workers import launch_slow_run, worker_process


# On PostgreSQL, tests/test_model_life.py and the two-worker test in test_runs.py stop runs.
def test_stop_ends_the_trial_in_flight_and_starts_none(studio: Studio) -> None:
    """Stop once trial 0 is done and trial 1 runs: trial 1 ends pruned as stopped, no trial 2
    exists, and the run ends stopped with trial 0's candidate."""
    run_id = launch_slow_run(studio, ["linear", "svm"])
    worker = worker_process(studio, "--once")
    study = load_study(studio.settings.database_url, get_run(studio, run_id).study_name, 0)

    def states() -> list[TrialState]:
        return [t.state for t in study.get_trials(deepcopy=False)]

    try:
        wait_until(lambda: states() == [TrialState.COMPLETE, TrialState.RUNNING], "trial 1")
        assert request_stop(studio, run_id, actor="tester") == "stopping"
        wait_until(lambda: not get_run(studio, run_id, events=0).is_active, "the run's end")
    finally:
        assert worker.wait(timeout=HANG_GUARD_SECONDS) == 0
    trials = study.get_trials(deepcopy=False)
    assert [t.state for t in trials] == [TrialState.COMPLETE, TrialState.PRUNED]
    assert trials[1].params["family"] == "svm" and trials[1].user_attrs["stopped"] is True
    info = get_run(studio, run_id, events=1000)
    assert info.status == "stopped" and [c.name for c in info.leaderboard] == ["linear-t0"]
    assert any("Trial 1 (svm) was ended unfinished" in text for _at, _lv, text in info.events)

"""A run whose worker died is failed by another live worker, even one busy helping that very
search: it never stays 'running' until some new worker starts (PostgreSQL, the team set-up)."""

from __future__ import annotations

import signal

import pytest
from optuna.trial import TrialState
from sqlmodel import select

from studio.autopilot.service import AutopilotRequest, launch_run
from studio.autopilot.study import load_study
from studio.context import Studio
from studio.data.versions import add_dataset_version
from studio.db import session_scope
from studio.db.models import Worker
from studio.jobs.queue import WORKER_DIED
from studio.tracking import get_run
from tests.autopilot.conftest import churn_like
from tests.waits import HANG_GUARD_SECONDS, wait_until
from tests.workers import worker_process

# A small stale threshold for these workers (the default is 20 s); nothing waits for it.
STALE = {"STUDIO_WORKER_STALE_SECONDS": "5"}
FINISHED = (TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL)


def _helping(studio: Studio, worker_pid: int) -> int | None:
    with session_scope(studio.engine) as session:
        return session.exec(select(Worker.run_id).where(Worker.pid == worker_pid)).one()


@pytest.mark.database
def test_a_helper_fails_the_run_of_its_dead_owner(studio: Studio, backend: str) -> None:
    """kill -9 of the owner while a helper works on its search: the helper's heartbeat sweep
    fails the run (resumable, one sentence), the helper stops helping and keeps running."""
    if backend != "postgresql":
        pytest.skip("several workers on one run is the team (PostgreSQL) set-up")
    content = churn_like().to_csv(index=False).encode()
    add_dataset_version(studio, content, "churn.csv", actor="tester")
    request = AutopilotRequest(
        dataset="churn", target="churn", budget_seconds=None, max_trials=100_000,
        families=["linear"], top_k=2,
    )  # fmt: skip
    run_id = launch_run(studio, request, actor="tester")
    owner = worker_process(studio, "--once", **STALE)
    wait_until(lambda: get_run(studio, run_id, events=0).status == "running", "the start")
    helper = worker_process(studio, **STALE)
    study = load_study(studio.settings.database_url, get_run(studio, run_id).study_name, 0)

    def contributors() -> set[str]:
        trials = study.get_trials(deepcopy=False, states=FINISHED)
        return {t.user_attrs.get("worker") for t in trials} - {None, ""}

    try:
        wait_until(lambda: len(contributors()) == 2, "a trial from each worker")
        owner.kill()
        owner.wait(timeout=HANG_GUARD_SECONDS)
        wait_until(lambda: get_run(studio, run_id, events=0).status != "running", "the sweep")
        info = get_run(studio, run_id, events=0)
        assert info.status == "failed" and info.message == WORKER_DIED
        assert helper.poll() is None  # the helper lives on
        wait_until(lambda: _helping(studio, helper.pid) is None, "the helper to stop helping")
    finally:
        helper.send_signal(signal.SIGTERM)
        assert helper.wait(timeout=HANG_GUARD_SECONDS) == 0

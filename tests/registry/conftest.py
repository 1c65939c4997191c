"""Registry fixtures: a finished run on churn, made by a real worker process."""

from __future__ import annotations

import pytest

from studio.autopilot.service import AutopilotRequest, launch_run
from studio.context import Studio
from tests.autopilot.conftest import churn_studio  # noqa: F401 (fixture)
from tests.autopilot.test_runs import run_worker_once


@pytest.fixture
def finished_run(churn_studio: Studio) -> tuple[Studio, int]:  # noqa: F811
    """A finished run with two or more linear candidates (linear models predict without
    OpenMP, so this test process stays safe to fork)."""
    request = AutopilotRequest(dataset="churn", target="churn", max_trials=6, top_k=3,
                               families=["linear"])  # fmt: skip
    run_id = launch_run(churn_studio, request, actor="tester")
    run_worker_once(churn_studio)
    return churn_studio, run_id

"""Registry fixtures: a finished run on churn, made once per module by a real worker process
and copied for each test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from studio.autopilot.service import AutopilotRequest, launch_run
from studio.context import Studio
from studio.data.versions import add_dataset_version
from tests.autopilot.conftest import churn_like
from tests.autopilot.test_runs import run_worker_once
from tests.conftest import BACKENDS, clone_store, fresh_database_url, make_settings, release_store


@pytest.fixture(scope="module", params=BACKENDS)
def trained_template(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str, Path, int]]:
    """A store with a finished run of linear candidates (linear models predict without
    OpenMP, so this test process stays safe to fork)."""
    backend = request.param
    tmp = tmp_path_factory.mktemp(f"registry-{backend}")
    url = fresh_database_url(backend, tmp, request)
    studio = Studio.open(make_settings(tmp / "home", url))
    add_dataset_version(studio, churn_like().to_csv(index=False).encode(), "churn.csv", actor="t")
    request_ = AutopilotRequest(
        dataset="churn", target="churn", max_trials=6, top_k=3, families=["linear"]
    )
    run_id = launch_run(studio, request_, actor="tester")
    run_worker_once(studio)
    release_store(url)
    yield backend, url, tmp / "home", run_id


@pytest.fixture
def finished_run(
    trained_template: tuple[str, str, Path, int], tmp_path: Path, request: pytest.FixtureRequest
) -> tuple[Studio, int]:
    """A private copy of the module's finished run."""
    backend, url, home, run_id = trained_template
    return Studio.open(clone_store(backend, url, home, tmp_path, request)), run_id

"""The greedy ensemble chooses from a library of diverse models: the top trials and the best
trial of every other family (``finalize.ensemble_library``), in a real worker run.

Before, it chose from the top trials only: after many trials those are often near-copies of
one family, and with ``top_k=1`` there was never an ensemble at all.
"""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pandas as pd

from studio.autopilot.service import AutopilotRequest, launch_run
from studio.context import Studio
from studio.data.versions import add_dataset_version
from studio.registry.register import register_candidate
from studio.tracking import get_run
from tests.workers import run_worker_once


def linear_plus_bumps(n: int = 400, seed: int = 0) -> pd.DataFrame:
    """A regression target with a linear trend over five columns (which trees on 400 rows
    approximate in coarse steps) and bumps along a sixth (which a linear model cannot follow):
    each family gets a different part right."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(-3, 3, (n, 6))
    y = 2 * X[:, :5].sum(axis=1) + 3 * np.sin(3 * X[:, 5]) + rng.normal(0, 0.5, n)
    frame = pd.DataFrame(X.round(4), columns=[f"x{i}" for i in range(1, 7)])
    return frame.assign(y=y.round(4))


def test_top_k_one_still_blends_the_best_of_another_family(studio: Studio) -> None:
    """One top trial: the ensemble is built from it and the best trial of the other family,
    both are refit as candidates, and its CV score is the nested one."""
    content = linear_plus_bumps().to_csv(index=False).encode()
    add_dataset_version(studio, content, "bumps.csv", actor="tester")
    request = AutopilotRequest(dataset="bumps", target="y", budget_seconds=None, max_trials=6,
                               families=["linear", "hgb"], top_k=1)  # fmt: skip
    run_id = launch_run(studio, request, actor="tester")
    run_worker_once(studio)
    info = get_run(studio, run_id, events=0)
    assert info.status == "finished", info.message
    ensemble = next(c for c in info.leaderboard if c.family == "ensemble")
    members = set(ensemble.params["members"])
    assert {m.split("-")[0] for m in members} == {"linear", "hgb"}
    singles = {c.name for c in info.leaderboard if c.family != "ensemble"}
    assert members <= singles  # every member was refit and is a candidate of its own
    assert ensemble.params["cv"] == "nested"
    best_single = max(c.cv_score for c in info.leaderboard if c.family != "ensemble")
    assert ensemble.cv_score > best_single


# Compares, in a fresh interpreter (scoring trees starts OpenMP, after which this test process
# could not fork workers safely), the registered version with a naive refit of the ensemble.
_SAME_AS_A_REFIT = """
import sys
import numpy as np
from studio.autopilot.data import prepare_training_data
from studio.autopilot.pipeline import model_output
from studio.context import Studio
from studio.modelio import load_model, load_version_model
from studio.registry.training import all_rows, refit_all_rows
from studio.registry.versions import get_version
from studio.tracking import get_run

studio = Studio.open()
run = get_run(studio, int(sys.argv[1]), events=0)
data = prepare_training_data(studio, run.config["dataset"], run.config)
best = run.leaderboard[0]
naive = refit_all_rows(load_model(studio.artifacts, best.artifact, best.artifact_sha256), data)
version = load_version_model(studio.artifacts, get_version(studio, sys.argv[2]))
X, _ = all_rows(data)
print(np.abs(model_output(version, X) - model_output(naive, X)).max())
"""


def test_an_ensemble_leader_is_fitted_on_all_rows_in_the_run(studio: Studio) -> None:
    """The ensemble leads, so the run fits it on all rows (each member, then the same
    weights); registering it by default gives that fit, which predicts what a naive refit of
    the ensemble on all rows predicts, after save and load."""
    content = linear_plus_bumps().to_csv(index=False).encode()
    add_dataset_version(studio, content, "bumps.csv", actor="tester")
    request = AutopilotRequest(dataset="bumps", target="y", budget_seconds=None, max_trials=6,
                               families=["linear", "hgb"], top_k=1)  # fmt: skip
    run_id = launch_run(studio, request, actor="tester")
    run_worker_once(studio)
    board = get_run(studio, run_id, events=0).leaderboard
    assert board[0].family == "ensemble" and board[0].fitted_on_all_rows
    assert not any(c.fitted_on_all_rows for c in board[1:])
    version = register_candidate(studio, run_id, "bumps", "tester")
    assert version.training["scope"] == "all_rows" and version.training["rows"] == 400
    settings = studio.settings
    env = os.environ | {
        "STUDIO_HOME": str(settings.home),
        "STUDIO_ARTIFACTS": str(settings.artifacts_dir),
        "STUDIO_DATABASE_URL": settings.database_url,
    }
    gap = subprocess.run(
        [sys.executable, "-c", _SAME_AS_A_REFIT, str(run_id), version.ref],
        capture_output=True, text=True, timeout=300, env=env, check=True,
    ).stdout  # fmt: skip
    assert float(gap) < 1e-9

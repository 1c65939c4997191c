"""The greedy ensemble chooses from a library of diverse models: the top trials and the best
trial of every other family (``finalize.ensemble_library``), in a real worker run.

Before, it chose from the top trials only: after many trials those are often near-copies of
one family, and with ``top_k=1`` there was never an ensemble at all.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from studio.autopilot.service import AutopilotRequest, launch_run
from studio.context import Studio
from studio.data.versions import add_dataset_version
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

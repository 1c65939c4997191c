"""A skewed regression target is searched on a power-transformed scale too: the run says so,
tries it from its second trial, and a transformed candidate is a real model everywhere a
candidate goes (save and load, the holdout, the exported script, the lean serving path)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats import skew
from sklearn.compose import TransformedTargetRegressor

from studio.autopilot import target_transform
from studio.autopilot.data import prepare_training_data
from studio.autopilot.export import export_code
from studio.autopilot.metrics import METRICS, score
from studio.autopilot.pipeline import model_output
from studio.autopilot.service import AutopilotRequest, launch_run
from studio.autopilot.study import load_study
from studio.context import Studio
from studio.data.versions import add_dataset_version, get_version, load_frame
from studio.modelio import load_model
from studio.monitor.service import reference_frame
from studio.registry.register import register_candidate
from studio.serving.fast import build_fast_path
from studio.tracking import get_run
from tests.workers import run_worker_once


def _prices(n: int = 360, seed: int = 0, skewed: bool = True) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    size = rng.uniform(20, 200, n)
    city = rng.choice(["north", "south", "east"], n)
    effect = pd.Series(city).map({"north": 0.4, "south": 0.0, "east": -0.3}).to_numpy()
    log_price = 2 + 0.015 * size + effect + rng.normal(0, 0.35, n)
    price = np.exp(log_price) if skewed else log_price
    return pd.DataFrame({"size": size.round(1), "city": city, "price": price.round(3)})


def _run(studio: Studio, frame: pd.DataFrame) -> int:
    add_dataset_version(studio, frame.to_csv(index=False).encode(), "prices.csv", actor="tester")
    request = AutopilotRequest(dataset="prices", target="price", max_trials=4, top_k=3,
                               budget_seconds=None, families=["hgb", "linear"])  # fmt: skip
    run_id = launch_run(studio, request, actor="tester")
    run_worker_once(studio)
    return run_id


def test_a_skewed_target_is_also_searched_on_a_power_scale(studio: Studio, tmp_path: Path) -> None:
    frame = _prices()
    assert skew(frame["price"]) > target_transform.SKEW_THRESHOLD
    run_id = _run(studio, frame)
    info = get_run(studio, run_id)
    assert info.status == "finished"
    assert info.config["target_transforms"] == ["none", "power"]
    assert any(e[2] == target_transform.SKEWED_TARGET for e in info.events)
    trials = load_study(studio.settings.database_url, info.study_name, 0).get_trials()
    assert [t.params.get(target_transform.PARAM) for t in trials[:2]] == ["none", "power"]
    assert trials[1].params["family"] == trials[0].params["family"] == "hgb"

    powered = next(c for c in info.leaderboard if c.params.get("target_transform") == "power")
    model = load_model(studio.artifacts, powered.artifact, powered.artifact_sha256)
    assert isinstance(model.named_steps["model"], TransformedTargetRegressor)
    data = prepare_training_data(studio, info.config["dataset"], info.config)
    output = model_output(model, data.X_holdout)  # predictions back on the price scale
    assert output.min() > 0 and np.median(output) > 10
    assert score(METRICS["r2"], data.y_holdout, output) == pytest.approx(powered.holdout["r2"])

    version = register_candidate(studio, run_id, "prices", "tester", candidate=powered.name)
    assert build_fast_path(version, model, reference_frame(studio, version)) is not None

    script = tmp_path / "model.py"
    script.write_text(export_code(studio, run_id, powered.name))
    csv = tmp_path / "prices.csv"
    load_frame(studio, get_version(studio, "prices")).to_csv(csv, index=False)
    result = subprocess.run([sys.executable, str(script), str(csv)], capture_output=True,
                            text=True, timeout=300)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "TransformedTargetRegressor" in script.read_text()
    cv = float(re.search(r"cv r2: (-?[0-9.]+)", result.stdout).group(1))
    assert cv == pytest.approx(powered.cv_score, abs=0.01)


def test_a_symmetric_target_is_searched_as_it_is(studio: Studio) -> None:
    frame = _prices(skewed=False)
    assert abs(skew(frame["price"])) < target_transform.SKEW_THRESHOLD
    info = get_run(studio, _run(studio, frame))
    assert info.config["target_transforms"] == ["none"]
    trials = load_study(studio.settings.database_url, info.study_name, 0).get_trials()
    assert all(target_transform.PARAM not in t.params for t in trials)
    assert all("target_transform" not in c.params for c in info.leaderboard)

"""A time column: the latest rows are the holdout, folds are time-ordered, every front door
says which split a run used, and the exported script repeats it."""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from studio.autopilot.data import prepare_training_data
from studio.autopilot.service import AutopilotRequest, launch_run, plan_run
from studio.autopilot.splits import describe_split
from studio.context import Studio
from studio.data.versions import add_dataset_version, get_version, load_frame
from studio.errors import InvalidInputError
from studio.tracking import get_run
from tests.cli import clean_env, run
from tests.workers import run_worker_once

ROWS = 300
LINEAR = {"budget_seconds": None, "max_trials": 2, "families": ["linear"], "top_k": 1}


def trending(n: int = ROWS, seed: int = 0) -> pd.DataFrame:
    """Sales whose dependence on price drifts over two years, rows in shuffled date order
    (with repeated dates): a model fit on the past does worse on the latest rows than on a
    random sample of all of them."""
    rng = np.random.default_rng(seed)
    day = rng.integers(0, 730, n)
    day[:20] = day[20:40]  # ties: the stable sort keeps file order
    price = rng.uniform(0, 10, n)
    slope = 1 + 4 * day / 730  # the effect of price grows with time
    sales = slope * price + rng.normal(0, 1, n)
    return pd.DataFrame({
        "order_date": pd.Timestamp("2023-01-01") + pd.to_timedelta(day, "D"),
        "price": price.round(3), "store": rng.choice(["a", "b", "c"], n), "sales": sales,
    })  # fmt: skip


@pytest.fixture
def sales(studio: Studio) -> Studio:
    """A Studio holding the 'sales' dataset."""
    add_dataset_version(studio, trending().to_csv(index=False).encode(), "sales.csv", actor="t")
    return studio


def _request(**options: object) -> AutopilotRequest:
    return AutopilotRequest(dataset="sales", target="sales", **(LINEAR | options))


def test_holdout_is_exactly_the_latest_rows_and_folds_run_forward(sales: Studio) -> None:
    """The holdout is a naive stable sort-and-slice of the latest 20%; the training rows come
    in time order and every fold trains on rows no later than the rows it is scored on,
    exactly as ``TimeSeriesSplit``; the time column is not a feature."""
    info = get_run(sales, launch_run(sales, _request(time_column="order_date"), actor="t"))
    data = prepare_training_data(sales, info.config["dataset"], info.config)
    stored = load_frame(sales, get_version(sales, "sales"))
    naive = sorted(range(ROWS), key=lambda i: (stored["order_date"][i], i))
    cut = ROWS - math.ceil(ROWS * 0.2)
    assert data.holdout_rows.tolist() == naive[cut:]
    assert data.train_rows.tolist() == naive[:cut]
    times = stored["order_date"].iloc[data.train_rows].reset_index(drop=True)
    size = cut // 6  # TimeSeriesSplit(5): 5 validation blocks of n // 6 rows at the end
    for k, (train, valid) in enumerate(data.folds):
        assert valid.tolist() == list(range(cut - (5 - k) * size, cut - (4 - k) * size))
        assert train.tolist() == list(range(valid[0]))
        assert times[train].max() <= times[valid].min()
    assert "order_date" not in data.X.columns and "order_date" not in data.X_holdout.columns
    assert info.config["split"]["kind"] == "time"
    first = stored["order_date"].iloc[naive[cut:]].min()
    assert describe_split(info.config).startswith(
        f"Holdout: the latest 20% of rows by 'order_date' (from {first:%Y-%m-%d})"
    )


def test_random_holdout_is_optimistic_where_the_time_holdout_is_not(sales: Studio) -> None:
    """On a drifting relation, the same search scored on a random sample looks better than on
    the latest rows; the latest rows tell what the future holds (the model is worse there)."""
    random_run = launch_run(sales, _request(), actor="t")
    run_worker_once(sales)
    time_run = launch_run(sales, _request(time_column="order_date"), actor="t")
    run_worker_once(sales)
    rand, timed = (get_run(sales, r).leaderboard[0] for r in (random_run, time_run))
    assert rand.holdout["r2"] > timed.holdout["r2"] + 0.05
    assert get_run(sales, random_run).config["split"] == {"kind": "random"}
    assert describe_split(get_run(sales, random_run).config) == (
        "Holdout: a random 20% sample; cross-validated on 5 shuffled folds."
    )


@pytest.mark.parametrize(
    ("column", "message"),
    [
        ("nope", "There is no column 'nope' to order the rows by time."),
        ("sales", "'sales' is the target; choose another time column."),
        ("store", "Column 'store' holds no dates; choose a date column as the time column."),
    ],
)
def test_a_bad_time_column_is_refused_in_one_sentence(
    sales: Studio, column: str, message: str
) -> None:
    """Launch refuses a time column that cannot order the rows, saying why."""
    with pytest.raises(InvalidInputError, match=re.escape(message)):
        plan_run(sales, _request(time_column=column))


def test_the_only_date_column_is_suggested_not_imposed(sales: Studio) -> None:
    """Without a time column the run is random; the plan names the date column to use."""
    plan = plan_run(sales, _request())
    assert plan.suggested_time_column == "order_date" and plan.time_column is None


def test_cli_runs_show_and_export_repeat_the_time_split(tmp_path: Path) -> None:
    """`autopilot run --time-column` stores the split (two refits, so the ensemble step reads
    out-of-fold outputs that are NaN for rows no time-ordered fold validates), `runs show`
    says it, and the exported script's scores (its own split of a CSV) equal the candidate's."""
    env = clean_env(tmp_path / "home", "cli")
    csv = tmp_path / "sales.csv"
    trending().to_csv(csv, index=False)
    assert run("data", "add", str(csv), env=env).returncode == 0
    launched = run(
        "autopilot", "run", "--dataset", "sales", "--target", "sales", "--families", "linear",
        "--max-trials", "3", "--no-budget", "--top-k", "2", "--time-column", "order_date",
        "--wait", "--json", env=env,
    )  # fmt: skip
    assert launched.returncode == 0, launched.stderr
    shown = run("runs", "show", "1", env=env)
    assert "Holdout: the latest 20% of rows by 'order_date' (from 2024-" in shown.stdout
    document = json.loads(run("runs", "show", "1", "--json", env=env).stdout)
    assert document["config"]["time_column"] == "order_date"
    assert document["status"] == "finished"
    single = next(c for c in document["leaderboard"] if c["family"] != "ensemble")
    script = tmp_path / "model.py"
    exported = run("runs", "export-code", "1", "--out", str(script),
                   "--candidate", single["candidate"], env=env)  # fmt: skip
    assert exported.returncode == 0
    data_csv = tmp_path / "export.csv"
    assert run("data", "export", "sales", "--out", str(data_csv), env=env).returncode == 0
    result = subprocess.run(
        [sys.executable, str(script), str(data_csv)], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    holdout = float(re.search(r"holdout r2: (-?[0-9.]+)", result.stdout).group(1))
    assert holdout == pytest.approx(single["holdout"]["r2"], abs=1e-6)
    cv = float(re.search(r"cv r2: (-?[0-9.]+)", result.stdout).group(1))
    assert cv == pytest.approx(single["cv_score"], abs=1e-6)


def test_time_folds_that_would_miss_a_class_are_refused(studio: Studio) -> None:
    """A class that only appears in the latest rows leaves the earliest folds without it:
    refused at launch in one sentence rather than failing every trial."""
    frame = trending().assign(late=lambda f: np.where(f["order_date"] > "2024-06-01", "y", "n"))
    add_dataset_version(studio, frame.to_csv(index=False).encode(), "late.csv", actor="t")
    request = AutopilotRequest(dataset="late", target="late", time_column="order_date", **LINEAR)
    with pytest.raises(InvalidInputError, match="fold 1 trains on rows without the class 'y'"):
        plan_run(studio, request)

"""Autopilot runs end to end on real data, real fits and a real store (both backends)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from optuna.trial import TrialState

from studio.autopilot.data import prepare_training_data
from studio.autopilot.export import export_code
from studio.autopilot.metrics import METRICS, score
from studio.autopilot.pipeline import model_output
from studio.autopilot.service import AutopilotRequest, launch_run, request_stop, resume_run
from studio.autopilot.study import load_study
from studio.context import Studio
from studio.data.versions import get_version, load_frame
from studio.jobs.queue import sweep_stale_jobs
from studio.maintenance import sweep_orphans
from studio.modelio import load_model
from studio.tracking import get_run


def _worker_process(studio: Studio, *extra: str) -> subprocess.Popen:
    """A real ``studio worker`` process on this store (workers never fit models in-process, and
    neither may their parent: forking after OpenMP ran in the parent can hang a child)."""
    env = os.environ | {
        "STUDIO_HOME": str(studio.settings.home),
        "STUDIO_DATABASE_URL": studio.settings.database_url,
        "STUDIO_ARTIFACTS": str(studio.settings.artifacts_dir),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "studio.cli", "worker", *extra], env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def run_worker_once(studio: Studio) -> None:
    """Run one queued job to its end in a worker process."""
    assert _worker_process(studio, "--once").wait(timeout=300) == 0


def _launch(studio: Studio, **options: object) -> int:
    request = AutopilotRequest(dataset="churn", target="churn", **options)
    return launch_run(studio, request, actor="tester")


def _wait(predicate, timeout: float = 120.0) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.2)


def test_run_finishes_with_ranked_saved_candidates(churn_studio: Studio) -> None:
    """A run refits the best trials, scores the untouched holdout and saves loadable models."""
    run_id = _launch(churn_studio, max_trials=8, budget_seconds=120, top_k=3)
    run_worker_once(churn_studio)
    info = get_run(churn_studio, run_id)
    assert info.status == "finished" and info.trials_done == 8
    board = info.leaderboard
    assert [c.rank for c in board] == list(range(1, len(board) + 1))
    assert [c.cv_score for c in board] == sorted((c.cv_score for c in board), reverse=True)
    assert sum(c.is_baseline for c in board) == 1
    assert next(c for c in board if c.is_baseline).trial_number == 0
    data = prepare_training_data(churn_studio, info.config["dataset"], info.config)
    for candidate in board:
        model = load_model(churn_studio.artifacts, candidate.artifact, candidate.artifact_sha256)
        output = model_output(model, data.X_holdout)
        for name, stored in candidate.holdout.items():
            assert score(METRICS[name], data.y_holdout, output) == pytest.approx(stored)
        assert set(candidate.holdout) == {"roc_auc", "accuracy", "f1", "log_loss"}
        assert candidate.predict_ms_per_1k > 0 and candidate.size_bytes > 0
    scores = [h[1] for h in info.best_history]
    assert scores == sorted(scores) and info.best_score == pytest.approx(scores[-1])
    assert sweep_orphans(churn_studio, grace_seconds=0) == []  # candidates are referenced
    assert not churn_studio.artifacts.path_of(f"runs/{run_id}/oof").exists()


def test_holdout_rows_are_never_seen_by_the_search(churn_studio: Studio) -> None:
    """Training and holdout rows are disjoint and the folds cover exactly the training rows."""
    run_id = _launch(churn_studio, max_trials=1)
    info = get_run(churn_studio, run_id)
    data = prepare_training_data(churn_studio, info.config["dataset"], info.config)
    ids_train = set(data.X["tenure"].index)
    assert len(data.X) + len(data.X_holdout) == 400
    assert len(data.X_holdout) == 80
    covered = np.sort(np.concatenate([valid for _, valid in data.folds]))
    assert np.array_equal(covered, np.arange(len(data.X))) and len(ids_train) == 320
    positives = data.y.mean(), data.y_holdout.mean()
    assert abs(positives[0] - positives[1]) < 0.02  # stratified


def test_exported_script_reproduces_the_cv_score(churn_studio: Studio, tmp_path: Path) -> None:
    """The standalone script rebuilds the winner and its CV score matches within 0.01."""
    run_id = _launch(churn_studio, max_trials=6)
    run_worker_once(churn_studio)
    info = get_run(churn_studio, run_id)
    script = tmp_path / "model.py"
    script.write_text(export_code(churn_studio, run_id))
    csv = tmp_path / "churn.csv"
    load_frame(churn_studio, get_version(churn_studio, "churn")).to_csv(csv, index=False)
    result = subprocess.run(
        [sys.executable, str(script), str(csv)], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    assert "import studio" not in script.read_text()
    cv = float(re.search(r"cv roc_auc: ([0-9.]+)", result.stdout).group(1))
    assert cv == pytest.approx(info.leaderboard[0].cv_score, abs=0.01)


def test_stop_ends_the_search_and_resume_continues_it(churn_studio: Studio) -> None:
    """Stop keeps the trials and still finalises; resume adds trials to the same study."""
    run_id = _launch(churn_studio, budget_seconds=300)
    worker = _worker_process(churn_studio, "--once")
    _wait(lambda: get_run(churn_studio, run_id, events=0).trials_done >= 3)
    assert request_stop(churn_studio, run_id, actor="tester") == "stopping"
    assert worker.wait(timeout=120) == 0
    stopped = get_run(churn_studio, run_id)
    assert stopped.status == "stopped" and stopped.leaderboard
    resume_run(churn_studio, run_id, actor="tester")
    worker = _worker_process(churn_studio, "--once")
    before = stopped.trials_done
    _wait(lambda: get_run(churn_studio, run_id, events=0).trials_done >= before + 2)
    request_stop(churn_studio, run_id, actor="tester")
    assert worker.wait(timeout=120) == 0
    assert get_run(churn_studio, run_id).trials_done >= before + 2


def test_killed_worker_leaves_a_resumable_run_and_no_lost_trial(churn_studio: Studio) -> None:
    """kill -9 mid-search: the stale heartbeat fails the run; completed trials survive; resume
    finishes it."""
    run_id = _launch(churn_studio, budget_seconds=300, max_trials=40)
    process = _worker_process(churn_studio, "--once")
    _wait(lambda: get_run(churn_studio, run_id, events=0).trials_done >= 3)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    info = get_run(churn_studio, run_id, events=0)
    study = load_study(churn_studio.settings.database_url, info.study_name, 0)
    completed = {t.number for t in study.get_trials(states=(TrialState.COMPLETE,))}
    assert completed
    assert sweep_stale_jobs(churn_studio, stale_after=0) == [run_id]
    failed = get_run(churn_studio, run_id)
    assert failed.status == "failed" and "resume" in failed.message
    resume_run(churn_studio, run_id, actor="tester")
    process = _worker_process(churn_studio, "--once")
    _wait(lambda: get_run(churn_studio, run_id, events=0).trials_done >= info.trials_done + 1)
    request_stop(churn_studio, run_id, actor="tester")
    assert process.wait(timeout=120) == 0
    after = {t.number for t in study.get_trials(states=(TrialState.COMPLETE,))}
    assert completed <= after and get_run(churn_studio, run_id).status == "stopped"


def test_two_workers_share_one_run(churn_studio: Studio, backend: str) -> None:
    """On PostgreSQL, a second worker joins a running search and contributes trials."""
    if backend != "postgresql":
        pytest.skip("several workers on one run is the team (PostgreSQL) set-up")
    run_id = _launch(churn_studio, budget_seconds=25)
    first = _worker_process(churn_studio, "--once")
    _wait(lambda: get_run(churn_studio, run_id, events=0).status == "running")
    second = _worker_process(churn_studio, "--idle-exit", "1")
    try:
        _wait(lambda: get_run(churn_studio, run_id, events=0).status == "finished", 120)
    finally:
        for process in (first, second):
            process.wait(timeout=60)
    info = get_run(churn_studio, run_id)
    study = load_study(churn_studio.settings.database_url, info.study_name, 0)
    workers = {t.user_attrs.get("worker") for t in study.get_trials()}
    assert len(workers - {None, ""}) == 2, workers

"""Resume never rewrites a run: candidates are immutable once created, a resumed session adds
a new round of them, and a registered version keeps pointing at exactly what was registered.

The runs have no time budget and a trial limit the stops come well before; each stop waits for
a trial count, never for some seconds. Linear models only: what is tested is the run's history.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from studio.artifacts import sha256_file
from studio.autopilot.service import AutopilotRequest, launch_run, request_stop, resume_run
from studio.config import load_settings
from studio.context import Studio
from studio.experiments.compare import load_entries
from studio.maintenance import sweep_orphans
from studio.registry.versions import get_version
from studio.tracking import CandidateInfo, get_run
from tests.autopilot.conftest import churn_like
from tests.autopilot.test_runs import _worker_process, run_worker_once
from tests.cli import clean_env, run
from tests.waits import HANG_GUARD_SECONDS, wait_until

LIMITED = {"budget_seconds": None, "max_trials": 14, "families": ["linear"], "top_k": 2}


def _trials(studio: Studio, run_id: int) -> int:
    return get_run(studio, run_id, events=0).trials_done


def _stop_after(studio: Studio, run_id: int, trials: int) -> None:
    """Run a worker on the queued run until it has ``trials`` trials, then stop the run."""
    worker = _worker_process(studio, "--once")
    wait_until(lambda: _trials(studio, run_id) >= trials, f"{trials} trials")
    assert request_stop(studio, run_id, actor="tester") == "stopping"
    assert worker.wait(timeout=HANG_GUARD_SECONDS) == 0
    assert get_run(studio, run_id, events=0).status == "stopped"


def _fingerprint(studio: Studio, c: CandidateInfo) -> tuple:
    """What makes a candidate the model it is: id, name, file, checksum, the file's bytes."""
    on_disk = sha256_file(studio.artifacts.path_of(c.artifact))
    return (c.id, c.name, c.family, c.trial_number, c.artifact, c.artifact_sha256, on_disk,
            c.cv_score, c.round)  # fmt: skip


def _same_candidates_kept(studio: Studio, run_id: int, before: dict[int, tuple]) -> None:
    after = {c.id: _fingerprint(studio, c) for c in get_run(studio, run_id).leaderboard}
    assert {i: after.get(i) for i in before} == before
    names = [f[1] for f in after.values()]
    assert len(names) == len(set(names))


# On PostgreSQL, tests/test_model_life.py runs the same stop → resume sequence inside a model's
# whole life; this one looks closer at the rounds, on the embedded store.
def test_stop_resume_stop_resume_adds_rounds_and_never_rewrites(churn_studio: Studio) -> None:
    """Each session's candidates survive every later one unchanged (id, name, file, checksum),
    out-of-fold files of a stopped run survive a sweep, and the last session finishes."""
    studio = churn_studio
    run_id = launch_run(studio, AutopilotRequest("churn", "churn", **LIMITED), actor="tester")
    _stop_after(studio, run_id, 2)
    first = {c.id: _fingerprint(studio, c) for c in get_run(studio, run_id).leaderboard}
    assert first and {f[-1] for f in first.values()} == {1}
    oof = studio.artifacts.path_of(f"runs/{run_id}/oof")
    kept = sorted(oof.iterdir())
    sweep_orphans(studio, grace_seconds=0)  # a stopped run's out-of-fold files are kept
    assert kept and sorted(oof.iterdir()) == kept
    resume_run(studio, run_id, actor="tester")
    _stop_after(studio, run_id, _trials(studio, run_id) + 2)
    _same_candidates_kept(studio, run_id, first)
    second = {c.id: _fingerprint(studio, c) for c in get_run(studio, run_id).leaderboard}
    studio.artifacts.delete(f"runs/{run_id}/oof/1.npy")  # as a stop before this fix did
    resume_run(studio, run_id, actor="tester")
    run_worker_once(studio)
    info = get_run(studio, run_id)
    assert info.status == "finished", info.message
    assert info.trials_done == LIMITED["max_trials"]
    _same_candidates_kept(studio, run_id, second)
    board = [c.cv_score for c in info.leaderboard]
    assert board == sorted(board, reverse=True)  # the best across rounds comes first
    assert [c.rank for c in info.leaderboard] == list(range(1, len(board) + 1))
    assert not studio.artifacts.path_of(f"runs/{run_id}/oof").exists()  # finished: not needed


def _predictions(env: dict[str, str], tmp_path: Path, ref: str) -> pd.DataFrame:
    rows = churn_like(60, seed=11).drop(columns=["churn"])
    rows.to_csv(tmp_path / "rows.csv", index=False)
    out = tmp_path / f"scored-{ref.replace('@', '-')}.csv"
    done = run("predict", ref, str(tmp_path / "rows.csv"), "--out", str(out), env=env)
    assert done.returncode == 0, done.stderr
    return pd.read_csv(out)


def test_resume_after_register_and_promote_keeps_the_production_lineage(tmp_path: Path) -> None:
    """CLI: run → stop → register the best (an ensemble of linear models, as a rule) →
    approve → promote → resume --wait. The run ends finished; the production version predicts
    identically; its lineage candidate still exists with the same file and checksum; old
    candidate links open the same candidates."""
    env = clean_env(tmp_path / "home", "ana")
    churn_like().to_csv(tmp_path / "churn.csv", index=False)
    assert run("data", "add", str(tmp_path / "churn.csv"), env=env).returncode == 0
    launched = run("autopilot", "run", "--dataset", "churn", "--target", "churn", "--families",
                   "linear", "--top-k", "2", "--no-budget", "--max-trials", "12",
                   env=env)  # fmt: skip
    assert launched.returncode == 0, launched.stderr
    with pytest.MonkeyPatch.context() as patch:
        for key, value in env.items():
            patch.setenv(key, value)
        studio = Studio.open(load_settings())
    _stop_after(studio, 1, 3)
    before = {c.id: _fingerprint(studio, c) for c in get_run(studio, 1).leaderboard}
    for args in (
        ("models", "register", "--run", "1", "--name", "churn"),
        ("models", "approve", "churn", "1", "--comment", "ok"),
        ("models", "promote", "churn", "1", "--stage", "production", "--comment", "go"),
    ):
        assert run(*args, env=env).returncode == 0  # fmt: skip
    version = get_version(studio, "churn@1")
    shipped = _predictions(env, tmp_path, "churn@production")

    resumed = run("autopilot", "resume", "1", "--wait", "--json", env=env)

    assert resumed.returncode == 0, resumed.stderr
    assert json.loads(resumed.stdout)["status"] == "finished"
    _same_candidates_kept(studio, 1, before)
    lineage = next(c for c in get_run(studio, 1).leaderboard if c.id == version.candidate_id)
    assert lineage.name == version.candidate_name
    assert before[lineage.id] == _fingerprint(studio, lineage)
    assert get_version(studio, "churn@1").artifact_sha256 == version.artifact_sha256
    pd.testing.assert_frame_equal(_predictions(env, tmp_path, "churn@production"), shipped)
    entries = load_entries(studio, list(before))  # what a compare link names
    assert [(e.id, e.name) for e in entries] == [(i, f[1]) for i, f in before.items()]

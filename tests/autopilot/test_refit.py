"""Final refits: a later round's ensemble is built from members refit now and members loaded
from an earlier round's files, and saved artifact files are never replaced."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import skops.io as sio

from studio.artifacts import ArtifactStore, sha256_file
from studio.autopilot.ensemble import blend
from studio.autopilot.evaluation import EnsembleJob, RefitJob, TrainingData, refit_group
from studio.autopilot.metrics import METRICS
from studio.autopilot.pipeline import CandidateSpec, build_pipeline, model_output
from studio.autopilot.prepare import plan_columns
from studio.data.profile import profile_frame
from studio.errors import StorageError
from tests.autopilot.conftest import churn_like


def _data() -> TrainingData:
    frame = churn_like(200)
    y = (frame.pop("churn") == "Yes").to_numpy(int)
    plan = plan_columns(profile_frame(frame.assign(churn=y)), "churn")
    X = frame[plan.features]
    return TrainingData(X[:150], y[:150], [], X[150:].reset_index(drop=True), y[150:], plan,
                        METRICS["roc_auc"], "binary", 2)  # fmt: skip


def _spec(c: float) -> CandidateSpec:
    return CandidateSpec("linear", {"C": c}, "binary", 0)


def test_ensemble_of_a_new_member_and_a_saved_one(tmp_path: Path) -> None:
    """The saved member is loaded (not refit) from its checksummed file; the ensemble's holdout
    output is the weighted blend of both members' outputs."""
    data, store = _data(), ArtifactStore(tmp_path)
    saved = build_pipeline(_spec(0.01), data.plan).fit(data.X, data.y)
    sio.dump(saved, store.path_of("old.skops"))
    sha = sha256_file(store.path_of("old.skops"))
    job = RefitJob("linear-t5", _spec(10.0), tmp_path / "new.skops")
    ensemble = EnsembleJob({"linear-t1": 1.0, "linear-t5": 3.0}, tmp_path / "ens.skops",
                           {"linear-t1": ("old.skops", sha)}, store)  # fmt: skip

    group = refit_group(data, [job], math.inf, ensemble)

    assert group.outcome.status == "done" and set(group.results) == {"linear-t5"}
    _latency, holdout = group.ensemble
    outputs = [model_output(saved, data.X_holdout), group.results["linear-t5"].holdout_output]
    assert np.allclose(holdout, blend(outputs, np.array([1.0, 3.0])))
    assert (tmp_path / "ens.skops").is_file()


def test_an_altered_saved_member_drops_the_ensemble_not_the_refits(tmp_path: Path) -> None:
    """A member whose file no longer matches its checksum is refused: no ensemble is saved,
    and the candidate refit in the same group is still reported."""
    data, store = _data(), ArtifactStore(tmp_path)
    sio.dump(build_pipeline(_spec(1.0), data.plan).fit(data.X, data.y), tmp_path / "old.skops")
    job = RefitJob("linear-t5", _spec(10.0), tmp_path / "new.skops")
    ensemble = EnsembleJob({"linear-t1": 1.0, "linear-t5": 1.0}, tmp_path / "ens.skops",
                           {"linear-t1": ("old.skops", "0" * 64)}, store)  # fmt: skip

    group = refit_group(data, [job], math.inf, ensemble)

    assert group.outcome.status == "error" and "checksum" in group.outcome.error
    assert group.ensemble is None and set(group.results) == {"linear-t5"}


def test_adopt_never_replaces_a_file(tmp_path: Path) -> None:
    """Moving a finished file onto an existing artifact is refused; the old bytes stay."""
    store = ArtifactStore(tmp_path)
    store.path_of("a.skops").write_bytes(b"registered")
    store.path_of(".a.partial").write_bytes(b"other")
    with pytest.raises(StorageError, match="immutable"):
        store.adopt(".a.partial", "a.skops")
    assert store.path_of("a.skops").read_bytes() == b"registered"

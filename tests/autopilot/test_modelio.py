"""Models are saved with skops and loaded only with an allow-list and a matching checksum."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import skops.io as sio

from studio.artifacts import ArtifactStore, sha256_file
from studio.autopilot.ensemble import voting_model
from studio.autopilot.evaluation import TrainingData
from studio.autopilot.families import FAMILIES
from studio.autopilot.metrics import METRICS
from studio.autopilot.pipeline import CandidateSpec, build_pipeline
from studio.autopilot.prepare import plan_columns
from studio.data.profile import profile_frame
from studio.errors import RefusedModelError
from studio.modelio import TRUSTED_TYPES, load_model
from studio.registry.training import refit_all_rows

TASKS = {"binary": 2, "multiclass": 3, "regression": 0}


def _frame(n: int = 240) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "num": rng.normal(size=n),
            "low": rng.choice(list("abc"), n),
            "high": rng.choice([f"h{i}" for i in range(40)], n),
            "when": pd.date_range("2024-01-01", periods=n, freq="h"),
        }
    )
    frame.loc[:10, "num"] = np.nan
    return frame


def _target(task: str, n: int) -> np.ndarray:
    rng = np.random.default_rng(1)
    return rng.normal(size=n) if task == "regression" else rng.integers(0, TASKS[task], n)


def _variants(family: str, task: str) -> list[dict]:
    defaults = FAMILIES[family].defaults(task)
    return [defaults, defaults | {"p": 1}] if family == "knn" else [defaults]


@pytest.mark.parametrize("task", list(TASKS))
def test_every_family_and_ensemble_uses_only_trusted_types(task: str, tmp_path: Path) -> None:
    """Each family's pipeline (all column treatments) and the voting ensemble save with skops
    and hold no type outside the allow-list, and load back to identical predictions."""
    frame = _frame()
    y = _target(task, len(frame))
    plan = plan_columns(profile_frame(frame.assign(t=y)), "t")
    members, seen = [], set()
    for family in FAMILIES:
        for params in _variants(family, task):
            model = build_pipeline(CandidateSpec(family, params, task, 0), plan).fit(frame, y)
            members.append((f"{family}{len(members)}", model))
    ensemble = voting_model(members, [1.0] * len(members), task, TASKS[task])
    store = ArtifactStore(tmp_path)
    for name, model in [*members, ("ensemble", ensemble)]:
        path = tmp_path / f"{name}.skops"
        sio.dump(model, path)
        seen |= set(sio.get_untrusted_types(file=path))
        loaded = load_model(store, path.name, sha256_file(path))
        method = "predict" if task == "regression" else "predict_proba"
        assert np.allclose(getattr(loaded, method)(frame), getattr(model, method)(frame))
    assert seen <= TRUSTED_TYPES, sorted(seen - TRUSTED_TYPES)


def test_tampered_model_is_refused_and_never_unpickled(tmp_path: Path) -> None:
    """A file whose bytes changed after saving fails its checksum before any loading."""
    frame = _frame()
    y = _target("binary", len(frame))
    plan = plan_columns(profile_frame(frame.assign(t=y)), "t")
    model = build_pipeline(CandidateSpec("linear", {"C": 1.0}, "binary", 0), plan).fit(frame, y)
    path = tmp_path / "m.skops"
    sio.dump(model, path)
    digest = sha256_file(path)
    path.write_bytes(path.read_bytes() + b"\x00")
    with pytest.raises(RefusedModelError, match="does not match the checksum recorded"):
        load_model(ArtifactStore(tmp_path), "m.skops", digest)


def test_untrusted_types_are_refused(tmp_path: Path) -> None:
    """A valid skops file holding a type outside the allow-list is not loaded."""
    import os

    from sklearn.preprocessing import FunctionTransformer

    path = tmp_path / "evil.skops"
    sio.dump(FunctionTransformer(func=os.system), path)  # would run shell commands
    with pytest.raises(RefusedModelError, match="does not trust"):
        load_model(ArtifactStore(tmp_path), "evil.skops", sha256_file(path))


@pytest.mark.parametrize("task", list(TASKS))
def test_an_ensemble_refit_on_all_rows_loads_through_the_allow_list(
    task: str, tmp_path: Path
) -> None:
    """Registering an ensemble with "refit on all rows" refits each member and assembles them
    as the autopilot does: the file loads (its own ``fit`` would add a ``Bunch`` the loader
    refuses, which failed every such registration) and predicts as the refit members blend."""
    frame = _frame()
    y = _target(task, len(frame))
    plan = plan_columns(profile_frame(frame.assign(t=y)), "t")
    specs = [CandidateSpec(f, FAMILIES[f].defaults(task), task, 0) for f in ("hgb", "linear")]
    members = [(s.family, build_pipeline(s, plan).fit(frame, y)) for s in specs]
    ensemble = voting_model(members, [2.0, 1.0], task, TASKS[task])
    half = len(frame) // 2
    data = TrainingData(
        X=frame.iloc[:half].reset_index(drop=True), y=y[:half], folds=[],
        X_holdout=frame.iloc[half:].reset_index(drop=True), y_holdout=y[half:], plan=plan,
        metric=METRICS["r2" if task == "regression" else "accuracy"], task=task,
        n_classes=TASKS[task],
    )  # fmt: skip
    refit = refit_all_rows(ensemble, data)
    path = tmp_path / "refit.skops"
    sio.dump(refit, path)
    loaded = load_model(ArtifactStore(tmp_path), path.name, sha256_file(path))
    method = "predict" if task == "regression" else "predict_proba"
    alone = [getattr(build_pipeline(s, plan).fit(frame, y), method)(frame) for s in specs]
    expected = (2 * alone[0] + alone[1]) / 3
    assert np.allclose(getattr(loaded, method)(frame), expected)

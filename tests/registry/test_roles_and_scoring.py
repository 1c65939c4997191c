"""Roles enforced by the core, batch scoring with schema checks and logging, tampering, races."""

from __future__ import annotations

import io
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sqlmodel import select

from studio.autopilot.service import AutopilotRequest, launch_run
from studio.context import Studio
from studio.db import session_scope
from studio.db.models import ScoredBatch
from studio.errors import (
    ConflictError,
    InvalidInputError,
    PermissionDeniedError,
    RefusedModelError,
)
from studio.experiments.annotations import set_note
from studio.registry.lifecycle import decide, promote
from studio.registry.register import register_candidate
from studio.registry.scoring import score_frame
from studio.registry.versions import get_version
from tests.autopilot.conftest import churn_like

ROLES = """
default = ["viewer"]
[users]
ana = ["analyst"]
bob = ["approver"]
"""


def _with_roles(studio: Studio, tmp_path: Path) -> Studio:
    path = tmp_path / "roles.toml"
    path.write_text(ROLES)
    settings = studio.settings.__class__(**(studio.settings.__dict__ | {"roles_file": path}))
    return Studio(settings=settings, engine=studio.engine, artifacts=studio.artifacts)


def test_roles_are_enforced_in_the_core(finished_run, tmp_path: Path) -> None:  # noqa: ANN001
    """A viewer changes nothing; an analyst registers and stages but cannot approve or ship."""
    studio, run_id = finished_run
    guarded = _with_roles(studio, tmp_path)
    request = AutopilotRequest(dataset="churn", target="churn", max_trials=2)
    with pytest.raises(PermissionDeniedError, match="vic may not launch autopilot runs"):
        launch_run(guarded, request, actor="vic")
    with pytest.raises(PermissionDeniedError, match="may not register models"):
        register_candidate(guarded, run_id, "m", "vic")
    with pytest.raises(PermissionDeniedError, match="change notes and tags"):
        set_note(guarded, "run", run_id, "hello", "vic")
    register_candidate(guarded, run_id, "m", "ana")
    with pytest.raises(PermissionDeniedError, match="ana may not approve"):
        decide(guarded, "m", 1, True, "fine by me", "ana")
    promote(guarded, "m", 1, "staging", "", "ana")
    decide(guarded, "m", 1, True, "reviewed", "bob")
    with pytest.raises(PermissionDeniedError, match="ana may not promote a version to production"):
        promote(guarded, "m", 1, "production", "ship", "ana")
    with pytest.raises(PermissionDeniedError, match="needs the approver role"):
        promote(guarded, "m", 1, "production", "ship", "vic")
    assert promote(guarded, "m", 1, "production", "ship", "bob").stage == "production"
    with pytest.raises(PermissionDeniedError, match="vic may not score data"):
        score_frame(guarded, "m", churn_like(20), "x.csv", "vic")


@pytest.fixture
def production(finished_run) -> Studio:  # noqa: ANN001
    """Model 'm' v1 in production."""
    studio, run_id = finished_run
    register_candidate(studio, run_id, "m", "ana")
    decide(studio, "m", 1, True, "ok", "bob")
    promote(studio, "m", 1, "production", "ship", "bob")
    return studio


def test_scoring_output_and_log(production: Studio) -> None:
    """Identifiers kept, prediction and one probability per class, the batch logged."""
    frame = churn_like(50, seed=3).drop(columns=["churn"])
    result = score_frame(production, "m", frame, "week1.csv", "ana")
    out = result.output
    assert list(out.columns) == ["customer_id", "prediction", "proba_No", "proba_Yes"]
    assert out["customer_id"].tolist() == frame["customer_id"].tolist()
    assert np.allclose(out["proba_No"] + out["proba_Yes"], 1.0)
    assert set(out["prediction"]) <= {"No", "Yes"}
    assert (out["prediction"] == np.where(out["proba_Yes"] > 0.5, "Yes", "No")).all()
    with session_scope(production.engine) as session:
        batch = session.exec(select(ScoredBatch)).one()
        assert (batch.rows, batch.logged_rows, batch.source_name) == (50, 50, "week1.csv")
        path = production.artifacts.verified_path(batch.artifact, batch.artifact_sha256)
    logged = pd.read_parquet(path)
    assert len(logged) == 50 and {"tenure", "prediction", "proba_Yes"} <= set(logged.columns)
    assert pd.read_parquet(io.BytesIO(result.to_bytes("parquet"))).shape == (50, 4)
    assert result.to_bytes("csv").decode().splitlines()[0] == (
        "customer_id,prediction,proba_No,proba_Yes"
    )


def test_schema_checks(production: Studio) -> None:
    """Missing columns are listed, a wrong type names its column, extras and unseen
    categories are notices."""
    frame = churn_like(30, seed=4).drop(columns=["churn"])
    with pytest.raises(InvalidInputError, match="lacks 2 column.*'tenure', 'charges'"):
        score_frame(production, "m", frame.drop(columns=["tenure", "charges"]), "x", "ana")
    bad = frame.astype({"tenure": "object"})
    bad.loc[3, "tenure"] = "twelve"
    with pytest.raises(InvalidInputError, match="Column 'tenure' should hold numbers.*'twelve'"):
        score_frame(production, "m", bad, "x", "ana")
    odd = frame.assign(region="north", plan=frame["plan"].where(frame.index > 4, "platinum"))
    odd["tenure"] = odd["tenure"].astype(str)  # numbers as text are read as numbers
    result = score_frame(production, "m", odd, "x", "ana")
    assert len(result.output) == 30
    assert any("region" in n and "ignored" in n for n in result.notices)
    assert any("5 row(s) of 'plan' hold categories not seen" in n for n in result.notices)


def test_tampered_model_is_refused(production: Studio) -> None:
    """A model file that no longer matches its checksum is never loaded."""
    version = get_version(production, "m@production")
    path = production.artifacts.path_of(version.artifact)
    path.write_bytes(path.read_bytes() + b"tampered")
    with pytest.raises(RefusedModelError, match="Model m v1 was refused: its file does not match"):
        score_frame(production, "m", churn_like(30).drop(columns=["churn"]), "x", "ana")


def _ship(studio: Studio, n: int, barrier: threading.Barrier, errors: list, attempt: int) -> None:
    """Promote version ``n`` as soon as the other thread is ready too."""
    barrier.wait()
    try:
        promote(studio, "m", n, "production", f"race {attempt}", "bob")
    except ConflictError as exc:
        errors.append(exc)


@pytest.mark.database
def test_concurrent_promotions_leave_one_production(finished_run) -> None:  # noqa: ANN001
    """Two approvers promoting two versions at once: exactly one ends in production."""
    studio, run_id = finished_run
    for _ in range(2):
        register_candidate(studio, run_id, "m", "ana")
    for n in (1, 2):
        decide(studio, "m", n, True, "ok", "bob")
    for attempt in range(4):
        barrier, errors = threading.Barrier(2), []
        threads = [
            threading.Thread(target=_ship, args=(studio, n, barrier, errors, attempt))
            for n in (1, 2)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        stages = [get_version(studio, "m", n).stage for n in (1, 2)]
        assert stages.count("production") == 1, (attempt, stages, errors)
        assert len(errors) <= 1

"""Registration, approvals, stages, rollback and the audit log on a real store (the
transitions and JSON columns on both backends)."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlmodel import select

from studio.db import session_scope
from studio.db.models import ModelVersion
from studio.errors import ConflictError, InvalidInputError, NotFoundError
from studio.registry.lifecycle import decide, edit_card, promote
from studio.registry.register import register_candidate
from studio.registry.versions import get_version, history, list_models
from studio.tracking import get_run


@pytest.mark.database
def test_registration_keeps_what_scoring_and_monitoring_need(finished_run) -> None:  # noqa: ANN001
    """The best candidate becomes v1 with its model copy, schema, metrics and baseline."""
    studio, run_id = finished_run
    best = get_run(studio, run_id).leaderboard[0]
    v = register_candidate(studio, run_id, "churn-model", "ana", refit_all_rows=False)
    assert (v.name, v.version, v.stage, v.approval) == ("churn-model", 1, "none", "pending")
    assert v.candidate_name == best.name and v.artifact_sha256 == best.artifact_sha256
    assert v.artifact != best.artifact  # the version owns its copy
    assert v.metrics["holdout"] == best.holdout and v.dataset == "churn@1"
    features = [f["name"] for f in v.input_schema["features"]]
    assert features == ["tenure", "plan", "charges", "signup"]
    assert v.input_schema["identifiers"] == ["customer_id"]
    plan = next(f for f in v.input_schema["features"] if f["name"] == "plan")
    assert plan["categories"] == ["basic", "plus", "pro"]
    assert v.labels == ["No", "Yes"] and v.baseline["training_rows"] == 320
    reference = pd.read_parquet(studio.artifacts.verified_path(v.reference_artifact,
                                                               v.reference_sha256))  # fmt: skip
    assert len(reference) == 320
    assert {"prediction", "proba_No", "proba_Yes", "tenure"} <= set(reference.columns)
    assert v.baseline["outputs"]["proba_Yes"]["mean"] == pytest.approx(
        reference["proba_Yes"].mean()
    )
    again = register_candidate(studio, run_id, "churn-model", "ana", candidate=best.name)
    assert again.version == 2
    assert [m.versions for m in list_models(studio)] == [2]


@pytest.mark.database
def test_legal_and_illegal_transitions_with_history(finished_run) -> None:  # noqa: ANN001
    """Approve before production; one production version; rollback; every change audited."""
    studio, run_id = finished_run
    for _ in range(2):
        register_candidate(studio, run_id, "m", "ana")
    with pytest.raises(ConflictError, match="only an approved version can go to production"):
        promote(studio, "m", 1, "production", "ship it", "bob")
    with pytest.raises(InvalidInputError, match="Say why in a comment"):
        decide(studio, "m", 1, True, "  ", "bob")
    decide(studio, "m", 1, True, "holdout AUC fine", "bob")
    with pytest.raises(ConflictError, match="already approved"):
        decide(studio, "m", 1, True, "again", "bob")
    assert promote(studio, "m", 1, "production", "first release", "bob").stage == "production"
    with pytest.raises(ConflictError, match="is in production"):
        decide(studio, "m", 1, False, "changed my mind", "bob")
    with pytest.raises(ConflictError, match="already in production"):
        promote(studio, "m", 1, "production", "again", "bob")
    decide(studio, "m", 2, True, "better calibrated", "bob")
    promote(studio, "m", 2, "production", "second release", "bob")
    assert get_version(studio, "m", 1).stage == "archived"
    assert get_version(studio, "m@production").version == 2
    promote(studio, "m", 1, "production", "rollback: v2 misbehaves", "bob")  # rollback
    assert get_version(studio, "m@production").version == 1
    assert get_version(studio, "m", 2).stage == "archived"
    events = [(e.version, e.action, e.from_value, e.to_value, e.comment) for e in history(
        studio, "m")][::-1]  # fmt: skip
    assert events == [
        (1, "registered", "", "none", events[0][4]),
        (2, "registered", "", "none", events[1][4]),
        (1, "approval", "pending", "approved", "holdout AUC fine"),
        (1, "stage", "none", "production", "first release"),
        (2, "approval", "pending", "approved", "better calibrated"),
        (1, "stage", "production", "archived", "replaced by v2. second release"),
        (2, "stage", "none", "production", "second release"),
        (2, "stage", "production", "archived", "replaced by v1. rollback: v2 misbehaves"),
        (1, "stage", "archived", "production", "rollback: v2 misbehaves"),
    ]
    assert all(e.actor in ("ana", "bob") for e in history(studio, "m"))


def test_staging_cards_and_references(finished_run) -> None:  # noqa: ANN001
    """Staging needs no approval; cards are edited and audited; references resolve."""
    studio, run_id = finished_run
    register_candidate(studio, run_id, "m", "ana")
    promote(studio, "m", 1, "staging", "", "ana")
    assert get_version(studio, "m@staging").version == 1
    card = edit_card(studio, "m", 1, {"intended_use": "Weekly churn calls."}, "ana")
    assert card.card["intended_use"] == "Weekly churn calls."
    assert history(studio, "m")[0].action == "card"
    with pytest.raises(NotFoundError, match="has no production version"):
        get_version(studio, "m")
    with pytest.raises(NotFoundError, match="no version 7"):
        get_version(studio, "m@7")
    with pytest.raises(InvalidInputError, match="is not a stage"):
        promote(studio, "m", 1, "prod", "x", "ana")
    with pytest.raises(InvalidInputError, match="not a valid model name"):
        register_candidate(studio, run_id, "bad name!", "ana")
    with pytest.raises(NotFoundError, match="no candidate 'nope'"):
        register_candidate(studio, run_id, "m", "ana", candidate="nope")
    with pytest.raises(NotFoundError, match="There is no model 'other'"):
        promote(studio, "other", 1, "staging", "", "ana")


def test_a_stage_never_names_a_rejected_version(finished_run) -> None:  # noqa: ANN001
    """Rejecting moves a staged version to archived with an event; and a store where an older
    Studio left a rejected version in staging still never scores with it."""
    studio, run_id = finished_run
    for number in (1, 2):
        register_candidate(studio, run_id, "m", "ana")
        promote(studio, "m", number, "staging", "", "ana")
    decide(studio, "m", 2, False, "worse on recent rows", "bob")
    assert (get_version(studio, "m", 2).stage, get_version(studio, "m@staging").version) == (
        "archived", 1,
    )  # fmt: skip
    assert history(studio, "m")[0].comment == "rejected. worse on recent rows"
    with session_scope(studio.engine) as session:  # as an older Studio left it
        row = session.exec(select(ModelVersion).where(ModelVersion.version == 1)).one()
        row.approval = "rejected"
    with pytest.raises(NotFoundError, match="has no staging version"):
        get_version(studio, "m@staging")
    assert list_models(studio)[0].staging == ()

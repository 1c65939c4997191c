"""The store itself keeps one unresolved alert per rule (a partial unique index), on both
engines, so two checks racing to open the same rule's alert cannot both succeed."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from studio.context import Studio
from studio.db import session_scope
from studio.db.models import Alert, AlertRule

pytestmark = pytest.mark.database


def _rule(studio: Studio) -> int:
    with session_scope(studio.engine) as session:
        rule = AlertRule(model_name="m", kind="dataset_drift", channels=[], created_by="bob")
        session.add(rule)
        session.flush()
        session.add(Alert(rule_id=rule.id, model_name="m", message="first"))
        return rule.id


@pytest.mark.parametrize("state", ["open", "acknowledged"])
def test_a_second_unresolved_alert_of_a_rule_is_refused(studio: Studio, state: str) -> None:
    rule_id = _rule(studio)
    refused = pytest.raises(IntegrityError, match="(?i)unique|duplicate")
    with refused, session_scope(studio.engine) as session:
        session.add(Alert(rule_id=rule_id, model_name="m", message="again", state=state))


def test_resolved_alerts_do_not_count(studio: Studio) -> None:
    rule_id = _rule(studio)
    with session_scope(studio.engine) as session:
        session.add(Alert(rule_id=rule_id, model_name="m", message="old", state="resolved"))
        session.add(Alert(rule_id=rule_id, model_name="m", message="older", state="resolved"))
    with session_scope(studio.engine) as session:
        assert len(session.exec(select(Alert)).all()) == 3

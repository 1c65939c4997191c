"""Alerts and their lifecycle: open → acknowledged → resolved, who and when, each change an
append-only ``AlertEvent`` plus a line of the activity log.

At most one unresolved alert per rule (a partial unique index, ``one_open_alert_per_rule``):
a rule that fires again while its alert is open or acknowledged counts ``repeats`` and
``last_seen_at`` on it, and nothing is sent again; once resolved, the next finding opens a new
alert. Acknowledging and resolving need ``alerts_respond`` (analysts and approvers) and a
comment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from studio.access import require
from studio.activity import record_event
from studio.alerts.rules import Finding, RuleInfo
from studio.context import Studio
from studio.db import session_scope
from studio.db.models import Alert, AlertEvent, utcnow
from studio.errors import ConflictError, InvalidInputError, NotFoundError

SYSTEM_ACTOR = "studio monitor"


class AlertState(StrEnum):
    """An alert's state; only forward moves are allowed."""

    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"

    def can_become(self, other: AlertState) -> bool:
        """Whether ``other`` follows this state."""
        order = list(AlertState)
        return order.index(other) > order.index(self)


@dataclass(frozen=True)
class AlertInfo:
    """An alert as lists show it."""

    id: int
    rule_id: int
    model: str
    check_id: int | None
    state: str
    message: str
    details: dict[str, Any]
    repeats: int
    opened_at: datetime
    last_seen_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: str
    resolved_at: datetime | None
    resolved_by: str

    def to_json(self) -> dict[str, Any]:
        """The CLI's entry."""

        def iso(moment: datetime | None) -> str | None:
            return moment.isoformat() if moment else None

        return {
            "id": self.id, "rule": self.rule_id, "model": self.model, "check": self.check_id,
            "state": self.state, "message": self.message, "details": self.details,
            "repeats": self.repeats, "opened_at": iso(self.opened_at),
            "last_seen_at": iso(self.last_seen_at), "acknowledged_at": iso(self.acknowledged_at),
            "acknowledged_by": self.acknowledged_by or None,
            "resolved_at": iso(self.resolved_at), "resolved_by": self.resolved_by or None,
        }  # fmt: skip


def _info(row: Alert) -> AlertInfo:
    return AlertInfo(
        row.id, row.rule_id, row.model_name, row.check_id, row.state, row.message,
        dict(row.details), row.repeats, row.opened_at, row.last_seen_at, row.acknowledged_at,
        row.acknowledged_by, row.resolved_at, row.resolved_by,
    )  # fmt: skip


def _unresolved(session: Session, rule_id: int) -> Alert | None:
    return session.exec(
        select(Alert).where(Alert.rule_id == rule_id, Alert.state != AlertState.RESOLVED.value)
    ).first()


def _audit(session: Session, row: Alert, actor: str, action: str, comment: str = "") -> None:
    session.add(AlertEvent(alert_id=row.id, actor=actor[:200], action=action, comment=comment))
    record_event(
        session,
        actor=actor,
        kind=f"alert.{action}",
        subject=row.model_name,
        message=f"Alert {row.id} on {row.model_name} {action}: {row.message}"[:1000],
    )


def open_or_repeat(studio: Studio, rule: RuleInfo, finding: Finding, check_id: int | None,
                   now: datetime) -> tuple[AlertInfo, bool]:  # fmt: skip
    """Open an alert for ``finding``, or count a repeat on the rule's unresolved one; the
    alert and whether it is new (only a new alert is delivered)."""
    for _ in range(2):  # a concurrent opener wins the index; then this one is a repeat
        try:
            with session_scope(studio.engine) as session:
                row = _unresolved(session, rule.id)
                if row is not None:
                    row.repeats, row.last_seen_at = row.repeats + 1, now
                    return _info(row), False
                row = Alert(rule_id=rule.id, model_name=rule.model, check_id=check_id,
                            message=finding.message[:1000], details=finding.details,
                            opened_at=now, last_seen_at=now)  # fmt: skip
                session.add(row)
                session.flush()
                _audit(session, row, SYSTEM_ACTOR, "opened")
                return _info(row), True
        except IntegrityError:
            continue
    raise ConflictError(f"Rule {rule.id}'s alert changed at the same moment; retry.")


def list_alerts(studio: Studio, model: str | None = None, state: str | None = None,
                limit: int = 200) -> list[AlertInfo]:  # fmt: skip
    """Alerts (of ``model``, in ``state``), newest first."""
    if state is not None and state not in set(AlertState):
        raise InvalidInputError(
            f"'{state}' is not an alert state; use open, acknowledged or resolved."
        )
    with session_scope(studio.engine) as session:
        query = select(Alert)
        if model:
            query = query.where(Alert.model_name == model)
        if state:
            query = query.where(Alert.state == state)
        rows = session.exec(query.order_by(col(Alert.id).desc()).limit(limit)).all()
        return [_info(r) for r in rows]


def history(studio: Studio, alert_id: int) -> list[tuple[datetime, str, str, str]]:
    """(when, who, action, comment) of alert ``alert_id``, oldest first."""
    with session_scope(studio.engine) as session:
        rows = session.exec(
            select(AlertEvent).where(AlertEvent.alert_id == alert_id).order_by(col(AlertEvent.id))
        ).all()
        return [(r.at, r.actor, r.action, r.comment) for r in rows]


def _move(studio: Studio, alert_id: int, to: AlertState, comment: str, actor: str) -> AlertInfo:
    require(studio.settings, actor, "alerts_respond")
    text = (comment or "").strip()
    if not text:
        raise InvalidInputError("Say why in a comment; it is kept with the alert.")
    with session_scope(studio.engine) as session:
        row = session.get(Alert, alert_id)
        if row is None:
            raise NotFoundError(f"There is no alert {alert_id}; 'studio alerts list' shows them.")
        if not AlertState(row.state).can_become(to):
            raise ConflictError(f"Alert {alert_id} is {row.state}; it cannot become {to}.")
        moment = utcnow()
        if to is AlertState.ACKNOWLEDGED:
            row.acknowledged_at, row.acknowledged_by = moment, actor[:200]
        else:
            row.resolved_at, row.resolved_by = moment, actor[:200]
        row.state = to.value
        _audit(session, row, actor, to.value, text[:2000])
        return _info(row)


def acknowledge(studio: Studio, alert_id: int, comment: str, actor: str) -> AlertInfo:
    """Open → acknowledged ("someone is on it")."""
    return _move(studio, alert_id, AlertState.ACKNOWLEDGED, comment, actor)


def resolve(studio: Studio, alert_id: int, comment: str, actor: str) -> AlertInfo:
    """Open or acknowledged → resolved; the rule's next finding opens a new alert."""
    return _move(studio, alert_id, AlertState.RESOLVED, comment, actor)

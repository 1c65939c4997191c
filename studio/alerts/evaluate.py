"""After a check: evaluate the model's rules on its results, open (or count) alerts, and
deliver the new ones at once (within the delivery module's 10 s bound)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from studio.alerts.delivery import Attempt, deliver
from studio.alerts.payloads import Message
from studio.alerts.rules import evaluate as evaluate_rule
from studio.alerts.rules import list_rules
from studio.alerts.state import AlertInfo, open_or_repeat
from studio.context import Studio

if TYPE_CHECKING:
    from studio.monitor.checks import CheckInfo

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    """What a check did to one rule's alert: opened it (and delivered it) or repeated it."""

    alert: AlertInfo
    new: bool
    attempts: tuple[Attempt, ...]


def alert_message(alert: AlertInfo, summary: str, version: int | None) -> Message:
    """The message channels receive for a newly opened alert."""
    where = f"{alert.model}" + (f" v{version}" if version is not None else "")
    return Message(
        f"Studio alert #{alert.id}: {where} · {summary}",
        f"{alert.message}\nCheck {alert.check_id} at {alert.opened_at.isoformat()[:16]} UTC. "
        f"Acknowledge or resolve it on the Monitor page or with 'studio alerts ack {alert.id}'.",
        {"event": "alert.opened", "alert": alert.to_json(), "version": version},
    )


def alert_on_check(studio: Studio, check: CheckInfo, now: datetime) -> list[Outcome]:
    """Evaluate every rule of the check's model on its results; deliver new alerts."""
    outcomes = []
    for rule in list_rules(studio, check.model):
        finding = evaluate_rule(rule, check.results, now)
        if finding is None:
            continue
        alert, new = open_or_repeat(studio, rule, finding, check.id, now)
        attempts: list[Attempt] = []
        if new:
            message = alert_message(alert, rule.summary, check.version)
            try:
                attempts = deliver(studio, list(rule.channel_ids), message, alert.id)
            except Exception:  # a delivery failure never loses the alert (it is stored)
                log.exception("delivering alert %s failed", alert.id)
        outcomes.append(Outcome(alert, new, tuple(attempts)))
    return outcomes

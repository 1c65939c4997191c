"""Monitoring schedules: when a model's checks fall due, set and read per model.

A schedule is every N minutes, hours or days (``15m``, ``1h``, ``1d``) or a standard 5-field
cron expression read in UTC (``0 7 * * 1-5``: 07:00 UTC on weekdays; parsed by ``cronsim``,
which follows Debian's cron). ``window`` says how the logged data a check covers is split:
one drift window per batch (``batch``) or per day / week it was scored in (``1D``, ``1W``).

The next due time is always the first slot strictly after "now", so a check missed while no
worker ran (any number of periods) runs once when a worker starts, not once per period.
Setting or stopping a schedule needs the ``monitor_config`` permission (analysts and
approvers); the checks then run on behalf of whoever set it (``updated_by``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from cronsim import CronSim, CronSimError
from sqlmodel import col, select

from studio.access import require
from studio.activity import record_event
from studio.context import Studio
from studio.db import session_scope
from studio.db.models import MonitorSchedule, utcnow
from studio.errors import InvalidInputError, NotFoundError
from studio.registry.versions import list_versions, parse_ref

WINDOWS = ("batch", "1D", "1W")
EVERY = re.compile(r"^(?P<n>\d+)(?P<unit>[mhd])$")
UNIT_SECONDS = {"m": 60, "h": 3600, "d": 86400}
MIN_EVERY_SECONDS = 60


@dataclass(frozen=True)
class ScheduleInfo:
    """A model's schedule as stored."""

    model: str
    every_seconds: int | None
    cron: str
    window: str
    enabled: bool
    next_due_at: datetime
    last_check_at: datetime | None
    updated_at: datetime
    updated_by: str

    @property
    def cadence(self) -> str:
        """How often, in words ('every 15m', 'cron 0 7 * * 1-5 (UTC)', 'off')."""
        if not self.enabled:
            return "off"
        if self.cron:
            return f"cron {self.cron} (UTC)"
        return f"every {every_text(self.every_seconds or 0)}"

    def to_json(self) -> dict[str, Any]:
        """The CLI's entry."""
        return {
            "model": self.model, "every_seconds": self.every_seconds, "cron": self.cron or None,
            "window": self.window, "enabled": self.enabled, "cadence": self.cadence,
            "next_due_at": self.next_due_at.isoformat() if self.enabled else None,
            "last_check_at": self.last_check_at.isoformat() if self.last_check_at else None,
            "updated_at": self.updated_at.isoformat(), "updated_by": self.updated_by,
        }  # fmt: skip


def every_text(seconds: int) -> str:
    """``900`` → ``15m``, ``3600`` → ``1h``, ``86400`` → ``1d``."""
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def parse_every(text: str) -> int:
    """``15m``, ``1h``, ``1d`` (any whole number of minutes, hours or days) in seconds."""
    match = EVERY.match((text or "").strip().lower())
    if not match:
        raise InvalidInputError(
            f"'{text}' is not a period: write a whole number and m, h or d, e.g. 15m, 1h or 1d."
        )
    seconds = int(match["n"]) * UNIT_SECONDS[match["unit"]]
    if seconds < MIN_EVERY_SECONDS:
        raise InvalidInputError("A schedule runs at most once a minute; give 1m or more.")
    return seconds


def check_cron(expression: str) -> str:
    """``expression`` if it is a valid 5-field cron expression (else InvalidInputError)."""
    text = " ".join((expression or "").split())
    try:
        CronSim(text, datetime(2026, 1, 1, tzinfo=UTC))
    except CronSimError as exc:
        raise InvalidInputError(
            f"'{expression}' is not a cron expression ({exc}); write five fields: minute hour "
            "day-of-month month day-of-week, e.g. '0 7 * * 1-5'."
        ) from None
    return text


def next_due(every_seconds: int | None, cron: str, after: datetime) -> datetime:
    """The first due time strictly after ``after`` (aware, UTC)."""
    after = after.astimezone(UTC)
    if cron:
        return next(CronSim(cron, after.replace(second=0, microsecond=0))).astimezone(UTC)
    return after + timedelta(seconds=every_seconds or 0)


def _info(row: MonitorSchedule) -> ScheduleInfo:
    return ScheduleInfo(
        row.model_name, row.every_seconds, row.cron, row.window, row.enabled,
        row.next_due_at, row.last_check_at, row.updated_at, row.updated_by,
    )  # fmt: skip


def set_schedule(
    studio: Studio,
    name: str,
    actor: str,
    *,
    every: str | None = None,
    cron: str | None = None,
    window: str = "batch",
    now: datetime | None = None,
) -> ScheduleInfo:
    """Check model ``name`` every ``every`` or on ``cron`` (exactly one); the first check is
    due one period after ``now`` (default: the current time)."""
    require(studio.settings, actor, "monitor_config")
    name = parse_ref(name)[0]
    list_versions(studio, name)  # NotFoundError for an unknown model
    if (every is None) == (cron is None):
        raise InvalidInputError("Give either --every (15m, 1h, 1d) or --cron, not both.")
    if window not in WINDOWS:
        raise InvalidInputError(f"'{window}' is not a window; use one of {', '.join(WINDOWS)}.")
    seconds = parse_every(every) if every is not None else None
    expression = check_cron(cron) if cron is not None else ""
    moment = now or utcnow()
    with session_scope(studio.engine) as session:
        row = session.exec(
            select(MonitorSchedule).where(MonitorSchedule.model_name == name)
        ).first()
        row = row or MonitorSchedule(model_name=name, updated_by=actor)
        row.every_seconds, row.cron, row.window, row.enabled = seconds, expression, window, True
        row.next_due_at = next_due(seconds, expression, moment)
        row.updated_at, row.updated_by = moment, actor[:200]
        session.add(row)
        info = _info(row)
        record_event(
            session, actor=actor, kind="monitor.schedule", subject=name,
            message=f"{name}: monitoring {info.cadence}, window {window}.",
        )  # fmt: skip
        return info


def stop_schedule(studio: Studio, name: str, actor: str) -> ScheduleInfo:
    """Stop model ``name``'s schedule (kept, so turning it on again keeps its watermarks)."""
    require(studio.settings, actor, "monitor_config")
    name = parse_ref(name)[0]
    with session_scope(studio.engine) as session:
        row = session.exec(
            select(MonitorSchedule).where(MonitorSchedule.model_name == name)
        ).first()
        if row is None:
            raise NotFoundError(f"Model '{name}' has no schedule to turn off.")
        row.enabled, row.updated_at, row.updated_by = False, utcnow(), actor[:200]
        record_event(session, actor=actor, kind="monitor.schedule", subject=name,
                     message=f"{name}: scheduled monitoring turned off.")  # fmt: skip
        return _info(row)


def get_schedule(studio: Studio, name: str) -> ScheduleInfo | None:
    """Model ``name``'s schedule, or None."""
    with session_scope(studio.engine) as session:
        row = session.exec(
            select(MonitorSchedule).where(MonitorSchedule.model_name == parse_ref(name)[0])
        ).first()
        return None if row is None else _info(row)


def list_schedules(studio: Studio) -> list[ScheduleInfo]:
    """Every model's schedule, by model name."""
    with session_scope(studio.engine) as session:
        rows = session.exec(select(MonitorSchedule).order_by(col(MonitorSchedule.model_name)))
        return [_info(r) for r in rows.all()]

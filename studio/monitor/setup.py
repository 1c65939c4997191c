"""Everything the Monitor page's "Schedule and alerts" section shows for one model, read in
one call: its schedule, its newest checks, the channels and the model's rules."""

from __future__ import annotations

from dataclasses import dataclass

from studio.alerts.channels import ChannelInfo, list_channels
from studio.alerts.rules import KINDS, RuleInfo, list_rules
from studio.context import Studio
from studio.monitor.checks import CheckInfo, list_checks
from studio.monitor.schedules import ScheduleInfo, get_schedule


@dataclass(frozen=True)
class MonitoringSetup:
    """A model's scheduled monitoring: schedule (None: never set), checks newest first,
    every channel (no secrets), the model's rules, and the rule kinds offered."""

    schedule: ScheduleInfo | None
    checks: tuple[CheckInfo, ...]
    channels: tuple[ChannelInfo, ...]
    rules: tuple[RuleInfo, ...]
    rule_kinds: dict[str, str]


def monitoring_setup(studio: Studio, name: str, checks: int = 10) -> MonitoringSetup:
    """Model ``name``'s schedule, newest ``checks`` checks, channels and rules."""
    return MonitoringSetup(
        get_schedule(studio, name),
        tuple(list_checks(studio, name, checks)),
        tuple(list_channels(studio)),
        tuple(list_rules(studio, name)),
        dict(KINDS),
    )

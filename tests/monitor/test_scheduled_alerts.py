"""Scheduled checks that break a rule: an alert is opened and delivered to a real receiver
once, repeats are counted on it (no storm), and its lifecycle is audited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from studio.activity import recent_activity
from studio.alerts.channels import add_channel
from studio.alerts.delivery import deliveries
from studio.alerts.rules import add_rule, list_rules, remove_rule
from studio.alerts.state import acknowledge, history, list_alerts, resolve
from studio.context import Studio
from studio.errors import ConflictError, InvalidInputError, NotFoundError
from studio.monitor.checks import run_due_checks
from studio.monitor.schedules import set_schedule
from studio.registry.scoring import score_frame
from tests.alerts.conftest import Receiver, receiver  # noqa: F401 (the fixture)
from tests.autopilot.conftest import churn_like

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _shifted_batch(studio: Studio, seed: int) -> int:
    rows = churn_like(200, seed=seed).drop(columns=["churn"])
    rows["tenure"] = rows["tenure"] + 40
    rows["charges"] = rows["charges"] * 2
    return score_frame(studio, "m@1", rows, f"shifted-{seed}.csv", "ana").batch_id


@pytest.fixture
def watched(registered: Studio, receiver: Receiver) -> Studio:  # noqa: F811
    """Model 'm' checked hourly, with a dataset-drift rule sending to the receiver."""
    set_schedule(registered, "m", "ana", every="1h", now=T0)
    add_channel(registered, "team", "webhook", "bob", url=receiver.url, secret="k")
    add_rule(registered, "m", "dataset_drift", ["team"], "bob")
    return registered


def test_one_open_alert_per_rule_until_it_is_resolved(
    watched: Studio,
    receiver: Receiver,  # noqa: F811
) -> None:
    """Drift at 10:00 opens alert 1 (delivered once); drift at 11:00 counts a repeat and sends
    nothing; after it is resolved, drift at 12:00 opens alert 2."""
    _shifted_batch(watched, 1)
    [check] = run_due_checks(watched, "w1", now=T0 + timedelta(hours=1))
    [alert] = list_alerts(watched, "m")
    assert (alert.state, alert.check_id, alert.repeats) == ("open", check.id, 0)
    assert "features drifted" in alert.message
    [got] = receiver.received
    assert got.json["event"] == "alert.opened" and got.json["alert"]["id"] == alert.id
    assert [a.ok for a in deliveries(watched, alert.id)] == [True]

    _shifted_batch(watched, 2)
    run_due_checks(watched, "w1", now=T0 + timedelta(hours=2))
    [again] = list_alerts(watched, "m")
    assert (again.id, again.repeats) == (alert.id, 1) and len(receiver.received) == 1

    acknowledge(watched, alert.id, "looking", "ana")
    resolve(watched, alert.id, "upstream fixed", "ana")
    _shifted_batch(watched, 3)
    run_due_checks(watched, "w1", now=T0 + timedelta(hours=3))
    newest, old = list_alerts(watched, "m")
    assert (newest.state, old.state) == ("open", "resolved") and len(receiver.received) == 2


def test_acknowledging_and_resolving_record_who_when_and_why(watched: Studio) -> None:
    _shifted_batch(watched, 1)
    run_due_checks(watched, "w1", now=T0 + timedelta(hours=1))
    [alert] = list_alerts(watched, "m", "open")
    acked = acknowledge(watched, alert.id, "on it", "ana")
    assert (acked.state, acked.acknowledged_by) == ("acknowledged", "ana")
    done = resolve(watched, alert.id, "retrained", "bob")
    assert (done.state, done.resolved_by) == ("resolved", "bob") and done.resolved_at
    assert [(who, what, why) for _at, who, what, why in history(watched, alert.id)] == [
        ("studio monitor", "opened", ""), ("ana", "acknowledged", "on it"),
        ("bob", "resolved", "retrained"),
    ]  # fmt: skip
    assert {"alert.opened", "alert.acknowledged", "alert.resolved"} <= {
        e.kind for e in recent_activity(watched)
    }
    with pytest.raises(ConflictError, match="is resolved"):
        acknowledge(watched, alert.id, "late", "ana")
    with pytest.raises(InvalidInputError, match="comment"):
        resolve(watched, alert.id, " ", "ana")
    with pytest.raises(NotFoundError):
        resolve(watched, 99, "x", "ana")


def test_a_quiet_model_raises_the_no_data_alert(
    watched: Studio,
    receiver: Receiver,  # noqa: F811
) -> None:
    """No batch ever logged: the no-data rule fires at the first check; drift does not."""
    add_rule(watched, "m", "no_data", ["team"], "bob", period_seconds=3600)
    [check] = run_due_checks(watched, "w1", now=T0 + timedelta(hours=1))
    assert check.status == "no data"
    [alert] = list_alerts(watched, "m")
    assert alert.message.startswith("No data ever")
    assert len(receiver.received) == 1


def test_a_removed_rule_stops_alerting(watched: Studio) -> None:
    [rule] = list_rules(watched, "m")
    remove_rule(watched, rule.id, "bob")
    _shifted_batch(watched, 1)
    run_due_checks(watched, "w1", now=T0 + timedelta(hours=1))
    assert list_alerts(watched, "m") == [] and list_rules(watched, "m") == []


@pytest.mark.parametrize(
    ("kind", "extra", "message"),
    [
        ("drift", {}, "is not a rule kind"),
        ("feature_drift", {}, "needs --feature"),
        ("metric_drop", {}, "needs --delta"),
        ("metric_drop", {"delta": -0.1}, "zero or more"),
        ("no_data", {}, "needs --period"),
    ],
)
def test_bad_rules_are_refused(watched: Studio, kind: str, extra: dict, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        add_rule(watched, "m", kind, ["team"], "bob", **extra)


def test_a_rule_needs_a_known_channel(watched: Studio) -> None:
    with pytest.raises(NotFoundError, match="no channel 'nope'"):
        add_rule(watched, "m", "dataset_drift", ["nope"], "bob")
    with pytest.raises(InvalidInputError, match="at least one channel"):
        add_rule(watched, "m", "dataset_drift", [], "bob")


def test_refusals_shown_on_the_monitor_page_name_no_command_line_flag(watched: Studio) -> None:
    """A rule telling nobody and an alert moved without a comment are refused in sentences
    the page can show as they are: no '--flag' (the command line requires those flags)."""
    with pytest.raises(InvalidInputError) as nobody:
        add_rule(watched, "m", "dataset_drift", [], "bob")
    _shifted_batch(watched, 1)
    run_due_checks(watched, "w1", now=T0 + timedelta(hours=1))
    [alert] = list_alerts(watched, "m")
    with pytest.raises(InvalidInputError) as silent:
        acknowledge(watched, alert.id, " ", "ana")
    assert [str(e.value) for e in (nobody, silent)] == [
        "A rule needs at least one channel to tell.",
        "Say why in a comment; it is kept with the alert.",
    ]

"""`studio monitor schedule|schedules|run-due|checks` and `studio alerts ...` from the command
line: a schedule, a drift alert delivered to a receiver, ack and resolve, and the error
paths (exit 2 with `error: ...`)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.alerts.conftest import Receiver, receiver  # noqa: F401 (the fixture)
from tests.autopilot.conftest import churn_like
from tests.cli import run
from tests.stores import StoreCopy


@pytest.fixture
def env(prepared: Callable[..., StoreCopy]) -> dict[str, str]:
    """The CLI's environment on a copy of a store whose model 'churn' v1 is in production."""
    return prepared("shipped_churn").env("cli") | {"HOOK_SECRET": "k3y"}


def _ok(*args: str, env: dict[str, str]) -> str:
    done = run(*args, env=env)
    assert done.returncode == 0, (args, done.stderr)
    return done.stdout


def test_a_scheduled_check_alerts_the_channel_and_the_alert_is_resolved(
    env: dict[str, str],
    receiver: Receiver,  # noqa: F811
    tmp_path: Path,
) -> None:
    """schedule → shifted batch scored → run-due (clock given) → alert delivered, listed,
    acknowledged and resolved; the secret is never printed."""
    _ok("monitor", "schedule", "churn", "--every", "1h", env=env)
    [schedule] = json.loads(_ok("monitor", "schedules", "--json", env=env))["schedules"]
    assert (schedule["cadence"], schedule["window"]) == ("every 1h", "batch")
    _ok("alerts", "channel", "add", "team", "--kind", "webhook", "--url", receiver.url,
        "--secret-env", "HOOK_SECRET", env=env)  # fmt: skip
    listed = _ok("alerts", "channel", "list", "--json", env=env)
    assert "k3y" not in listed and json.loads(listed)["channels"][0]["has_secret"] is True
    _ok("alerts", "rule", "add", "churn", "--kind", "dataset_drift", "--channel", "team", env=env)
    shifted = churn_like(300, seed=4).drop(columns=["churn"])
    shifted["tenure"] = shifted["tenure"] + 40
    shifted["charges"] = shifted["charges"] * 2
    shifted.to_csv(tmp_path / "moved.csv", index=False)
    _ok("predict", "churn", str(tmp_path / "moved.csv"), "--out", str(tmp_path / "o.csv"),
        env=env)  # fmt: skip
    due = json.loads(
        _ok("monitor", "run-due", "--now", schedule["next_due_at"], "--json", env=env)
    )["checks"]
    assert [c["status"] for c in due] == ["done"]
    assert receiver.received[0].json["event"] == "alert.opened"
    [alert] = json.loads(_ok("alerts", "list", "--json", env=env))["alerts"]
    assert alert["state"] == "open"
    _ok("alerts", "ack", str(alert["id"]), "--comment", "on it", env=env)
    _ok("alerts", "resolve", str(alert["id"]), "--comment", "fixed", env=env)
    [done] = json.loads(_ok("alerts", "list", "--state", "resolved", "--json", env=env))["alerts"]
    assert (done["acknowledged_by"], done["resolved_by"]) == ("cli", "cli")
    checks = json.loads(_ok("monitor", "checks", "churn", "--json", env=env))["checks"]
    assert checks[0]["results"]["drift"]["dataset_drift"] is True


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("monitor", "schedule", "churn"), "Give either --every"),
        (("monitor", "schedule", "churn", "--every", "5x"), "is not a period"),
        (("monitor", "schedule", "churn", "--cron", "* * *"), "is not a cron expression"),
        (("monitor", "schedule", "nope", "--every", "1h"), "There is no model 'nope'"),
        (("monitor", "schedule", "churn", "--off"), "has no schedule to turn off"),
        (("monitor", "run-due", "--now", "yesterday"), "is not an ISO time"),
        (("alerts", "channel", "add", "c", "--kind", "pager", "--url", "http://x"),
         "is not a channel kind"),
        (("alerts", "channel", "add", "c", "--kind", "slack", "--secret-env", "NOPE_UNSET",
          "--url", "http://x"), "NOPE_UNSET is not set"),
        (("alerts", "channel", "test", "nope"), "There is no channel 'nope'"),
        (("alerts", "rule", "add", "churn", "--kind", "metric_drop", "--channel", "x"),
         "needs --delta"),
        (("alerts", "rule", "remove", "7"), "There is no alert rule 7"),
        (("alerts", "list", "--state", "closed"), "is not an alert state"),
        (("alerts", "ack", "3", "--comment", "x"), "There is no alert 3"),
    ],
)  # fmt: skip
def test_user_errors_exit_2_with_one_sentence(
    env: dict[str, str], args: tuple[str, ...], message: str
) -> None:
    done = run(*args, env=env)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("error: ") and message in done.stderr
    assert "Traceback" not in done.stderr


def test_a_rule_without_a_channel_is_a_usage_error(env: dict[str, str]) -> None:
    done = run("alerts", "rule", "add", "churn", "--kind", "dataset_drift", env=env)
    assert done.returncode == 2 and "the following arguments are required: --channel" in (
        done.stderr
    ), done.stderr


def test_a_channel_test_that_fails_exits_2_after_recording_the_attempts(
    env: dict[str, str],
    receiver: Receiver,  # noqa: F811
) -> None:
    """A 404 is final: one attempt, exit 2."""
    receiver.statuses = [404]
    _ok("alerts", "channel", "add", "c", "--kind", "slack", "--url", receiver.url, env=env)
    done = run("alerts", "channel", "test", "c", env=env)
    assert done.returncode == 2 and "did not reach channel 'c'" in done.stderr
    assert "attempt 1: failed (HTTP 404)" in done.stdout

"""Monitor page (AppTest), Schedule and alerts + Alerts: set a schedule, add a channel and a
rule, see a scheduled check's alert arrive, acknowledge and resolve it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from studio.context import Studio
from studio.monitor.checks import run_due_checks
from studio.monitor.schedules import get_schedule, set_schedule
from studio.registry.register import register_candidate
from studio.registry.scoring import score_frame
from tests.alerts.conftest import Receiver, receiver  # noqa: F401 (the fixture)
from tests.autopilot.conftest import churn_like
from tests.pages.test_models import _open


def _table(at, column: str):  # noqa: ANN001, ANN202 (AppTest, DataFrame)
    """The first table on the page with ``column``."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


@pytest.fixture
def watched(run_home: Studio) -> Studio:
    """The app's store with model 'churn' v1 registered."""
    register_candidate(run_home, 1, "churn", "tester")
    return run_home


def test_set_a_schedule_add_a_channel_and_a_rule_then_handle_the_alert(
    watched: Studio,
    receiver: Receiver,  # noqa: F811
) -> None:
    """Everything through the page; the check itself runs as a worker would (clock given)."""
    at = _open("pages/6_Monitor.py")
    assert not at.exception
    assert any("Not checked on a schedule" in i.value for i in at.info)
    at.radio(key="mon_sched_how").set_value("Every")
    at.selectbox(key="mon_sched_every").set_value("1h")
    at.button(key="mon_sched_save").click().run()
    assert not at.exception
    assert any("Checked every 1h" in s.value for s in at.success)
    at.text_input(key="mon_ch_name").set_value("team")
    at.selectbox(key="mon_ch_kind").set_value("webhook")
    at.text_input(key="mon_ch_url").set_value(f"{receiver.url}/hook/T0KEN")
    at.text_input(key="mon_ch_secret").set_value("k3y")
    at.button(key="mon_ch_add").click().run()
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    channels = _table(at, "Signed")
    assert list(channels["Name"]) == ["team"] and bool(channels.loc[0, "Signed"])
    assert "k3y" not in channels.to_string() and "T0KEN" not in channels.to_string()
    at.button(key="mon_test_go").click().run()
    assert any("The test reached 'team'" in s.value for s in at.success)
    at.selectbox(key="mon_rule_kind").set_value("dataset_drift")
    at.button(key="mon_rule_add").click().run()
    assert not at.exception
    assert list(_table(at, "When")["When"]) == ["dataset drift"]
    at.selectbox(key="mon_rule_kind").set_value("error_rate")
    at.number_input(key="mon_rule_above").set_value(10.0)
    at.button(key="mon_rule_add").click().run()
    assert not at.exception
    assert list(_table(at, "When")["When"]) == ["dataset drift", "endpoint error rate above 10.0%"]

    shifted = churn_like(300, seed=4).drop(columns=["churn"])
    shifted["tenure"] = shifted["tenure"] + 40
    shifted["charges"] = shifted["charges"] * 2
    score_frame(watched, "churn@1", shifted, "moved.csv", "tester")
    due = get_schedule(watched, "churn").next_due_at
    run_due_checks(watched, "w1", now=due + timedelta(seconds=1))
    assert receiver.received[-1].json["event"] == "alert.opened"

    at.run()
    checks = _table(at, "Worker")
    assert checks.loc[0, "Status"] == "done"
    assert checks.loc[0, "Estimated"].startswith(("ROC AUC 0.", "Accuracy 0.", "F1 0."))
    alerts = _table(at, "Seen")
    assert list(alerts["State"]) == ["open"] and "features drifted" in alerts.loc[0, "What"]
    at.button(key="mon_alert_ack").click().run()
    assert any("Say why in a comment" in e.value for e in at.error)  # no comment: refused
    at.text_input(key="mon_alert_comment").set_value("on it")
    at.button(key="mon_alert_ack").click().run()
    assert not at.exception
    assert list(_table(at, "Seen")["State"]) == ["acknowledged"]
    at.text_input(key="mon_alert_comment").set_value("upstream fixed")
    at.button(key="mon_alert_resolve").click().run()
    assert any("No alert here" in i.value for i in at.info)
    at.radio(key="mon_alert_state").set_value("Resolved").run()
    resolved = _table(at, "Seen")
    assert (resolved.loc[0, "Acknowledged by"], resolved.loc[0, "Resolved by"]) == (
        "tester", "tester",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("every", "cron", "how", "period", "expression"),
    [("30m", None, "Every", "30m", ""), (None, "0 7 * * 1-5", "Cron", "1h", "0 7 * * 1-5")],
)
def test_the_schedule_form_opens_on_the_schedule_that_runs(
    watched: Studio, every: str | None, cron: str | None, how: str, period: str, expression: str
) -> None:
    """Set elsewhere (the CLI), the schedule is what the form shows, so saving the form
    unchanged keeps it."""
    set_schedule(watched, "churn", "tester", every=every, cron=cron, window="1W")
    at = _open("pages/6_Monitor.py")
    assert not at.exception
    assert at.radio(key="mon_sched_how").value == how
    assert at.selectbox(key="mon_sched_every").value == period
    assert at.text_input(key="mon_sched_cron").value == expression
    assert at.selectbox(key="mon_sched_window").value == "1W"
    at.button(key="mon_sched_save").click().run()
    assert get_schedule(watched, "churn").cadence == (f"every {every}" if every else
                                                       f"cron {cron} (UTC)")  # fmt: skip

"""In a real browser, monitoring that runs by itself: a product manager sets the production
model's schedule, adds a signed webhook channel (a receiver running in this test) and sends it
a test, adds a dataset-drift rule; a drifted batch is scored with the CLI and a real
``studio worker`` runs the due check; the signed alert reaches the receiver, and the Alerts tab
lists it, open, until it is acknowledged with a comment. Bad input on every form shows one
sentence, never a traceback."""

from __future__ import annotations

import contextlib
import csv
import hashlib
import hmac
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from studio.context import Studio
from studio.db.models import utcnow
from studio.monitor.schedules import set_schedule
from tests.alerts.conftest import Received, Receiver, receiver  # noqa: F401 (the fixture)
from tests.conftest import release_store
from tests.e2e.conftest import ROOT, screenshot, wait_idle
from tests.e2e.test_registry_flow import MODEL, _assert_no_exception, _cli, _cli_env
from tests.waits import HANG_GUARD_SECONDS

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

pytestmark = pytest.mark.e2e

CHANNEL = "ops-hook"
SECRET = "e2e-signing-secret"
ACK_NOTE = "Looking at the upstream feed"
TAB = "Schedule and alerts"


def _shifted_csv(tmp_path: Path) -> Path:
    """The demo rows without the target, every number grown by half: a batch that drifted."""
    with (tmp_path / "export.csv").open(newline="", encoding="utf-8") as source:
        rows = list(csv.DictReader(source))
    columns = [c for c in rows[0] if c != "diagnosis"]
    for row in rows:
        for name in columns:
            with contextlib.suppress(ValueError):  # numbers only
                row[name] = str(float(row[name]) * 1.5)
    path = tmp_path / "shifted.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def _signed_by_secret(got: Received) -> bool:
    """True when ``got`` carries a fresh X-Studio-Signature: HMAC-SHA256 keyed by the secret
    over ``<X-Studio-Timestamp>.<body>`` (recomputed here, as a receiver would)."""
    headers = {k.lower(): v for k, v in got.headers.items()}
    stamp = headers["x-studio-timestamp"]
    expected = hmac.new(SECRET.encode(), stamp.encode() + b"." + got.body, hashlib.sha256)
    fresh = abs(time.time() - int(stamp)) < 300
    return fresh and hmac.compare_digest(headers["x-studio-signature"],
                                         "sha256=" + expected.hexdigest())  # fmt: skip


def test_a_scheduled_check_alerts_the_channel_and_the_alert_is_acknowledged(
    demo_run: Path,
    page: Page,
    app_url: str,
    tmp_path: Path,
    receiver: Receiver,  # noqa: F811
) -> None:
    """Schedule, channel (+ test), rule in the browser → drifted batch → worker → signed
    alert at the receiver → open in the Alerts tab → acknowledged with a comment."""
    env = _cli_env(tmp_path / "home")
    _cli(env, "models", "register", "--run", "1", "--name", MODEL)
    _cli(env, "models", "approve", MODEL, "1", "--comment", "fine")
    _cli(env, "models", "promote", MODEL, "1", "--stage", "production", "--comment", "ship")
    try:
        _open_tab(page, app_url, TAB)
        _schedule(page)
        _channel(page, receiver)
        _rule(page)
        screenshot(page, "alerts-setup")
        _cli(env, "predict", MODEL, str(_shifted_csv(tmp_path)), "--out",
             str(tmp_path / "scored.csv"))  # fmt: skip
        _make_due_and_run_worker(env, tmp_path)
        _assert_alert_arrived(receiver)
        _check_ran(page, app_url)
        _acknowledge(page, app_url)
    except Exception:
        screenshot(page, "alerts-failure")
        raise


def _open_tab(page: Page, app_url: str, name: str) -> Locator:
    page.goto(f"{app_url}/Monitor")
    wait_idle(page)
    assert page.get_by_role("combobox", name="Model").input_value() == MODEL
    page.get_by_role("tab", name=name, exact=True).click()
    wait_idle(page, after_action=True)
    return page.get_by_role("tabpanel", name=name, exact=True)


def _panel(page: Page) -> Locator:
    return page.get_by_role("tabpanel", name=TAB, exact=True)


def _form(page: Page, button: str) -> Locator:
    return _panel(page).get_by_test_id("stForm").filter(has_text=button)


def _submit(form: Locator, button: str) -> None:
    form.get_by_role("button", name=button, exact=True).click()
    wait_idle(form.page, after_action=True)


def _error(page: Page, text: str, panel: Locator | None = None) -> Locator:
    """The one red sentence the panel shows (and no traceback anywhere)."""
    panel = panel or _panel(page)
    error = panel.get_by_test_id("stAlertContentError").filter(has_text=text)
    error.wait_for()
    assert error.count() == 1
    _assert_no_exception(page)
    return error


def _pick(page: Page, box: Locator, option: str) -> None:
    """Pick ``option`` in a selectbox inside a form (no rerun until the form is sent)."""
    box.click()
    page.get_by_role("option", name=option, exact=True).click()
    assert box.input_value() == option


def _schedule(page: Page) -> None:
    """A cron expression that is not one is refused in one sentence; then every 15m."""
    form = _form(page, "Save schedule")
    how = form.get_by_role("radiogroup", name="Check")
    how.get_by_text("Cron", exact=True).click()
    form.get_by_label("Cron (UTC)").fill("every monday at 7")
    _submit(form, "Save schedule")
    sentence = _error(page, "is not a cron expression").inner_text()
    assert "'every monday at 7'" in sentence and "e.g. '0 7 * * 1-5'" in sentence, sentence
    screenshot(page, "alerts-bad-cron")

    how.get_by_text("Every", exact=True).click()
    _pick(page, form.get_by_role("combobox", name="Every"), "15m")
    _submit(form, "Save schedule")
    _panel(page).get_by_test_id("stAlertContentSuccess").filter(
        has_text="Checked every 15m, window batch; next check due"
    ).wait_for()
    _assert_no_exception(page)


def _fill_channel(form: Locator, name: str, url: str, secret: str = "") -> None:
    form.get_by_label("Name", exact=True).fill(name)
    form.get_by_label("Webhook URL (kept secret)").fill(url)
    form.get_by_label("Signing secret (optional)").fill(secret)


def _channel(page: Page, receiver: Receiver) -> None:  # noqa: F811
    """An empty URL, then one that is not http(s), are refused; then the receiver's URL,
    signed, and a test that reaches it."""
    form = _form(page, "Add channel")
    assert form.get_by_role("combobox", name="Kind").input_value() == (
        "a JSON webhook signed with HMAC-SHA256"
    )
    _fill_channel(form, CHANNEL, "")
    _submit(form, "Add channel")
    _error(page, "A webhook channel needs an http(s) URL")
    _fill_channel(form, CHANNEL, "hooks.example.com/studio")
    _submit(form, "Add channel")
    _error(page, "got 'hooks.example.com/studio'")
    screenshot(page, "alerts-bad-channel")

    _fill_channel(form, CHANNEL, f"{receiver.url}/studio", SECRET)
    _submit(form, "Add channel")
    _panel(page).locator('[data-testid="stDataFrame"] canvas').first.wait_for()
    assert _panel(page).get_by_role("combobox", name="Channel").input_value() == CHANNEL
    _panel(page).get_by_role("button", name="Send a test").click()
    wait_idle(page, after_action=True)
    reached = _panel(page).get_by_test_id("stAlertContentSuccess")
    reached.filter(has_text=f"The test reached '{CHANNEL}'.").wait_for()
    [test] = receiver.received
    assert test.path == "/studio" and test.json["event"] == "test"
    assert _signed_by_secret(test)
    _assert_no_exception(page)


def _rule(page: Page) -> None:
    """A rule telling nobody is refused; then dataset drift, telling the channel."""
    form = _form(page, "Add rule")
    assert form.get_by_role("combobox", name="Alert on").input_value() == "dataset drift"
    tell = form.get_by_role("combobox", name="Tell")
    tell.click()
    page.keyboard.press("Backspace")  # remove the channel the form proposes
    page.keyboard.press("Escape")
    _submit(form, "Add rule")
    _error(page, "A rule needs at least one channel to tell.")
    screenshot(page, "alerts-bad-rule")

    tell.click()
    page.get_by_role("option", name=CHANNEL, exact=True).click()
    page.keyboard.press("Escape")
    _submit(form, "Add rule")
    rule = _panel(page).get_by_role("combobox", name="Rule")
    rule.wait_for()
    assert rule.input_value() == f"#1: dataset drift → {CHANNEL}"
    _assert_no_exception(page)


def _make_due_and_run_worker(env: dict[str, str], tmp_path: Path) -> None:
    """The 15-minute schedule saved a quarter of an hour ago (the core's own ``now``, not a
    mock), then one real ``studio worker --once``: it runs the due check before looking for
    jobs, delivers the alert, and exits."""
    from studio.config import load_settings

    settings = load_settings(env)
    studio = Studio.open(settings)
    try:
        before = utcnow() - timedelta(minutes=16)
        set_schedule(studio, MODEL, "e2e", every="15m", window="batch", now=before)
    finally:
        release_store(settings.database_url)
    with (tmp_path / "worker.log").open("w") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "studio.cli", "worker", "--once"], cwd=ROOT, env=env,
            stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        code = worker.wait(timeout=HANG_GUARD_SECONDS)
    assert code == 0, (tmp_path / "worker.log").read_text()


def _assert_alert_arrived(receiver: Receiver) -> None:  # noqa: F811
    test, alert = receiver.received  # the test message, then the alert
    assert _signed_by_secret(alert)
    document = alert.json
    assert document["event"] == "alert.opened"
    assert document["alert"]["model"] == MODEL and document["alert"]["state"] == "open"
    assert f"{MODEL} v1 · dataset drift" in document["title"], document["title"]
    assert "Dataset drift" in document["text"], document["text"]


def _check_ran(page: Page, app_url: str) -> None:
    """A fresh page shows the schedule as it runs (every 15m) and the worker's check."""
    panel = _open_tab(page, app_url, TAB)
    assert panel.get_by_role("radio", name="Every", exact=True).is_checked()
    assert panel.get_by_role("combobox", name="Every").input_value() == "15m"
    assert panel.get_by_role("combobox", name="Window").input_value() == "batch"
    assert panel.get_by_text("No scheduled check has run yet.").count() == 0
    panel.locator('[data-testid="stDataFrame"] canvas').first.wait_for()
    _assert_no_exception(page)
    screenshot(page, "alerts-check-ran")


def _status(page: Page, state: str) -> str:
    """The sentence under the alert picker, once it says ``state``."""
    said = page.get_by_test_id("stMarkdown").filter(has_text=f"Alert #1 is {state}")
    said.wait_for()
    return said.inner_text()


def _acknowledge(page: Page, app_url: str) -> None:
    """The alert is open; acknowledging without a comment is refused; with one, the alert
    says who acknowledged it and when, and so does its history."""
    panel = _open_tab(page, app_url, "Alerts")
    pick = panel.get_by_role("combobox", name="Alert")
    assert pick.input_value().startswith("#1: Dataset drift"), pick.input_value()
    assert "acknowledged" not in _status(page, "open")
    panel.locator('[data-testid="stDataFrame"] canvas').first.wait_for()
    screenshot(page, "alerts-open")
    acknowledge = panel.get_by_role("button", name="Acknowledge")
    acknowledge.click()
    wait_idle(page, after_action=True)
    _error(page, "Say why in a comment", panel)

    comment = panel.get_by_label("Comment (kept with the alert)")
    comment.fill(ACK_NOTE)
    comment.press("Enter")
    wait_idle(page, after_action=True)
    acknowledge.click()
    wait_idle(page, after_action=True)
    today = f"{utcnow():%Y-%m-%d}"
    assert f"acknowledged by e2e at {today}" in _status(page, "acknowledged")
    assert acknowledge.is_disabled()
    said = panel.get_by_test_id("stCaptionContainer").filter(has_text="· e2e · acknowledged")
    assert said.inner_text().startswith(today), said.inner_text()
    assert said.inner_text().endswith(f"· e2e · acknowledged · {ACK_NOTE}"), said.inner_text()
    panel.locator('[data-testid="stDataFrame"] canvas').first.wait_for()
    _assert_no_exception(page)
    screenshot(page, "alerts-acknowledged")

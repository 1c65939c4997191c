"""In a real browser: launch an autopilot run, watch it live, read the finished leaderboard."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import screenshot, wait_idle

pytestmark = pytest.mark.e2e


def test_launch_watch_and_finish(page, app_url: str) -> None:  # noqa: ANN001
    """Demo data → Autopilot → launch with a 20 s budget → live progress → leaderboard."""
    page.get_by_role("button", name="Load demo datasets").click()
    wait_idle(page, after_action=True)
    page.goto(f"{app_url}/Autopilot")
    wait_idle(page)
    page.get_by_role("combobox", name="Dataset").click()
    page.get_by_role("option", name="breast_cancer").click()
    wait_idle(page, after_action=True)
    page.get_by_text("Task: binary").wait_for()
    page.get_by_text("Options", exact=True).click()
    budget = page.get_by_role("spinbutton", name="Time budget (seconds)")
    budget.fill("20")
    budget.press("Enter")
    wait_idle(page, after_action=True)
    page.get_by_role("button", name="Launch autopilot").click()
    wait_idle(page, after_action=True)
    page.get_by_text("Current leaderboard").wait_for(timeout=60_000)
    page.locator('[data-testid="stProgress"]').wait_for(timeout=60_000)
    screenshot(page, "autopilot-live")
    try:
        page.get_by_text("Leaderboard (holdout scores", exact=False).wait_for(timeout=120_000)
    except Exception:
        screenshot(page, "autopilot-timeout")  # what the page showed when it gave up
        raise
    wait_idle(page)
    page.locator('[data-testid="stPlotlyChart"] .main-svg').first.wait_for()
    page.get_by_role("button", name="Export").wait_for()
    screenshot(page, "autopilot-finished")
    assert "finished" in page.get_by_test_id("stMetricValue").first.inner_text()
    assert not page.get_by_test_id("stException").count()

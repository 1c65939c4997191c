"""In a real browser: launch an autopilot run, watch it live, read the finished leaderboard."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import choose, screenshot, wait_idle
from tests.waits import HANG_GUARD_SECONDS

pytestmark = pytest.mark.e2e
HANG_GUARD_MS = HANG_GUARD_SECONDS * 1000


def test_launch_watch_stop_and_finish(page, app_url: str) -> None:  # noqa: ANN001
    """Demo data → Autopilot → launch (no limit it could reach) → live progress and a first
    completed trial → Stop → the refit leaderboard. The run ends because the user stopped it,
    never after some time."""
    page.get_by_role("button", name="Load demo datasets").click()
    wait_idle(page, after_action=True)
    page.goto(f"{app_url}/Autopilot")
    wait_idle(page)
    choose(page.get_by_role("combobox", name="Dataset"), "telco_churn")
    page.get_by_text("Column types: 19 used as features").click()
    choose(page.get_by_role("combobox", name="Column", exact=True), "total_charges")
    choose(page.get_by_role("combobox", name="Type", exact=True), "ignored")
    page.get_by_role("button", name="Set type").click()
    wait_idle(page, after_action=True)
    page.get_by_text("Column types: 18 used as features, 1 set by you").wait_for()
    page.locator('[data-testid="stExpander"] [data-testid="stDataFrame"]').first.wait_for()
    screenshot(page, "autopilot-column-types")
    choose(page.get_by_role("combobox", name="Dataset"), "breast_cancer")
    page.get_by_text("Task: binary").wait_for()
    page.get_by_text("Options", exact=True).click()
    budget = page.get_by_role("spinbutton", name="Time budget (seconds)")
    budget.fill("3600")
    budget.press("Enter")
    wait_idle(page, after_action=True)
    page.get_by_role("button", name="Launch autopilot").click()
    wait_idle(page, after_action=True)
    page.get_by_text("Current leaderboard").wait_for(timeout=HANG_GUARD_MS)
    page.locator('[data-testid="stProgress"]').wait_for(timeout=HANG_GUARD_MS)
    # A trial has completed (the live leaderboard is a table): Stop ends the trial in flight,
    # so the refit leaderboard is made of the trials that finished before it.
    page.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=HANG_GUARD_MS)
    screenshot(page, "autopilot-live")
    page.get_by_role("button", name="Stop", exact=True).click()
    try:
        finished = page.get_by_text("Leaderboard (holdout scores", exact=False)
        finished.wait_for(timeout=HANG_GUARD_MS)
    except Exception:
        screenshot(page, "autopilot-timeout")  # what the page showed when it gave up
        raise
    wait_idle(page)
    page.locator('[data-testid="stPlotlyChart"] .main-svg').first.wait_for()
    page.get_by_role("button", name="Export").wait_for()
    screenshot(page, "autopilot-finished")
    assert "stopped" in page.get_by_test_id("stMetricValue").first.inner_text()
    assert not page.get_by_test_id("stException").count()

"""In a real browser: a finished run on the Experiments page, its diagnostics, a comparison."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.e2e.conftest import screenshot, wait_idle

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.e2e

CHART = '[data-testid="stPlotlyChart"] .main-svg'
COMPARE_TITLE = re.compile(r"^Comparing 2 candidates: breast_cancer@1 → diagnosis$")


def _assert_no_exception(page: Page) -> None:
    assert not page.get_by_test_id("stException").count()


def test_open_run_diagnostics_and_compare(
    demo_run: Path, browser: Browser, page: Page, app_url: str, tmp_path: Path
) -> None:
    """Finished run (CLI) → runs list → ?run=1 → Diagnostics → Compare → reload ?compare=."""
    try:
        compare_url = _browse(page, app_url)
    except Exception:
        screenshot(page, "experiments-failure")  # what the page showed when it gave up
        raise

    context = browser.new_context(viewport={"width": 1400, "height": 2000})
    try:  # a fresh session on the link alone draws the same comparison
        fresh = context.new_page()
        fresh.goto(compare_url)
        wait_idle(fresh)
        fresh.get_by_role("heading", name=COMPARE_TITLE).wait_for()
        fresh.locator(CHART).first.wait_for()
        _assert_no_exception(fresh)
    finally:
        context.close()


def _browse(page: Page, app_url: str) -> str:
    """List → run → Diagnostics tab → Compare; returns the comparison's URL."""
    page.goto(f"{app_url}/Experiments")
    wait_idle(page)
    page.get_by_text("1 run(s)", exact=False).wait_for()
    page.locator('[data-testid="stDataFrame"] canvas').first.wait_for()
    _assert_no_exception(page)

    page.goto(f"{app_url}/Experiments?run=1")  # the deep link a selected row leads to
    wait_idle(page)
    page.get_by_role("heading", name="Run 1: breast_cancer@1 → diagnosis").wait_for()
    assert page.get_by_test_id("stMetricValue").first.inner_text() == "finished"
    _assert_no_exception(page)

    page.get_by_role("tab", name="Diagnostics").click()
    wait_idle(page, after_action=True)
    page.get_by_role("tabpanel", name="Diagnostics").locator(CHART).first.wait_for()
    _assert_no_exception(page)
    screenshot(page, "experiments-diagnostics")

    page.get_by_role("tab", name="Leaderboard").click()
    wait_idle(page, after_action=True)
    picker = page.get_by_test_id("stMultiSelect").filter(has_text="Compare candidates")
    assert picker.get_by_role("button", name=re.compile("^Remove")).count() == 2  # top two
    page.get_by_role("button", name="Compare", exact=True).click()
    wait_idle(page, after_action=True)
    page.wait_for_url(re.compile(r"[?&]compare=\d+(%2C|,)\d+"))
    page.get_by_role("heading", name=COMPARE_TITLE).wait_for()
    page.locator(CHART).first.wait_for()
    _assert_no_exception(page)
    screenshot(page, "experiments-compare")
    return page.url

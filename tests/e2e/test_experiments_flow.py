"""In a real browser: a finished run on the Experiments page, its diagnostics, a comparison."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.e2e.conftest import ROOT, screenshot, wait_idle

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.e2e

CHART = '[data-testid="stPlotlyChart"] .main-svg'
COMPARE_TITLE = re.compile(r"^Comparing 2 candidates: breast_cancer@1 → diagnosis$")
# Few, quick-to-predict candidates from two families (plus their ensemble): the worker's
# analysis (holdout diagnostics, permutation importance) stays a few seconds per candidate.
RUN_ARGS = [
    "autopilot", "run", "--dataset", "breast_cancer", "--target", "diagnosis",
    "--families", "linear,svm", "--max-trials", "4", "--budget-seconds", "60", "--wait",
]  # fmt: skip


def _cli_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STUDIO_")}
    return env | {"STUDIO_HOME": str(home), "STUDIO_USER": "e2e"}


@pytest.fixture
def launched_run(tmp_path: Path) -> Iterator[subprocess.Popen]:
    """Demo data, then a run searching in a CLI subprocess (never in pytest's own process).

    ``tmp_path / "home"`` is the STUDIO_HOME the ``app_url`` fixture gives the server. Listed
    before ``page``, this starts first, so the search overlaps the server's start.
    """
    env = _cli_env(tmp_path / "home")
    demo = subprocess.run(
        [sys.executable, "-m", "studio.cli", "demo"], cwd=ROOT, env=env,
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert demo.returncode == 0, f"studio demo failed:\n{demo.stdout}\n{demo.stderr}"
    log = (tmp_path / "autopilot-cli.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "studio.cli", *RUN_ARGS], cwd=ROOT, env=env,
        stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=20)
        log.close()


def _wait_finished(process: subprocess.Popen, log: Path) -> None:
    """``--wait`` returns once the worker has also stored the run's analysis (diagnostics)."""
    returncode = process.wait(timeout=150)
    assert returncode == 0, f"studio autopilot run failed:\n{log.read_text()}"


def _assert_no_exception(page: Page) -> None:
    assert not page.get_by_test_id("stException").count()


def test_open_run_diagnostics_and_compare(
    launched_run: subprocess.Popen, browser: Browser, page: Page, app_url: str, tmp_path: Path
) -> None:
    """Finished run (CLI) → runs list → ?run=1 → Diagnostics → Compare → reload ?compare=."""
    _wait_finished(launched_run, tmp_path / "autopilot-cli.log")
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

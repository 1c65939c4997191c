"""In a real browser: a model in production (set up with the CLI) is checked against a batch
whose second week drifted; the page shows the alert, the ranked table, the distribution overlay
and drift over time."""

from __future__ import annotations

import contextlib
import csv
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.e2e.conftest import choose, screenshot, wait_idle
from tests.e2e.test_registry_flow import (
    MODEL,
    _assert_no_exception,
    _cli,
    _cli_env,
)

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.e2e


def _drifted_csv(tmp_path: Path) -> Path:
    """The demo rows without the target over two weeks; every number grows by half in the
    second week."""
    with (tmp_path / "export.csv").open(newline="", encoding="utf-8") as source:
        rows = list(csv.DictReader(source))
    columns = [c for c in rows[0] if c != "diagnosis"]
    half = len(rows) // 2
    for i, row in enumerate(rows):
        row["seen"] = "2026-05-04" if i < half else "2026-05-11"
        if i >= half:
            for name in columns:
                with contextlib.suppress(ValueError):  # numbers only
                    row[name] = str(float(row[name]) * 1.5)
    path = tmp_path / "may.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=[*columns, "seen"], extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_drifted_batch_raises_the_alert_and_shows_the_charts(
    demo_run: Path,
    page: Page,
    app_url: str,
    tmp_path: Path,
) -> None:
    """Upload → time column and weekly windows → check → alert, table, overlay, history."""
    env = _cli_env(tmp_path / "home")
    _cli(env, "models", "register", "--run", "1", "--name", MODEL)
    _cli(env, "models", "approve", MODEL, "1", "--comment", "fine")
    _cli(env, "models", "promote", MODEL, "1", "--stage", "production", "--comment", "ship")
    upload = _drifted_csv(tmp_path)
    try:
        _check(page, app_url, upload)
        _history(page)
    except Exception:
        screenshot(page, "monitor-failure")
        raise


def _check(page: Page, app_url: str, upload: Path) -> None:
    page.goto(f"{app_url}/Monitor")
    wait_idle(page)
    assert page.get_by_role("combobox", name="Model").input_value() == MODEL
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(upload))
    wait_idle(page, after_action=True)
    choose(page.get_by_role("combobox", name="Time column (optional)"), "seen")
    assert page.get_by_role("combobox", name="Window").input_value() == "week"
    page.get_by_role("button", name="Check for drift").click()
    wait_idle(page, after_action=True)
    alert = page.get_by_test_id("stAlert").filter(has_text="Dataset drift:")
    alert.first.wait_for()
    assert "features drifted" in alert.first.inner_text()
    page.locator('[data-testid="stDataFrame"] canvas').first.wait_for()
    page.locator(".js-plotly-plot").first.wait_for()  # the reference/current overlay
    _assert_no_exception(page)
    screenshot(page, "monitor-check")


def _history(page: Page) -> None:
    page.get_by_role("tab", name="Drift over time").click()
    wait_idle(page, after_action=True)
    panel = page.get_by_role("tabpanel", name="Drift over time")
    panel.get_by_test_id("stAlert").filter(has_text="2026-05-11").first.wait_for()
    assert panel.locator(".js-plotly-plot").count() >= 3  # share, feature line, heat map
    calm_week = panel.get_by_test_id("stAlert").filter(has_text="2026-05-04/2026-05-10: Dataset")
    assert calm_week.count() == 0  # the unchanged first week raises no dataset alert
    _assert_no_exception(page)
    screenshot(page, "monitor-history")

"""In a real browser: load the demo, upload a CSV, see its profile."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import screenshot, wait_idle

pytestmark = pytest.mark.e2e


def test_demo_then_upload_then_profile(page, tmp_path: Path) -> None:  # noqa: ANN001
    """Home → load demo → Data → upload a CSV → its profile, warnings and chart appear."""
    page.get_by_role("button", name="Load demo datasets").click()
    wait_idle(page, after_action=True)
    page.get_by_text("Loaded 4 demo datasets").wait_for()
    assert page.get_by_test_id("stMetricValue").first.inner_text() == "4"
    screenshot(page, "home-after-demo")

    page.get_by_test_id("stSidebar").get_by_text("Data", exact=True).click()
    wait_idle(page, after_action=True)
    page.get_by_text("Add data").click()
    csv = tmp_path / "orders.csv"
    lines = ["order_id;amount;region;ordered"] + [
        f"{i};{i % 17},5;{['north', 'south', 'east'][i % 3]};2024-03-{1 + i % 28:02d}"
        for i in range(300)
    ]
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(csv))
    page.get_by_text("orders.csv").first.wait_for()
    page.get_by_role("button", name="Add to Studio").click()
    wait_idle(page, after_action=True)
    page.get_by_text("Added orders@1: 300 rows x 4 columns.").wait_for()
    header = page.get_by_text("semicolon-separated").first.inner_text()
    assert "orders@1" in header and "decimal comma" in header
    page.get_by_text("looks like an identifier").wait_for()
    page.locator('[data-testid="stDataFrame"] canvas').first.wait_for()
    shot = screenshot(page, "data-profile")
    assert shot.stat().st_size > 20_000

    assert page.get_by_role("combobox", name="Dataset").input_value() == "orders"
    page.get_by_role("tab", name="Columns").click()
    wait_idle(page, after_action=True)
    page.locator('[data-testid="stPlotlyChart"] .main-svg').first.wait_for()
    screenshot(page, "data-column")
    assert not page.get_by_test_id("stException").count()

"""In a real browser: the Business page values two candidates and presents them; the three
reports (comparison downloaded from the page, model card and drift from the CLI) open from disk
with the network off, draw their charts and make no request."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.e2e.conftest import ARTIFACTS, screenshot, wait_idle
from tests.e2e.test_monitor_flow import _drifted_csv
from tests.e2e.test_registry_flow import (
    MODEL,
    _assert_no_exception,
    _cli,
    _cli_env,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.e2e


def test_business_page_presentation_and_offline_reports(
    demo_run: Path,
    browser: Browser,
    page: Page,
    app_url: str,
    tmp_path: Path,
) -> None:
    env = _cli_env(tmp_path / "home")
    _cli(env, "models", "register", "--run", "1", "--name", MODEL)
    _cli(env, "monitor", "run", f"{MODEL}@1", str(_drifted_csv(tmp_path)),
         "--time-column", "seen", "--window", "1W")  # fmt: skip
    reports = {
        "model": tmp_path / "model.html",
        "drift": tmp_path / "drift.html",
    }
    _cli(env, "report", "model", f"{MODEL}@1", "--html", str(reports["model"]))
    _cli(env, "report", "drift", f"{MODEL}@1", "--html", str(reports["drift"]))
    try:
        reports["compare"], link, value = _business_page(page, app_url, tmp_path)
        _presentation(browser, page, link, value)
    except Exception:
        screenshot(page, "business-failure")
        raise
    for name, path in reports.items():
        assert path.stat().st_size < 5_000_000
        _open_offline(browser, path, f"report-{name}")


def _business_page(page: Page, app_url: str, tmp_path: Path) -> tuple[Path, str, str]:
    """The comparison report downloaded after a costlier false positive, the page's URL then
    and the top candidate's value per 1,000 cases it shows."""
    page.goto(f"{app_url}/Business?run=1")
    wait_idle(page)
    page.get_by_test_id("stAlert").first.wait_for()
    recommendation = page.get_by_test_id("stAlert").first.inner_text()
    assert recommendation.startswith(("Choose ", "No candidate beats")) or "worth the most" in (
        recommendation
    )
    page.locator(".js-plotly-plot").first.wait_for()
    assert page.get_by_text("value per 1,000 cases", exact=False).count() >= 2
    false_positive = page.get_by_role("spinbutton", name="False positive")
    false_positive.fill("-60")
    false_positive.press("Enter")
    wait_idle(page, after_action=True)
    _assert_no_exception(page)
    assert "fp=-60" in page.url  # the values are part of the link
    value = page.get_by_test_id("stMetricValue").first.inner_text()
    screenshot(page, "business")
    page.get_by_role("button", name="Prepare the comparison report").click()
    wait_idle(page, after_action=True)
    download = page.get_by_role("button", name="Download the comparison report", exact=False)
    with page.expect_download() as caught:
        download.click()
    saved = tmp_path / "compare.html"
    caught.value.save_as(saved)
    text = saved.read_text(encoding="utf-8")
    assert "-60" in text  # the values the user set are in the report
    return saved, page.url, value


def _presentation(browser: Browser, page: Page, link: str, value: str) -> None:
    """The page's link with ``present=true``, opened in a new tab of a new browser session,
    presents the same analysis: the same top value per 1,000 cases."""
    context = browser.new_context(viewport=page.viewport_size)
    tab = context.new_page()
    try:
        tab.goto(f"{link}&present=true")
        wait_idle(tab)
        tab.locator(".js-plotly-plot").nth(1).wait_for()
        assert not tab.get_by_test_id("stSidebar").is_visible()
        assert tab.get_by_text("Technical detail").count() == 1
        assert tab.get_by_test_id("stMetricValue").first.inner_text() == value
        _assert_no_exception(tab)
        screenshot(tab, "business-presentation")
    finally:
        context.close()


def _open_offline(browser: Browser, path: Path, name: str) -> None:
    """Open ``path`` with the network off; every chart drawn, no request, no error."""
    context = browser.new_context(viewport={"width": 1300, "height": 1000}, offline=True)
    requests, errors = [], []
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith("file://")
            else (requests.append(route.request.url), route.abort())
        ),
    )
    tab = context.new_page()
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    tab.goto(path.as_uri())
    tab.wait_for_selector('body[data-charts-ready="true"]', timeout=30_000)
    charts = tab.locator(".js-plotly-plot")
    assert charts.count() >= 1
    assert int(tab.evaluate("document.body.dataset.chartsDrawn")) == charts.count()
    assert tab.locator(".js-plotly-plot svg.main-svg").count() >= charts.count()
    assert not requests and not errors, (requests, errors)
    ARTIFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    context.close()

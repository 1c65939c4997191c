"""In a real browser: register a run's best candidate, approve it, move it to production, and
score a file with it on the Predict page."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.cli import clean_env, run
from tests.e2e.conftest import choose, screenshot, wait_idle

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.e2e

MODEL = "cancer-model"
ROWS = 569  # the demo breast_cancer dataset
APPROVE_NOTE = "Holdout looks fine to e2e"
STAGE_NOTE = "Ship it, says e2e"


def _cli_env(home: Path) -> dict[str, str]:
    return clean_env(home, "e2e")


def _cli(env: dict[str, str], *args: str) -> None:
    done = run(*args, env=env)
    assert done.returncode == 0, f"studio {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"


def _features_csv(tmp_path: Path) -> Path:
    """The exported demo data without its target column, as a user would score new rows."""
    with (tmp_path / "export.csv").open(newline="", encoding="utf-8") as source:
        rows = list(csv.DictReader(source))
    path = tmp_path / "patients.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        columns = [c for c in rows[0] if c != "diagnosis"]
        writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def _assert_no_exception(page: Page) -> None:
    assert not page.get_by_test_id("stException").count()


def test_register_approve_promote_and_score(
    demo_run: Path, page: Page, app_url: str, tmp_path: Path
) -> None:
    """Finished run → register → approve → production → history → score → download."""
    upload = _features_csv(tmp_path)
    try:
        _register(page, app_url)
        _approve_and_promote(page, app_url)
        _score(page, app_url, upload, tmp_path)
    except Exception:
        screenshot(page, "registry-failure")  # what the page showed when it gave up
        raise


def _register(page: Page, app_url: str) -> None:
    page.goto(f"{app_url}/Models")
    wait_idle(page)
    page.get_by_text("Register a candidate as a model version").click()
    wait_idle(page, after_action=True)
    form = page.get_by_test_id("stExpander").filter(has_text="Register a candidate")
    run_pick = form.get_by_role("combobox", name="Run")  # a selectbox shows its value in it
    assert run_pick.input_value() == "run 1 · breast_cancer@1 → diagnosis"
    assert form.get_by_role("combobox", name="Candidate").input_value()  # the best one
    name = form.get_by_label("Model name")
    name.fill(MODEL)
    name.press("Enter")  # commit the value before the button's rerun
    wait_idle(page, after_action=True)
    form.get_by_role("button", name="Register", exact=True).click()
    wait_idle(page, after_action=True)
    page.get_by_text(f"Registered {MODEL}@1", exact=False).wait_for()
    _assert_no_exception(page)


def _approve_and_promote(page: Page, app_url: str) -> None:
    page.goto(f"{app_url}/Models?model={MODEL}")
    wait_idle(page)
    page.get_by_role("heading", name=MODEL).wait_for()
    status = page.get_by_test_id("stMarkdown").filter(has_text=re.compile(r"^v1 is in "))
    assert status.inner_text().strip() == "v1 is in none and pending."

    approval = page.get_by_test_id("stForm").filter(has_text="Approval")
    approval.get_by_label("Comment (required)").fill(APPROVE_NOTE)
    approval.get_by_role("button", name="Approve").click()
    wait_idle(page, after_action=True)
    status.filter(has_text="approved").wait_for()
    _assert_no_exception(page)

    stage = page.get_by_test_id("stForm").filter(has_text="Move to")
    choose(stage.get_by_role("combobox", name="Move to"), "production")
    stage.get_by_label("Comment (required for production)").fill(STAGE_NOTE)
    stage.get_by_role("button", name="Move").click()
    wait_idle(page, after_action=True)
    status.filter(has_text="production").wait_for()
    assert status.inner_text().strip() == "v1 is in production and approved."
    _assert_no_exception(page)

    page.get_by_role("tab", name="History").click()
    wait_idle(page, after_action=True)
    panel = page.get_by_role("tabpanel", name="History")
    text = panel.inner_text()
    assert re.search(r"e2e · v1 · approval pending → approved\s+" + APPROVE_NOTE, text), text
    assert re.search(r"e2e · v1 · stage none → production\s+" + STAGE_NOTE, text), text
    assert "registered" in text
    page.get_by_role("tab", name="Model card").click()
    wait_idle(page, after_action=True)
    page.locator('[data-testid="stDataFrame"] canvas').first.wait_for()
    _assert_no_exception(page)
    screenshot(page, "registry-model")
    page.get_by_role("tab", name="Serving").click()
    wait_idle(page, after_action=True)
    serving = page.get_by_role("tabpanel", name="Serving")
    assert f"/v1/models/{MODEL}/predict" in serving.get_by_test_id("stCode").inner_text()
    serving.get_by_role("button", name="Apply split").wait_for()
    _assert_no_exception(page)
    screenshot(page, "registry-serving")


def _score(page: Page, app_url: str, upload: Path, tmp_path: Path) -> None:
    page.goto(f"{app_url}/Predict")
    wait_idle(page)
    assert page.get_by_role("combobox", name="Model").input_value() == MODEL
    assert page.get_by_role("combobox", name="Stage or version").input_value() == "production"
    page.get_by_text(f"{MODEL} v1 (production, approved)", exact=False).wait_for()
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(upload))
    wait_idle(page, after_action=True)
    page.get_by_role("button", name="Score", exact=True).click()
    wait_idle(page, after_action=True)
    success = page.get_by_test_id("stAlert").filter(has_text="Scored")
    success.wait_for()
    assert f"Scored {ROWS} rows with {MODEL}@1" in success.inner_text()
    page.locator('[data-testid="stDataFrame"] canvas').first.wait_for()
    download = page.get_by_role("button", name="Download CSV")
    download.wait_for()  # the page may still be drawing below the table
    assert download.count() == 1
    _assert_no_exception(page)
    screenshot(page, "registry-predict")

    with page.expect_download() as caught:
        download.click()
    saved = tmp_path / "scores.csv"
    caught.value.save_as(saved)
    with saved.open(newline="", encoding="utf-8") as scores:
        rows = list(csv.reader(io.StringIO(scores.read())))
    header, body = rows[0], rows[1:]
    assert {"prediction", "proba_benign", "proba_malignant"} <= set(header), header
    assert len(body) == ROWS
    wait_idle(page)
    _assert_no_exception(page)

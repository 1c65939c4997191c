"""Regenerate the README's screenshots from the real app (demo data, headless Chromium).

Usage: ``python scripts/readme_screenshots.py`` (needs ``/usr/bin/chromium`` and playwright).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, _free_port, _wait_healthy, wait_idle  # noqa: E402

OUT = ROOT / "docs" / "screenshots"


def _shoot(page: Page, url: str, name: str, height: int = 1100) -> None:
    page.set_viewport_size({"width": 1400, "height": height})
    page.goto(url)
    wait_idle(page)
    page.wait_for_timeout(2500)  # let canvases and plotly paint
    page.screenshot(path=str(OUT / f"{name}.png"))


def main() -> None:
    """Start a demo Studio, take the tour's screenshots, stop it."""
    OUT.mkdir(parents=True, exist_ok=True)
    home = Path(tempfile.mkdtemp())
    env = {k: v for k, v in os.environ.items() if not k.startswith("STUDIO_")}
    env |= {"STUDIO_HOME": str(home), "STUDIO_USER": "ana"}
    subprocess.run([sys.executable, "-m", "studio.cli", "demo"], env=env, check=True)
    subprocess.run(
        [sys.executable, "-m", "studio.cli", "autopilot", "run", "--dataset", "telco_churn",
         "--target", "churn", "--budget-seconds", "60", "--wait"],
        env=env, check=True,
    )  # fmt: skip
    for args in (
        ["models", "register", "--run", "1", "--name", "churn-model",
         "--description", "Who is likely to cancel next month."],
        ["models", "approve", "churn-model", "1", "--comment", "Holdout AUC 0.85; calibrated."],
        ["models", "promote", "churn-model", "1", "--stage", "production", "--comment",
         "First release."],
    ):  # fmt: skip
        subprocess.run([sys.executable, "-m", "studio.cli", *args], env=env, check=True)
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, server)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page()
            _shoot(page, url, "home", 800)
            _shoot(page, f"{url}/Data?dataset=telco_churn", "data-profile", 1500)
            page.get_by_role("tab", name="Columns").click()
            wait_idle(page, after_action=True)
            page.get_by_role("combobox", name="Column").click()
            page.get_by_role("option", name="monthly_charges").click()
            wait_idle(page, after_action=True)
            page.wait_for_timeout(2500)
            page.screenshot(path=str(OUT / "data-column.png"))
            _shoot(page, f"{url}/Autopilot?run=1", "autopilot-finished", 1300)
            _shoot(page, f"{url}/Experiments?run=1", "experiments-run", 1500)
            page.get_by_role("button", name="Compare").click()
            wait_idle(page, after_action=True)
            page.set_viewport_size({"width": 1400, "height": 2300})
            page.wait_for_timeout(3000)
            page.screenshot(path=str(OUT / "experiments-compare.png"))
            _shoot(page, f"{url}/Models?model=churn-model", "models", 1500)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=20)


if __name__ == "__main__":
    main()

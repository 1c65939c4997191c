"""Browser flows: the real app served by Streamlit, driven by Playwright in Debian's Chromium."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def demo_run(tmp_path: Path, templates) -> Path:  # noqa: ANN001
    """The app's home (``tmp_path / "home"``, what ``app_url`` serves) holding the demo data and
    a finished, analysed run on breast_cancer (linear and SVM, 4 trials: prepared once per
    session); the dataset exported to ``tmp_path / "export.csv"``. List it before ``page``."""
    import shutil

    template = templates("demo_cancer")
    shutil.copytree(template.home, tmp_path / "home")
    shutil.move(tmp_path / "home" / template.info["export"], tmp_path / "export.csv")
    return tmp_path / "home"


@pytest.fixture
def app_url(tmp_path: Path) -> Iterator[str]:
    """A fresh Studio (SQLite under tmp) served by ``streamlit run app.py`` on 127.0.0.1."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("STUDIO_")}
    env |= {"STUDIO_HOME": str(tmp_path / "home"), "STUDIO_USER": "e2e"}
    command = [
        sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
        "--server.port", str(port), "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
    ]  # fmt: skip
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, server)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


def _wait_healthy(url: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {server.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read().strip() == b"ok":
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("streamlit did not become healthy in time")


@pytest.fixture
def page(browser, app_url: str):  # noqa: ANN001, ANN201
    """A new tab (1400 x 2000, tall enough for whole-page screenshots) on the app."""
    context = browser.new_context(viewport={"width": 1400, "height": 2000})
    tab = context.new_page()
    tab.goto(app_url)
    wait_idle(tab)
    yield tab
    context.close()


def wait_idle(page, after_action: bool = False, timeout: float = 60_000) -> None:  # noqa: ANN001
    """Wait until Streamlit has finished the current run and painted no stale elements."""
    app = '[data-testid="stApp"]'
    if after_action:
        with contextlib.suppress(Exception):  # the rerun may already be over
            page.wait_for_selector(
                f'{app}:not([data-test-script-state="notRunning"])', timeout=2000
            )
    page.wait_for_selector(
        f'{app}[data-test-script-state="notRunning"][data-test-connection-state="CONNECTED"]',
        timeout=timeout,
    )
    stale = '[data-testid="stElementContainer"][data-stale="true"]'
    page.wait_for_function(
        f"""() => !document.querySelector('[data-testid="stStatusWidget"]')
              && !document.querySelector('{stale}')""",
        timeout=timeout,
    )


def choose(box, option: str, attempts: int = 3) -> None:  # noqa: ANN001
    """Pick ``option`` in the Streamlit selectbox ``box`` (a combobox locator) as a user does:
    open it, type to filter (the option list is virtualised: a far option is not in the page
    until filtered to), click the option; then wait for the rerun. A dropdown that did not open
    or lost its filter while the page was busy is closed and tried again, and the pick is
    checked in the box's value, so a loaded machine cannot make the flow click nothing."""
    page = box.page
    wanted = page.get_by_role("option", name=option, exact=True)
    for attempt in range(attempts):
        box.click()
        box.press_sequentially(option)
        try:
            wanted.click(timeout=10_000)
        except Exception:  # noqa: BLE001 - playwright's TimeoutError; retried below
            if attempt == attempts - 1:
                screenshot(page, f"choose-{option}-failure")
                raise
            page.keyboard.press("Escape")
            wait_idle(page)
            continue
        wait_idle(page, after_action=True)
        if box.input_value() == option:
            return
    raise AssertionError(f"the selectbox did not take {option!r} (shows {box.input_value()!r})")


def screenshot(page, name: str) -> Path:  # noqa: ANN001
    """Save a PNG of the page under test-artifacts/ and return its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path

"""AppTest helpers: open a page of the real app against a fresh SQLite store."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from studio.context import Studio
from tests.stores import StoreCopy

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def open_page(home_env: Path) -> Callable[..., AppTest]:
    """Run a page script (``app.py`` or ``pages/...``) with optional query parameters."""

    def open_(script: str, **query: str) -> AppTest:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        if script != "app.py":
            at.switch_page(script)
        for key, value in query.items():
            at.query_params[key] = value
        return at.run()

    return open_


def texts(elements) -> list[str]:  # noqa: ANN001 (AppTest element sequences)
    """The text values of a sequence of AppTest elements."""
    return [e.value for e in elements]


@pytest.fixture
def run_home(prepared: Callable[..., StoreCopy], monkeypatch: pytest.MonkeyPatch) -> Studio:
    """The app's store: a private copy of the prepared linear run on churn."""
    return Studio.open(prepared("linear_churn").use(monkeypatch))

"""Shared fixtures: a real Studio on SQLite and, when configured, on PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from studio.config import Settings
from studio.context import Studio
from studio.db import dispose_engine
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS

PG_URL = os.environ.get("STUDIO_TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])
ROOT = Path(__file__).resolve().parent.parent


def fresh_database_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A new, empty database for one test; dropped (PostgreSQL) or left in tmp (SQLite) after."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / f'studio-{uuid.uuid4().hex[:6]}.db'}"
        request.addfinalizer(lambda: dispose_engine(url))
        return url
    name = f"studio_t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)

    def drop() -> None:
        dispose_engine(url)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    request.addfinalizer(drop)
    return url


def make_settings(home: Path, url: str, **overrides: object) -> Settings:
    """Settings for a test store under ``home``."""
    values = {"home": home, "database_url": url, "artifacts_dir": home / "artifacts"}
    return Settings(**(values | {"user": "tester"} | overrides))  # type: ignore[arg-type]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The database backend under test: 'sqlite', and 'postgresql' when configured."""
    return request.param


@pytest.fixture
def studio_factory(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Callable[..., Studio]:
    """Open a fresh Studio on the backend under test, with optional setting overrides."""

    def make(**overrides: object) -> Studio:
        url = fresh_database_url(backend, tmp_path, request)
        home = tmp_path / f"home-{uuid.uuid4().hex[:6]}"
        return Studio.open(make_settings(home, url, **overrides))

    return make


@pytest.fixture
def studio(studio_factory: Callable[..., Studio]) -> Studio:
    """An open, empty Studio on each configured backend."""
    return studio_factory()


@pytest.fixture
def home_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point STUDIO_HOME at a fresh folder (the SQLite default) for the app and the CLI."""
    home = tmp_path / "studio-home"
    monkeypatch.setenv("STUDIO_HOME", str(home))
    monkeypatch.delenv("STUDIO_DATABASE_URL", raising=False)
    monkeypatch.delenv("STUDIO_ARTIFACTS", raising=False)
    monkeypatch.setenv("STUDIO_USER", "tester")
    return home


def release_store(url: str) -> None:
    """Close every pooled connection this process holds on ``url`` (Studio's and Optuna's)."""
    from studio.autopilot import study

    dispose_engine(url)
    storage = study._storages.pop(url, None)
    if storage is not None:
        storage.engine.dispose()


def clone_store(
    backend: str, source_url: str, source_home: Path, tmp_path: Path,
    request: pytest.FixtureRequest,
) -> Settings:  # fmt: skip
    """A private copy of a prepared store (database and artifacts) for one test.

    Expensive set-ups (a finished autopilot run) are built once per module and copied per
    test: a file copy for SQLite, ``CREATE DATABASE ... TEMPLATE`` for PostgreSQL.
    """
    import shutil

    home = tmp_path / f"home-{uuid.uuid4().hex[:6]}"
    shutil.copytree(source_home, home)
    if backend == "sqlite":
        target = tmp_path / f"studio-{uuid.uuid4().hex[:6]}.db"
        shutil.copy(make_url(source_url).database, target)
        url = f"sqlite:///{target}"
        request.addfinalizer(lambda: release_store(url))
    else:
        name = f"studio_t_{uuid.uuid4().hex[:12]}"
        template = make_url(source_url).database
        admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
        url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)

        def drop() -> None:
            release_store(url)
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()

        request.addfinalizer(drop)
    return make_settings(home, url)


# One headless Chromium per test session, shared by the browser flows (tests/e2e) and the
# offline report tests: Playwright's sync API allows one running instance per thread.
def _browser_available() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} is not installed (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -e '.[test]')"
    return None


@pytest.fixture(scope="session")
def browser():  # noqa: ANN201
    """One headless Chromium for the session; a missing browser skips (or fails in CI)."""
    missing = _browser_available()
    if missing:
        if os.environ.get("STUDIO_REQUIRE_BROWSER") == "1":
            pytest.fail(f"browser tests are required here but {missing}")
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()

"""Shared fixtures: a real Studio on SQLite and, where the database matters, on PostgreSQL.

Tests run on SQLite. A test (or module, with ``pytestmark``) marked ``@pytest.mark.database``
also runs on PostgreSQL when ``STUDIO_TEST_DATABASE_URL`` is set: the store itself, queue
claims, concurrency, JSON columns and migrations, i.e. what differs between the two engines.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from studio.config import Settings
from studio.context import Studio
from studio.db import dispose_engine

if TYPE_CHECKING:
    from tests.stores import StoreCopy, Template

PG_URL = os.environ.get("STUDIO_TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])
ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """``backend`` is 'sqlite', plus 'postgresql' for tests marked ``database``."""
    if "backend" in metafunc.fixturenames:
        marked = metafunc.definition.get_closest_marker("database") is not None
        metafunc.parametrize("backend", BACKENDS if marked else ["sqlite"], scope="session")


def pytest_sessionfinish(session: pytest.Session) -> None:
    """The controller (or a run without xdist) drops the session's template databases."""
    if PG_URL and not hasattr(session.config, "workerinput"):
        from tests.stores import drop_templates, shared_root

        factory = session.config._tmp_path_factory  # type: ignore[attr-defined]
        drop_templates(shared_root(factory), PG_URL)


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
    # English unless a test asks for Chinese: the machine's LANG must not change the pages.
    monkeypatch.setenv("STUDIO_LANGUAGE", "en")
    return home


def release_store(url: str) -> None:
    """Close every pooled connection this process holds on ``url`` (Studio's and Optuna's)."""
    from studio.autopilot import study

    dispose_engine(url)
    storage = study._storages.pop(url, None)
    if storage is not None:
        storage.engine.dispose()


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str, str], Template]:
    """``templates(recipe, backend)``: a prepared store (tests/stores.py), built once per
    session for all xdist workers."""
    from tests.stores import build_template, shared_root

    built: dict[tuple[str, str], Template] = {}

    def get(name: str, backend: str = "sqlite") -> Template:
        if (name, backend) not in built:
            root = shared_root(tmp_path_factory)
            built[name, backend] = build_template(name, backend, root, PG_URL)
        return built[name, backend]

    return get


@pytest.fixture
def prepared(
    templates: Callable[[str, str], Template], tmp_path: Path, request: pytest.FixtureRequest
) -> Callable[..., StoreCopy]:
    """``prepared(recipe, backend='sqlite')``: a private copy of a prepared store."""
    from tests.stores import copy_template

    def make(name: str, backend: str = "sqlite") -> StoreCopy:
        home = tmp_path / f"home-{name}-{uuid.uuid4().hex[:6]}"
        return copy_template(templates(name, backend), home, request)

    return make


@pytest.fixture
def finished_run(backend: str, prepared: Callable[..., StoreCopy]) -> tuple[Studio, int]:
    """A private copy of the prepared run of linear candidates on churn: (studio, run id).

    Linear models predict without OpenMP, so scoring in this process keeps it safe to fork."""
    copy = prepared("linear_churn", backend)
    return Studio.open(copy.settings), int(copy.info["run_id"])


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

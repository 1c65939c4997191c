"""Prepared stores: an expensive set-up (a finished autopilot run, a model in production) is built
once per test session and backend, shared by every pytest-xdist worker, and copied per test.

A recipe fills an empty store through the CLI (in this process; the autopilot itself runs in a
real ``studio worker`` process). The first worker that needs a recipe builds it under a file
lock in the session's shared temporary folder; the others wait and reuse it. A copy is a file
copy of the store's home for SQLite and ``CREATE DATABASE ... TEMPLATE`` for PostgreSQL.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from studio.config import Settings
from tests.autopilot.conftest import churn_like
from tests.cli import clean_env, run

Recipe = Callable[[dict[str, str], Path], dict]


def _ok(*args: str, env: dict[str, str]) -> str:
    done = run(*args, env=env)
    assert done.returncode == 0, (args, done.stdout, done.stderr)
    return done.stdout


def _churn_run(env: dict[str, str], work: Path, rows: int, *options: str) -> None:
    """churn (``rows`` rows) added, then one autopilot run on it with ``options``, analysed."""
    churn_like(rows).to_csv(work / "churn.csv", index=False)
    _ok("data", "add", str(work / "churn.csv"), env=env)
    _ok("autopilot", "run", "--dataset", "churn", "--target", "churn", *options, "--no-budget",
        "--wait-analysis", env=env)  # fmt: skip


def _linear_churn(env: dict[str, str], work: Path) -> dict:
    """churn (400 rows) and a finished run of linear candidates (6 trials, the top 3 refit)."""
    _churn_run(env, work, 400, "--max-trials", "6", "--top-k", "3", "--families", "linear")
    return {"run_id": 1}


def _mixed_churn(env: dict[str, str], work: Path) -> dict:
    """churn (400 rows) and a finished, analysed 10-trial run of gradient boosting, linear and
    random forest models (the top 3 refit)."""
    _churn_run(env, work, 400, "--max-trials", "10", "--top-k", "3",
               "--families", "hgb,linear,random_forest")  # fmt: skip
    return {"run_id": 1}


def _shipped_churn(env: dict[str, str], work: Path) -> dict:
    """churn (1,400 rows: 1,120 training rows, so the baseline takes the distance tests of
    references above 1,000 rows) and model 'churn' v1 in production."""
    _churn_run(env, work, 1400, "--max-trials", "3", "--families", "linear")
    _ok("models", "register", "--run", "1", "--name", "churn", env=env)
    _ok("models", "approve", "churn", "1", "--comment", "ok", env=env)
    _ok("models", "promote", "churn", "1", "--stage", "production", "--comment", "ship", env=env)
    return {"run_id": 1, "model": "churn"}


def _demo_cancer(env: dict[str, str], work: Path) -> dict:
    """The four demo datasets and a finished run on breast_cancer (linear and SVM, 4 trials),
    with the dataset exported to ``export.csv`` in the store's home."""
    _ok("demo", env=env)
    home = Path(env["STUDIO_HOME"])
    _ok("data", "export", "breast_cancer", "--out", str(home / "export.csv"), env=env)
    _ok("autopilot", "run", "--dataset", "breast_cancer", "--target", "diagnosis", "--families",
        "linear,svm", "--max-trials", "4", "--no-budget", "--wait-analysis", env=env)  # fmt: skip
    return {"run_id": 1, "export": "export.csv"}


IMG = "<img src=x onerror=alert(1)>"
FORMULA = '=HYPERLINK("http://x","y")'


def hostile_like(n: int = 400, seed: int = 0) -> pd.DataFrame:
    """churn whose names and values are hostile text: the target is named ``IMG`` and its
    classes are ``IMG`` and ``FORMULA``; the plan column is named ``FORMULA`` and holds
    formulas."""
    frame = churn_like(n, seed).rename(columns={"churn": IMG, "plan": FORMULA})
    frame[IMG] = frame[IMG].map({"Yes": IMG, "No": FORMULA})
    frame[FORMULA] = "=" + frame[FORMULA] + "()"
    return frame


def _hostile_churn(env: dict[str, str], work: Path) -> dict:
    """``hostile_like`` (400 rows) as dataset 'hostile', a finished run of linear candidates
    on it and model 'm' v1 with ``IMG`` as its description and ``FORMULA`` as a comment."""
    hostile_like(400).to_csv(work / "hostile.csv", index=False)
    _ok("data", "add", str(work / "hostile.csv"), env=env)
    _ok("autopilot", "run", "--dataset", "hostile", "--target", IMG, "--max-trials", "3",
        "--top-k", "2", "--families", "linear", "--no-budget", "--wait-analysis",
        env=env)  # fmt: skip
    _ok("models", "register", "--run", "1", "--name", "m", "--description", IMG, env=env)
    _ok("models", "approve", "m", "1", "--comment", FORMULA, env=env)
    return {"run_id": 1, "model": "m"}


RECIPES: dict[str, Recipe] = {
    "linear_churn": _linear_churn,
    "mixed_churn": _mixed_churn,
    "shipped_churn": _shipped_churn,
    "demo_cancer": _demo_cancer,
    "hostile_churn": _hostile_churn,
}


@dataclass(frozen=True)
class Template:
    """A built recipe: its backend, database URL, home folder and what the recipe returned."""

    backend: str
    url: str
    home: Path
    info: dict


def shared_root(factory: pytest.TempPathFactory) -> Path:
    """A folder every xdist worker of this session sees (the controller's base temp)."""
    base = factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def template_prefix(root: Path) -> str:
    """The prefix of this session's PostgreSQL template databases."""
    return f"studio_tpl_{hashlib.sha1(str(root).encode()).hexdigest()[:8]}_"


def build_template(name: str, backend: str, root: Path, pg_url: str | None) -> Template:
    """The recipe ``name`` on ``backend``, built once for the whole session (file-locked)."""
    if name not in RECIPES:
        raise KeyError(f"unknown store recipe {name!r}; known: {', '.join(RECIPES)}")
    folder = root / "prepared" / f"{name}-{backend}"
    folder.parent.mkdir(parents=True, exist_ok=True)
    with open(folder.parent / f"{name}-{backend}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = folder / "template.json"
        if not done.exists():
            _build(name, backend, folder, template_prefix(root) + name, pg_url)
        record = json.loads(done.read_text())
    return Template(backend, record["url"], Path(record["home"]), record["info"])


def _build(name: str, backend: str, folder: Path, database: str, pg_url: str | None) -> None:
    from tests.conftest import release_store

    if folder.exists():  # a build that failed half-way
        shutil.rmtree(folder)
    home = folder / "home"
    home.mkdir(parents=True)
    extra = {}
    if backend == "sqlite":
        url = f"sqlite:///{home / 'studio.db'}"
    else:
        assert pg_url, "PostgreSQL recipes need STUDIO_TEST_DATABASE_URL"
        _admin(pg_url, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        _admin(pg_url, f'CREATE DATABASE "{database}"')
        url = make_url(pg_url).set(database=database).render_as_string(hide_password=False)
        extra = {"STUDIO_DATABASE_URL": url}
    info = RECIPES[name](clean_env(home, **extra), folder)
    release_store(url)  # a template database must have no open connection
    record = {"url": url, "home": str(home), "info": info}
    (folder / "template.json").write_text(json.dumps(record))


def _admin(pg_url: str, sql: str) -> None:
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(sql))
    finally:
        admin.dispose()


def drop_templates(root: Path, pg_url: str) -> None:
    """Drop this session's template databases (called once, by the controller, at the end)."""
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            names = conn.execute(
                text("SELECT datname FROM pg_database WHERE datname LIKE :p"),
                {"p": template_prefix(root) + "%"},
            ).scalars()
            for name in list(names):
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@dataclass(frozen=True)
class StoreCopy:
    """A private copy of a template for one test."""

    backend: str
    url: str
    home: Path
    info: dict
    settings: Settings

    def env(self, user: str = "tester") -> dict[str, str]:
        """A process environment (CLI, app) that opens this copy as ``user``."""
        extra = {} if self.backend == "sqlite" else {"STUDIO_DATABASE_URL": self.url}
        return clean_env(self.home, user, **extra)

    def use(self, monkeypatch: pytest.MonkeyPatch, user: str = "tester") -> Settings:
        """Point this process's STUDIO_* settings at the copy (for AppTest); its settings."""
        from studio.config import load_settings

        env = self.env(user)
        for name in [n for n in os.environ if n.startswith("STUDIO_")]:
            monkeypatch.delenv(name)
        for name in [n for n in env if n.startswith("STUDIO_")]:
            monkeypatch.setenv(name, env[name])
        return load_settings()


def copy_template(template: Template, home: Path, request: pytest.FixtureRequest) -> StoreCopy:
    """A private copy of ``template`` with its home at ``home``; removed after the test."""
    from tests.conftest import PG_URL, make_settings, release_store

    shutil.copytree(template.home, home)
    if template.backend == "sqlite":
        url = f"sqlite:///{home / 'studio.db'}"
        request.addfinalizer(lambda: release_store(url))
    else:
        name = f"studio_t_{uuid.uuid4().hex[:12]}"
        source = make_url(template.url).database
        _admin(PG_URL, f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
        url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)

        def drop() -> None:
            release_store(url)
            _admin(PG_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        request.addfinalizer(drop)
    return StoreCopy(template.backend, url, home, template.info, make_settings(home, url))

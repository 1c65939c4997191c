"""Schema migrations: fresh stores, stores made before Alembic, newer stores, races and Optuna."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import optuna
import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Column, Integer, MetaData, create_engine, event, inspect, text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import SQLModel

from studio import tracking
from studio.activity import recent_activity
from studio.context import Studio
from studio.data.versions import list_datasets, list_versions
from studio.db import create_studio_engine, dispose_engine, migrate
from studio.db.migrate import VERSION_TABLE
from studio.errors import StorageError
from studio.registry import versions as registry
from tests.conftest import PG_URL, ROOT, fresh_database_url, make_settings

# The database decides how migrations lock and alter tables, so every test of a store runs on
# both engines (the suite's ``database`` marker, and a fixture of this module's own).
pytestmark = pytest.mark.database
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])
LEGACY_DUMP = Path(__file__).parent / "data" / "legacy_store_30049da.sql"
STUDIO_TABLES = set(SQLModel.metadata.tables)
OPTUNA_VERSION_TABLE = "alembic_version"


@pytest.fixture(params=BACKENDS)
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database on each configured backend (SQLite, and PostgreSQL when set)."""
    return fresh_database_url(request.param, tmp_path, request)


@pytest.fixture
def raw(request: pytest.FixtureRequest) -> Callable[[str], Engine]:
    """Plain SQLAlchemy engines (no Studio schema work), disposed after the test."""

    def make(url: str) -> Engine:
        engine = create_engine(url)
        request.addfinalizer(engine.dispose)
        return engine

    return make


def include_studio(name: str | None, type_: str, parent_names: dict) -> bool:
    """Compare Studio's tables only; Optuna's share the database."""
    return type_ != "table" or name in STUDIO_TABLES


def differences(engine: Engine, metadata: MetaData = SQLModel.metadata) -> list:
    """What Alembic's autogenerate would change to make the database match ``metadata``."""
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"include_name": include_studio, "compare_type": True}
        )
        return compare_metadata(context, metadata)


def version_rows(engine: Engine, table: str) -> list[str]:
    """The revisions recorded in a version table (empty when the table is missing)."""
    with engine.connect() as conn:
        if not inspect(conn).has_table(table):
            return []
        return list(conn.execute(text(f"SELECT version_num FROM {table}")).scalars())


def schema_snapshot(engine: Engine) -> dict[str, object]:
    """Every table with its columns and indexes, and every table's row count."""
    with engine.connect() as conn:
        inspector = inspect(conn)
        return {
            name: (
                [(c["name"], str(c["type"]), c["nullable"]) for c in inspector.get_columns(name)],
                sorted(i["name"] for i in inspector.get_indexes(name)),
                conn.execute(text(f'SELECT count(*) FROM "{name}"')).scalar(),
            )
            for name in sorted(inspector.get_table_names())
        }


@contextmanager
def statements() -> Iterator[list[str]]:
    """Collect the SQL every engine in this process executes inside the block."""
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001
        seen.append(" ".join(statement.split()))

    event.listen(Engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", record)


OLD = {"created_at": datetime(2026, 1, 1, tzinfo=UTC), "created_by": "old"}
# Rows of a store from before monitoring settings and drift granularities (columns with defaults).
OLD_ROWS = [
    ("dataset", {"id": 1, "name": "d"} | OLD),
    ("dataset_version", {
        "id": 1, "dataset_id": 1, "version": 1, "sha256": "s", "source_name": "d.csv",
        "file_format": "csv", "rows": 1, "columns": 1, "size_bytes": 1, "artifact": "a",
        "artifact_sha256": "h", "ingest": {}, "profile": {},
    } | OLD),
    ("model_version", {"id": 1, "model_name": "m", "version": 1, "dataset_version_id": 1} | OLD),
    ("drift_result", {
        "id": 1, "model_version_id": 1, "at": OLD["created_at"], "actor": "old", "window": "all",
    }),
    ("run", {
        "id": 1, "dataset_version_id": 1, "target": "y", "task": "binary", "status": "finished",
        "config": {}, "message": "done", "best_history": [],
    } | OLD),
    ("candidate", {
        "id": 1, "run_id": 1, "name": "lr-1", "rank": 1, "family": "lr", "params": {},
        "cv_score": 0.9, "cv_std": 0.1, "holdout": {}, "fit_seconds": 1.0,
        "predict_ms_per_1k": 1.0, "size_bytes": 1, "artifact": "a", "artifact_sha256": "h",
        "created_at": OLD["created_at"],
    }),
]  # fmt: skip
# A non-additive change: rename a column (on SQLite a rebuild: copy, drop, rename the table).
RENAME_IN_BATCH = """with op.batch_alter_table("run") as batch:
    batch.alter_column("message", new_column_name="summary")"""


def load_legacy_store(tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A SQLite store made by Studio at commit 30049da (before Alembic), loaded from its dump."""
    url = fresh_database_url("sqlite", tmp_path, request)
    conn = sqlite3.connect(make_url(url).database)
    conn.executescript(LEGACY_DUMP.read_text(encoding="utf-8"))
    conn.close()
    return url


def open_studio(url: str, tmp_path: Path) -> Studio:
    """A Studio on ``url`` with its own home folder."""
    return Studio.open(make_settings(tmp_path / f"home-{uuid.uuid4().hex[:6]}", url))


def child_env() -> dict[str, str]:
    """The environment for a child Python: today's checkout first on the path."""
    return os.environ | {"PYTHONPATH": str(ROOT)}


OPEN_STORE = """
import sys, time
from pathlib import Path
from studio.db import create_studio_engine
from studio.db.migrate import VERSION_TABLE
from sqlalchemy import text
url, ready, go = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
ready.touch()
while not go.exists():
    time.sleep(0.002)
engine = create_studio_engine(url)
with engine.connect() as conn:
    print(conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar_one())
"""


def start_opener(url: str, tmp_path: Path, go: Path) -> tuple[subprocess.Popen, Path]:
    """A child process that opens ``url`` with today's code once ``go`` exists."""
    ready = tmp_path / f"ready-{uuid.uuid4().hex[:6]}"
    child = subprocess.Popen(
        [sys.executable, "-c", OPEN_STORE, url, str(ready), str(go)],
        cwd=ROOT, env=child_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    return child, ready


def wait_for(paths: list[Path], children: list[subprocess.Popen]) -> None:
    """Wait until every child has touched its ready file (or fail if one died)."""
    deadline = time.monotonic() + 60
    while not all(p.exists() for p in paths):
        dead = [c for c in children if c.poll() is not None]
        assert not dead, dead[0].stderr.read()
        assert time.monotonic() < deadline, "the child processes did not start"
        time.sleep(0.01)


# --- fresh stores --------------------------------------------------------------------------


def test_a_fresh_store_is_built_at_head_and_matches_the_models(
    url: str, raw: Callable[[str], Engine]
) -> None:
    """An empty database gets every model table through the revisions, at head, no drift."""
    engine = create_studio_engine(url)
    engine.dispose()
    check = raw(url)
    assert version_rows(check, VERSION_TABLE) == [migrate.head_revision()]
    assert set(inspect(check).get_table_names()) >= STUDIO_TABLES
    assert differences(check) == []


def test_the_agreement_check_notices_a_model_without_a_revision(
    url: str, raw: Callable[[str], Engine]
) -> None:
    """A column added to a model but not to a revision shows up as a difference."""
    create_studio_engine(url).dispose()
    changed = MetaData()
    for table in SQLModel.metadata.sorted_tables:
        table.to_metadata(changed)
    changed.tables["run"].append_column(Column("priority", Integer, nullable=True))
    found = differences(raw(url), changed)
    assert [(d[0], d[2], d[3].name) for d in found] == [("add_column", "run", "priority")]


def test_the_revisions_have_one_head() -> None:
    """Revisions form one line from the baseline (a branch needs a merge revision)."""
    scripts = migrate._scripts()
    assert len(scripts.get_heads()) == 1
    assert [r.revision for r in scripts.walk_revisions()][-1] == migrate.BASELINE_REVISION


def test_the_baseline_revision_builds_the_schema_main_created(
    tmp_path: Path, request: pytest.FixtureRequest, raw: Callable[[str], Engine]
) -> None:
    """Revision 0001 emits the very DDL Studio at 30049da wrote into its SQLite stores."""
    legacy = raw(load_legacy_store(tmp_path, request))
    fresh = raw(fresh_database_url("sqlite", tmp_path, request))
    with migrate.migration_connection(fresh) as conn:
        command.upgrade(migrate.alembic_config(conn), migrate.BASELINE_REVISION)
    query = f"SELECT type, name, sql FROM sqlite_master WHERE tbl_name != '{VERSION_TABLE}'"
    with legacy.connect() as a, fresh.connect() as b:
        assert sorted(a.exec_driver_sql(query).all()) == sorted(b.exec_driver_sql(query).all())


def test_an_open_store_at_head_costs_one_query(url: str) -> None:
    """Opening a store whose version table is at head reads that table once and does nothing."""
    create_studio_engine(url).dispose()
    with statements() as seen:
        engine = create_studio_engine(url)
    engine.dispose()
    assert seen == [f"SELECT version_num FROM {VERSION_TABLE}"]


# --- stores made before Alembic -----------------------------------------------------------


# Columns the revisions after the baseline add: (table, column, type, nullable).
LATER_COLUMNS = [
    ("candidate", "round", "INTEGER", False),
    ("model_version", "training", "JSON", True),  # 0003
    ("retrain", "held_back", "VARCHAR(20)", False),  # 0003
    ("retrain", "held_back_note", "VARCHAR(500)", False),  # 0003
    ("candidate", "oof_thresholds", "JSON", True),  # 0005
    ("model_version", "decision_threshold", "FLOAT", True),  # 0005
    ("candidate", "all_rows_artifact", "VARCHAR(255)", True),  # 0008
    ("candidate", "all_rows_sha256", "VARCHAR(64)", True),  # 0008
]
# Tables the revisions after the baseline add (empty in an upgraded legacy store).
LATER_TABLES = [
    "model_traffic",  # 0004
    "serving_window",  # 0006
    *("monitor_schedule", "monitor_check", "alert_channel", "alert_rule"),  # 0007
    *("alert", "alert_event", "alert_delivery"),  # 0007
]


def with_later_columns(snapshot: dict[str, object]) -> dict[str, object]:
    """``snapshot`` (of a baseline store) as it looks once every later revision has run."""
    out = dict(snapshot)
    for table, name, kind, nullable in LATER_COLUMNS:
        columns, indexes, rows = out[table]  # type: ignore[misc]
        out[table] = ([*columns, (name, kind, nullable)], indexes, rows)
    return out


def test_a_store_made_by_main_30049da_is_adopted_and_keeps_every_row(
    tmp_path: Path, request: pytest.FixtureRequest, raw: Callable[[str], Engine]
) -> None:
    """The legacy store is stamped and upgraded to head; its rows read back through the core."""
    url = load_legacy_store(tmp_path, request)
    before = schema_snapshot(raw(url))
    studio = open_studio(url, tmp_path)
    check = raw(url)
    assert version_rows(check, VERSION_TABLE) == [migrate.head_revision()]
    assert differences(check) == []
    [dataset] = list_datasets(studio)
    assert (dataset.name, dataset.versions) == ("churn", 1)
    [version] = list_versions(studio, "churn")
    assert (version.rows, version.columns, version.created_by) == (40, 4, "legacy")
    run = tracking.get_run(studio, 1)
    assert (run.status, run.dataset, run.trials_done, run.best_score) == (
        "finished", "churn@1", 12, 0.91,
    )  # fmt: skip
    assert [(c.name, c.is_baseline) for c in run.leaderboard] == [
        ("lr-5", False), ("baseline", True),
    ]  # fmt: skip
    assert [e[2] for e in run.events] == ["trial 5 (lr) scored 0.910"]
    [model] = registry.list_versions(studio, "churn")
    assert (model.ref, model.stage, model.approval, model.metrics) == (
        "churn@1", "production", "approved", {"roc_auc": 0.91},
    )  # fmt: skip
    assert [e.action for e in registry.history(studio, "churn")] == [
        "stage", "approval", "registered",
    ]  # fmt: skip
    assert [e.kind for e in recent_activity(studio)] == ["dataset.version_added"]
    after = schema_snapshot(check)
    assert all(after[t][2] == 0 for t in LATER_TABLES)  # type: ignore[index]
    kept = {k: v for k, v in after.items() if k != VERSION_TABLE and k not in LATER_TABLES}
    assert kept == with_later_columns(before)
    assert [c.round for c in run.leaderboard] == [1, 1]  # 0002: earlier candidates are round 1

    dispose_engine(url)
    with statements() as seen:
        open_studio(url, tmp_path)
    assert seen == [f"SELECT version_num FROM {VERSION_TABLE}"]
    assert schema_snapshot(check) == after


def test_an_older_store_gains_the_tables_and_columns_it_lacks(
    url: str, raw: Callable[[str], Engine]
) -> None:
    """Adoption adds what older Studios lacked, filled with defaults, NOT NULL as the models."""
    engine = raw(url)
    migrate.BASELINE.create_all(engine)
    with engine.begin() as conn:
        for table, row in OLD_ROWS:
            conn.execute(migrate.BASELINE.tables[table].insert(), row)
        conn.execute(text("ALTER TABLE model_version DROP COLUMN reference_sha256"))
        conn.execute(text("ALTER TABLE drift_result DROP COLUMN granularity"))
        conn.execute(text("DROP TABLE monitor_config"))

    create_studio_engine(url).dispose()
    assert version_rows(engine, VERSION_TABLE) == [migrate.head_revision()]
    assert differences(engine) == []
    with engine.connect() as conn:
        assert conn.execute(text("SELECT reference_sha256 FROM model_version")).all() == [("",)]
        assert conn.execute(text("SELECT granularity FROM drift_result")).all() == [("batch",)]
        assert conn.execute(text("SELECT count(*) FROM monitor_config")).scalar() == 0


@pytest.fixture
def extra_revision(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[[str], None]]:
    """``extra_revision(body)``: Studio's revisions plus a ``0002_test`` whose upgrade is
    ``body``, in a copy of the migrations folder that the store opens with from then on."""
    scripts = tmp_path / "migrations"

    def add(body: str) -> None:
        shutil.copytree(
            migrate.MIGRATIONS_DIR, scripts, ignore=shutil.ignore_patterns("__pycache__")
        )
        head = migrate.head_revision()  # the test's revision comes after Studio's own
        source = f"from alembic import op\n\nrevision = '0002_test'\ndown_revision = '{head}'\n\n"
        source += "def upgrade():\n" + "".join(f"    {line}\n" for line in body.splitlines())
        (scripts / "versions" / "0002_test.py").write_text(source)
        monkeypatch.setattr(migrate, "MIGRATIONS_DIR", scripts)
        migrate._scripts.cache_clear()

    yield add
    migrate._scripts.cache_clear()


def store_at_baseline_with_rows(url: str, raw: Callable[[str], Engine]) -> Engine:
    """A store at Studio's head revision holding a dataset, a model version, a run and its
    candidate, written as the baseline's tables had them."""
    create_studio_engine(url).dispose()
    engine = raw(url)
    with engine.begin() as conn:
        for table, row in OLD_ROWS:
            conn.execute(migrate.BASELINE.tables[table].insert(), row)
    return engine


def test_an_older_revision_is_upgraded_by_a_table_rebuild_that_keeps_child_rows(
    url: str, raw: Callable[[str], Engine], extra_revision: Callable[[str], None]
) -> None:
    """A store runs a later revision that rebuilds ``run``; its cascading candidates
    survive (SQLite would delete them on the rebuild's DROP TABLE with foreign keys on)."""
    engine = store_at_baseline_with_rows(url, raw)
    extra_revision(RENAME_IN_BATCH)
    create_studio_engine(url).dispose()
    assert version_rows(engine, VERSION_TABLE) == ["0002_test"]
    with engine.connect() as conn:
        assert conn.execute(text("SELECT id, summary FROM run")).all() == [(1, "done")]
        assert conn.execute(text("SELECT run_id, name FROM candidate")).all() == [(1, "lr-1")]


def test_a_revision_that_orphans_rows_is_rolled_back(
    tmp_path: Path, request: pytest.FixtureRequest, raw: Callable[[str], Engine],
    extra_revision: Callable[[str], None],
) -> None:  # fmt: skip
    """On SQLite (foreign keys off while migrating) a revision leaving dangling references
    fails with a StorageError and the store stays at its old revision with its rows."""
    url = fresh_database_url("sqlite", tmp_path, request)
    engine = store_at_baseline_with_rows(url, raw)
    old = version_rows(engine, VERSION_TABLE)
    extra_revision('op.execute("DELETE FROM run")')
    with pytest.raises(StorageError, match="row 1 of candidate pointing at a missing run"):
        create_studio_engine(url)
    assert version_rows(engine, VERSION_TABLE) == old
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM run")).scalar() == 1


# --- newer stores, failures -----------------------------------------------------------------


def test_a_store_made_by_a_newer_studio_is_refused(
    url: str, raw: Callable[[str], Engine], tmp_path: Path
) -> None:
    """An unknown revision in the version table is a StorageError saying to upgrade Studio."""
    create_studio_engine(url).dispose()
    with raw(url).begin() as conn:
        conn.execute(text(f"UPDATE {VERSION_TABLE} SET version_num = '0999'"))
    expected = "This store was made by a newer Studio (schema 0999); upgrade Studio."
    with pytest.raises(StorageError) as caught:
        open_studio(url, tmp_path)
    assert str(caught.value) == expected


def test_an_unreachable_database_is_a_storage_error(tmp_path: Path) -> None:
    """A database that cannot be opened (here a folder) raises StorageError, as before."""
    with pytest.raises(StorageError, match="Cannot open the database"):
        create_studio_engine(f"sqlite:///{tmp_path}")


def test_a_failed_migration_leaves_the_store_untouched(
    url: str, raw: Callable[[str], Engine], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The revisions run in one transaction: a failure after them leaves no table behind."""
    real = command.upgrade

    def upgrade_then_fail(config, revision):  # noqa: ANN001, ANN202
        real(config, revision)
        raise RuntimeError("power cut")

    monkeypatch.setattr(migrate.command, "upgrade", upgrade_then_fail)
    with pytest.raises(RuntimeError, match="power cut"):
        create_studio_engine(url)
    left = set(inspect(raw(url)).get_table_names())
    assert left & (STUDIO_TABLES | {VERSION_TABLE}) == set()


# --- several processes ------------------------------------------------------------------------


def test_two_processes_opening_a_fresh_store_at_once_both_succeed(
    url: str, tmp_path: Path, raw: Callable[[str], Engine]
) -> None:
    """Two processes released together on an empty database both end with it at head."""
    go = tmp_path / "go"
    started = [start_opener(url, tmp_path, go) for _ in range(2)]
    children = [child for child, _ in started]
    wait_for([ready for _, ready in started], children)
    go.touch()
    for child in children:
        out, err = child.communicate(timeout=120)
        assert child.returncode == 0, err
        assert out.strip() == migrate.head_revision()
    assert version_rows(raw(url), VERSION_TABLE) == [migrate.head_revision()]
    assert differences(raw(url)) == []


def test_opening_a_fresh_sqlite_store_waits_for_another_writer(tmp_path: Path) -> None:
    """A writer holding the fresh file in rollback mode (another Studio creating the same store)
    makes SQLite refuse the WAL switch at once, without its busy handler; the opener waits for it
    to commit and then opens the store at head instead of failing with "database is locked"."""
    path = tmp_path / "studio.db"
    writer = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    writer.execute("CREATE TABLE other_writer (x INTEGER)")
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO other_writer VALUES (1)")
    release = threading.Timer(0.5, lambda: writer.execute("COMMIT"))
    release.start()
    try:
        engine = create_studio_engine(f"sqlite:///{path}")
    finally:
        release.join()
        writer.close()
    try:
        assert version_rows(engine, VERSION_TABLE) == [migrate.head_revision()]
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    finally:
        engine.dispose()


def test_a_process_waits_while_another_migrates(
    url: str, tmp_path: Path, raw: Callable[[str], Engine]
) -> None:
    """While one connection holds the migration lock, another opener waits, then succeeds."""
    engine = raw(url)
    go = tmp_path / "go"
    go.touch()
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA journal_mode=WAL")
    with migrate.migration_connection(engine):
        child, _ = start_opener(url, tmp_path, go)
        time.sleep(2.5)
        assert child.poll() is None, child.stderr.read()
    out, err = child.communicate(timeout=120)
    assert child.returncode == 0, err
    assert out.strip() == migrate.head_revision()


# --- Optuna on the same database ----------------------------------------------------------


def optuna_state(engine: Engine) -> dict[str, object]:
    """Optuna's side of the database: its tables (columns, indexes, rows) and version rows."""
    mine = STUDIO_TABLES | {VERSION_TABLE}
    tables = {k: v for k, v in schema_snapshot(engine).items() if k not in mine}
    return tables | {"versions": version_rows(engine, OPTUNA_VERSION_TABLE)}


@pytest.mark.parametrize("first", ["optuna", "studio"])
def test_optuna_keeps_its_own_version_table_and_tables(
    first: str, url: str, raw: Callable[[str], Engine]
) -> None:
    """Studio never writes Optuna's alembic_version or tables, whichever opens the store first."""
    engine = raw(url)
    if first == "studio":
        create_studio_engine(url).dispose()
        assert not inspect(engine).has_table(OPTUNA_VERSION_TABLE)
    storage = optuna.storages.RDBStorage(url)
    study = optuna.create_study(storage=storage, study_name="shared")
    study.optimize(lambda trial: trial.suggest_float("x", 0, 1), n_trials=2)
    before = optuna_state(engine)
    assert before["versions"] and not set(before) & STUDIO_TABLES
    create_studio_engine(url).dispose()
    assert optuna_state(engine) == before
    assert version_rows(engine, VERSION_TABLE) == [migrate.head_revision()]
    assert differences(engine) == []
    assert len(optuna.load_study(study_name="shared", storage=storage).trials) == 2
    storage.engine.dispose()


# --- the developer command line -----------------------------------------------------------


def test_the_developer_command_line_sees_no_pending_change(url: str) -> None:
    """``python -m studio.db.migrations check`` on a store at head finds nothing to generate."""
    create_studio_engine(url).dispose()
    env = child_env() | {"STUDIO_DATABASE_URL": url}
    for args, expected in [
        (["current"], f"{migrate.head_revision()} (head)"),
        (["check"], "No new upgrade operations detected."),
    ]:
        done = subprocess.run(
            [sys.executable, "-m", "studio.db.migrations", *args],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert expected in done.stdout + done.stderr

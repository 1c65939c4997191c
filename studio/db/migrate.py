"""Schema migrations: Alembic revisions under ``studio/db/migrations``, applied when a store opens.

Optuna keeps its trials in the same database and runs Alembic too, with the default
``alembic_version`` table. Studio's revisions record themselves in their own table,
``studio_schema_version``, and only ever touch Studio's tables (those of ``studio.db.models``);
autogenerate compares those tables only.

Opening a store (:func:`upgrade_schema`, called by ``create_studio_engine``):

- at head: one query reads the version table, nothing else happens;
- empty, or holding only Optuna's tables: ``upgrade head`` from the baseline revision ``0001``,
  so a fresh store is built by the same revisions that upgrade an old one;
- made before Alembic (Studio's tables, no version table): adopted by the additive upgrade
  Studio used to run on every start (:func:`adopt_legacy_schema`), stamped at ``0001``, then
  upgraded to head;
- at an older revision: upgraded to head;
- at a revision this code does not know: ``StorageError`` (a newer Studio made it).

Processes that open one fresh store at once (the app and several workers in team mode) take
turns: the migration runs in one transaction that first takes a lock, ``pg_advisory_xact_lock``
on PostgreSQL and ``BEGIN IMMEDIATE`` on SQLite. The one that waited finds the store at head.

Adding a revision (developers): change ``studio/db/models.py``, then, against a scratch store::

    export STUDIO_DATABASE_URL=sqlite:///scratch.db
    python -m studio.db.migrations upgrade head
    python -m studio.db.migrations revision --autogenerate --rev-id 0002 -m "what changed"

``python -m studio.db.migrations`` is the ``alembic`` command line with :func:`alembic_config`
instead of an ``alembic.ini``; every command works (``current``, ``history``, ``check``,
``downgrade -1``, ``upgrade head --sql``), and ``revision`` runs ruff on the file it writes.
Plain ``alembic -c my.ini ...`` works too, with an ini of two lines: ``[alembic]`` and
``script_location = studio/db/migrations``. Review what autogenerate writes: it sees a rename as
a drop plus an add, and SQLite alters columns only inside ``op.batch_alter_table`` (which the
environment renders; the table is rebuilt with foreign keys off, so cascades do not fire).
Number revisions ``0002``, ``0003``, ...; never edit a released revision or
``migrations/baseline.py``. ``tests/core/test_migrations.py`` fails while the models and the
revisions disagree.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Column, inspect, literal, text
from sqlalchemy.engine import Connection, Dialect, Engine
from sqlalchemy.exc import DBAPIError

from studio.db.migrations.baseline import BASELINE
from studio.errors import StorageError

log = logging.getLogger(__name__)

VERSION_TABLE = "studio_schema_version"
BASELINE_REVISION = "0001"
MIGRATIONS_DIR = Path(__file__).with_name("migrations")
# Key of the PostgreSQL advisory lock held while Studio migrates ("STUDIO" in ASCII).
PG_LOCK_KEY = 0x53_54_55_44_49_4F
_TOKEN = "REVISION_SCRIPT_FILENAME"  # Alembic puts the new revision's path here


def alembic_config(connection: Connection | None = None, **options: Any) -> Config:
    """Alembic's configuration for Studio's revisions, built in code (no ``alembic.ini``).

    With ``connection``, ``env.py`` runs the revisions on it (inside the caller's transaction);
    without, it opens ``STUDIO_DATABASE_URL`` itself. ``options`` go to ``Config`` (``cmd_opts``
    from the command line).
    """
    config = Config(attributes={"connection": connection} if connection else {}, **options)
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    # ``revision`` tidies the file it writes with the project's ruff (the test extra).
    config.set_section_option("post_write_hooks", "hooks", "fix format")
    for hook, ruff in (("fix", "check --fix --quiet"), ("format", "format --quiet")):
        config.set_section_option("post_write_hooks", f"{hook}.type", "module")
        config.set_section_option("post_write_hooks", f"{hook}.module", "ruff")
        config.set_section_option("post_write_hooks", f"{hook}.options", f"{ruff} {_TOKEN}")
    return config


@cache
def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    """The newest revision this code knows (one head; a branched history is a bug)."""
    head = _scripts().get_current_head()
    assert head is not None, "studio/db/migrations/versions holds no revision"
    return head


def schema_revision(connection: Connection) -> str | None:
    """The revision recorded in Studio's version table; None when it is missing or empty."""
    context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
    return context.get_current_revision()


def _recorded_revision(engine: Engine) -> str | None:
    """The one-query check: the version table's revision, or None when it cannot be read."""
    with engine.connect() as conn:
        try:
            found = conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars()
            revisions = found.all()
        except DBAPIError:  # no version table yet: the locked path looks closer
            return None
    return revisions[0] if len(revisions) == 1 else None


@contextmanager
def migration_connection(engine: Engine) -> Iterator[Connection]:
    """A connection inside one transaction that holds Studio's migration lock.

    PostgreSQL: ``pg_advisory_xact_lock`` (released at commit or rollback). SQLite: foreign keys
    off (a table rebuild must not cascade; switched back on before the connection goes back to
    the pool), then ``BEGIN IMMEDIATE``: other writers wait, up to the busy timeout. Commits when
    the block succeeds, rolls back when it raises.
    """
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        try:
            if sqlite:
                conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            elif conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_LOCK_KEY})
            yield conn
            conn.commit()
        except BaseException:
            conn.rollback()
            raise
        finally:
            if sqlite:
                conn.exec_driver_sql("PRAGMA foreign_keys=ON")


def check_foreign_keys(connection: Connection) -> None:
    """After revisions ran on SQLite with foreign keys off: raise ``StorageError`` if any row
    now points at a missing parent (``PRAGMA foreign_key_check``). PostgreSQL checks itself."""
    if connection.dialect.name != "sqlite":
        return
    dangling = connection.exec_driver_sql("PRAGMA foreign_key_check").first()
    if dangling is not None:
        table, rowid, parent, _ = dangling
        raise StorageError(
            f"A schema migration left row {rowid} of {table} pointing at a missing {parent}."
        )


def _fill_value(column: Column) -> object:
    """What a column added to existing rows holds: its server default, else a plain default."""
    if column.server_default is not None:
        return getattr(column.server_default, "arg", None)
    if column.default is not None and column.default.is_scalar:
        return column.default.arg
    return None


def _add_column_sql(dialect: Dialect, table: str, column: Column) -> str:
    preparer = dialect.identifier_preparer
    kind = column.type.compile(dialect=dialect)
    sql = f"ALTER TABLE {preparer.quote(table)} ADD COLUMN {preparer.quote(column.name)} {kind}"
    fill = _fill_value(column)
    if fill is not None:
        value = literal(fill).compile(dialect=dialect, compile_kwargs={"literal_binds": True})
        sql += f" DEFAULT {value}" + ("" if column.nullable else " NOT NULL")
    return sql


def adopt_legacy_schema(connection: Connection) -> list[str]:
    """Bring a store made before Alembic to the baseline's tables, columns and indexes.

    The additive upgrade Studio ran on every start until then, now against the frozen baseline
    (``migrations/baseline.py``): missing tables are created, missing columns added (filled with
    their default, NOT NULL when the baseline says so and a default exists) and missing indexes
    created. Runs on ``connection`` in the caller's transaction. Returns what was added
    (``table`` or ``table.column``).
    """
    inspector = inspect(connection)
    existing = set(inspector.get_table_names())
    added: list[str] = []
    for table in BASELINE.sorted_tables:
        if table.name not in existing:
            table.create(connection)
            added.append(table.name)
            continue
        have = {c["name"] for c in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name not in have:
                connection.execute(text(_add_column_sql(connection.dialect, table.name, column)))
                added.append(f"{table.name}.{column.name}")
        for index in table.indexes:
            index.create(connection, checkfirst=True)
    if added:
        log.warning("adopted a store made before Alembic: added %s", ", ".join(added))
    return added


def _known_or_raise(revision: str) -> None:
    try:
        _scripts().get_revision(revision)
    except CommandError as exc:
        raise StorageError(
            f"This store was made by a newer Studio (schema {revision}); upgrade Studio."
        ) from exc


def upgrade_schema(engine: Engine) -> str:
    """Bring the store behind ``engine`` to the head revision; returns the head.

    One query when the store is already at head; otherwise adopts, stamps and upgrades under
    the migration lock (see the module docstring). Raises ``StorageError`` when the store is at a
    revision this code does not know; driver errors (an unreachable database) propagate.
    """
    head = head_revision()
    if _recorded_revision(engine) == head:
        return head
    with migration_connection(engine) as conn:
        current = schema_revision(conn)
        if current is None and set(inspect(conn).get_table_names()) & set(BASELINE.tables):
            adopt_legacy_schema(conn)
            command.stamp(alembic_config(conn), BASELINE_REVISION)
            log.info("stamped a store made before Alembic at %s", BASELINE_REVISION)
            current = BASELINE_REVISION
        if current == head:
            return head
        if current is not None:
            _known_or_raise(current)
        command.upgrade(alembic_config(conn), "head")
        log.info("upgraded the store's schema from %s to %s", current or "nothing", head)
    return head

"""Alembic's environment for Studio's revisions (see ``studio.db.migrate``).

Runs on the connection ``studio.db.migrate`` hands over in ``config.attributes``; run from the
command line, it opens ``sqlalchemy.url`` (or Studio's configured store) under the migration
lock. Studio's own version table; only Studio's tables are compared or touched.
"""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy import create_engine
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel
from sqlmodel.sql.sqltypes import AutoString

from studio.config import load_settings
from studio.db import models  # noqa: F401  (registers the tables on SQLModel.metadata)
from studio.db.migrate import VERSION_TABLE, check_foreign_keys, migration_connection

config = context.config


def include_name(name: str | None, type_: str, parent_names: dict[str, Any]) -> bool:
    """Autogenerate sees Studio's tables only, never Optuna's (which share the database)."""
    return type_ != "table" or name in SQLModel.metadata.tables


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    """Write SQLModel's column types as plain SQLAlchemy types in new revisions."""
    if type_ == "type" and isinstance(obj, AutoString):
        return f"sa.String(length={obj.length})"
    if type_ == "type" and type(obj).__name__ == "UTCDateTime":
        return "sa.DateTime(timezone=True)"
    return False


OPTIONS: dict[str, Any] = {
    "target_metadata": SQLModel.metadata,
    "version_table": VERSION_TABLE,
    "include_name": include_name,
    "render_item": render_item,
    "render_as_batch": True,
    "compare_type": True,
}


def database_url() -> str:
    """``sqlalchemy.url`` from the config, else the store Studio's settings name."""
    return config.get_main_option("sqlalchemy.url") or load_settings().database_url


def run(connection: Connection) -> None:
    """Run the revisions on ``connection`` (inside its transaction, when it has one), then check
    that no row lost its parent (SQLite migrates with foreign keys off)."""
    context.configure(connection=connection, **OPTIONS)
    with context.begin_transaction():
        context.run_migrations()
    check_foreign_keys(connection)


if context.is_offline_mode():
    context.configure(url=database_url(), literal_binds=True, **OPTIONS)
    with context.begin_transaction():
        context.run_migrations()
elif config.attributes.get("connection") is not None:
    run(config.attributes["connection"])
else:
    engine = create_engine(database_url())
    try:
        with migration_connection(engine) as conn:
            run(conn)
    finally:
        engine.dispose()

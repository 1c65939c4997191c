"""Additive schema upgrades: columns and indexes added to Studio's tables since a store was made.

``create_all`` creates missing tables but never alters an existing one. Every column Studio adds
to an existing table is nullable or has a server default, so adding it is one
``ALTER TABLE ... ADD COLUMN`` that any older store accepts. Renames and removals would need a
real migration tool (Alembic); none has been needed yet.
"""

from __future__ import annotations

import logging

from sqlalchemy import Column, inspect, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import SQLModel

log = logging.getLogger(__name__)


def _add_column_sql(engine: Engine, table: str, column: Column) -> str:
    preparer = engine.dialect.identifier_preparer
    kind = column.type.compile(dialect=engine.dialect)
    sql = f"ALTER TABLE {preparer.quote(table)} ADD COLUMN {preparer.quote(column.name)} {kind}"
    default = column.server_default
    if default is not None:
        sql += f" DEFAULT '{default.arg}'" if isinstance(default.arg, str) else ""
    return sql


def upgrade_schema(engine: Engine) -> list[str]:
    """Add the columns and indexes the models have and the database lacks; returns what was
    added (``table.column`` or ``index``)."""
    inspector = inspect(engine)
    existing = set(inspector.get_table_names())
    added: list[str] = []
    for table in SQLModel.metadata.sorted_tables:
        if table.name not in existing:
            continue
        have = {c["name"] for c in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name in have:
                continue
            try:
                with engine.begin() as conn:
                    conn.execute(text(_add_column_sql(engine, table.name, column)))
                added.append(f"{table.name}.{column.name}")
            except DBAPIError:  # another process added it first
                log.info("column %s.%s already added", table.name, column.name)
        for index in table.indexes:
            index.create(engine, checkfirst=True)
    if added:
        log.warning("upgraded the store's schema: added %s", ", ".join(added))
    return added

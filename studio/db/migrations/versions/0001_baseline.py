"""Baseline: Studio's tables as they stood when Studio moved to Alembic (commit 30049da).

Revision ID: 0001
Revises:
Create Date: 2026-12-01

A store made before Alembic is adopted (brought to these tables) and stamped here instead of
running this revision; see ``studio.db.migrate``.
"""

from __future__ import annotations

from alembic import op
from sqlalchemy.schema import CreateIndex, CreateTable

from studio.db.migrations.baseline import BASELINE

# revision identifiers, used by Alembic.
revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Create the baseline tables and their indexes (the DDL ``create_all`` emitted)."""
    for table in BASELINE.sorted_tables:
        op.execute(CreateTable(table))
        for index in sorted(table.indexes, key=lambda index: index.name or ""):
            op.execute(CreateIndex(index))


def downgrade() -> None:
    """Drop every Studio table (Optuna's tables are not Studio's and stay)."""
    for table in reversed(BASELINE.sorted_tables):
        op.drop_table(table.name)

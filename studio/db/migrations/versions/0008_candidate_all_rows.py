"""Candidates may hold their fit on all rows (training + holdout), made by the run.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03

A run fits its leading candidate on every labelled row within its budget (FLAML's
``retrain_full``); registering that candidate then uses the file instead of fitting again.
Existing candidates have none (NULL): registering them with "refit on all rows" fits then.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Add ``candidate.all_rows_artifact`` and ``candidate.all_rows_sha256`` (NULL)."""
    with op.batch_alter_table("candidate", schema=None) as batch_op:
        batch_op.add_column(sa.Column("all_rows_artifact", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("all_rows_sha256", sa.String(length=64), nullable=True))


def downgrade() -> None:
    """Drop both columns."""
    with op.batch_alter_table("candidate", schema=None) as batch_op:
        batch_op.drop_column("all_rows_sha256")
        batch_op.drop_column("all_rows_artifact")

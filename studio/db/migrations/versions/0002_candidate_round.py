"""Candidates get the round (finalising session) that created them.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02

A resumed run used to delete its candidates and write new ones under the same names; now it
adds a new round and never rewrites one. Existing candidates are round 1.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Add ``candidate.round`` (1 for every existing candidate)."""
    with op.batch_alter_table("candidate", schema=None) as batch_op:
        batch_op.add_column(sa.Column("round", sa.Integer(), server_default="1", nullable=False))


def downgrade() -> None:
    """Drop ``candidate.round``."""
    with op.batch_alter_table("candidate", schema=None) as batch_op:
        batch_op.drop_column("round")

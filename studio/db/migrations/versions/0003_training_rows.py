"""Versions record the rows they were trained on; retrainings say how rows were held back.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02

A version registered with "refit on all rows" was fit on the holdout too, so
``model_version.training`` records which rows (scope, counts, the split recipe and a checksum
of the row numbers); existing versions get an empty record (their run's training rows).
``retrain.held_back`` is "random" (a seeded third, as before) or "latest" (the most recent
third by the run's time column), with the sentence shown.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Add ``model_version.training``, ``retrain.held_back`` and ``retrain.held_back_note``."""
    with op.batch_alter_table("model_version", schema=None) as batch_op:
        batch_op.add_column(sa.Column("training", sa.JSON(), nullable=True))
    with op.batch_alter_table("retrain", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("held_back", sa.String(length=20), server_default="random", nullable=False)
        )
        batch_op.add_column(
            sa.Column("held_back_note", sa.String(length=500), server_default="", nullable=False)
        )


def downgrade() -> None:
    """Drop the three columns."""
    with op.batch_alter_table("retrain", schema=None) as batch_op:
        batch_op.drop_column("held_back_note")
        batch_op.drop_column("held_back")
    with op.batch_alter_table("model_version", schema=None) as batch_op:
        batch_op.drop_column("training")

"""Candidates keep their out-of-fold threshold table; versions get a saved decision threshold.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02

A binary candidate's decision threshold is chosen on its out-of-fold outputs (kept as TP/FP/
FN/TN counts at 101 thresholds) and valued once on the holdout; an approver can save a threshold
on a model version, which then cuts its predictions. Existing rows have neither (NULL): their
value is chosen on the holdout as before, and their predictions cut at 0.5.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Add ``candidate.oof_thresholds`` and ``model_version.decision_threshold`` (NULL)."""
    with op.batch_alter_table("candidate", schema=None) as batch_op:
        batch_op.add_column(sa.Column("oof_thresholds", sa.JSON(), nullable=True))
    with op.batch_alter_table("model_version", schema=None) as batch_op:
        batch_op.add_column(sa.Column("decision_threshold", sa.Float(), nullable=True))


def downgrade() -> None:
    """Drop both columns."""
    with op.batch_alter_table("model_version", schema=None) as batch_op:
        batch_op.drop_column("decision_threshold")
    with op.batch_alter_table("candidate", schema=None) as batch_op:
        batch_op.drop_column("oof_thresholds")

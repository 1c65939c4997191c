"""What ``studio serve`` answered per version, source and log window (requests, errors,
latency).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02

A new table; stores served before it have live batches only (their requests and latency stay
readable from the batches' summaries).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Create ``serving_window``."""
    op.create_table(
        "serving_window",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("model_version_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("requests", sa.BigInteger(), nullable=False),
        sa.Column("client_errors", sa.BigInteger(), nullable=False),
        sa.Column("server_errors", sa.BigInteger(), nullable=False),
        sa.Column("latency_ms_p50", sa.Float(), nullable=True),
        sa.Column("latency_ms_p99", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(["model_version_id"], ["model_version.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_serving_window_model_version_id", "serving_window", ["model_version_id"])
    op.create_index("ix_serving_window_ended_at", "serving_window", ["ended_at"])


def downgrade() -> None:
    """Drop ``serving_window``."""
    op.drop_table("serving_window")

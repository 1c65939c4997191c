"""A model's live traffic split and shadow version (``studio models traffic``).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02

A new table; existing models have no row, so every request keeps going to production.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Create ``model_traffic``."""
    op.create_table(
        "model_traffic",
        sa.Column("model_name", sa.String(100), nullable=False),
        sa.Column("split", sa.JSON(), nullable=False),
        sa.Column("shadow", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("model_name"),
    )


def downgrade() -> None:
    """Drop ``model_traffic``."""
    op.drop_table("model_traffic")

"""Projection generations: the pointer to the live one; the existing tables are generation 1.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "projection_generations",
        sa.Column("generation", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("schema_name", sa.String(length=63), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("dropped_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("generation"),
        sa.UniqueConstraint("schema_name"),
    )
    op.create_table(
        "active_projection",
        sa.Column("singleton", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("switched_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint("singleton", name="active_projection_one_row"),
        sa.ForeignKeyConstraint(["generation"], ["projection_generations.generation"]),
        sa.PrimaryKeyConstraint("singleton"),
    )
    # The tables already in `public` stay where they are, with their data: they are generation 1.
    op.execute("INSERT INTO projection_generations (generation, schema_name) VALUES (1, 'public')")
    op.execute("INSERT INTO active_projection (generation) VALUES (1)")


def downgrade() -> None:
    op.drop_table("active_projection")
    op.drop_table("projection_generations")

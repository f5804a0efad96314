"""Withdrawn alerts: a retraction that takes back the situation an alert warned of withdraws it, and the
alert's row says when and by which retraction.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Generation 1's tables stay in `public` even once it is dropped (they are emptied instead).
_GENERATION_SCHEMAS = (
    "SELECT schema_name FROM projection_generations WHERE dropped_at IS NULL OR schema_name = 'public'"
)
_COLUMNS = (
    ("withdrawn_at", "timestamp with time zone"),
    ("withdrawn_by_source", "varchar(500)"),
    ("withdrawn_by_id", "uuid"),
)


def _projection_schemas() -> list[str]:
    """Every schema holding a `raised_alerts` table: `public` and each rebuilt generation still kept."""
    return list(op.get_bind().execute(sa.text(_GENERATION_SCHEMAS)).scalars())


# IF NOT EXISTS: a generation created by this version's code before the migration ran has them already.
def upgrade() -> None:
    for schema in _projection_schemas():
        for column, type_ in _COLUMNS:
            op.execute(
                f"ALTER TABLE IF EXISTS {schema}.raised_alerts ADD COLUMN IF NOT EXISTS {column} {type_}"
            )


def downgrade() -> None:
    for schema in _projection_schemas():
        for column, _ in _COLUMNS:
            op.execute(f"ALTER TABLE IF EXISTS {schema}.raised_alerts DROP COLUMN IF EXISTS {column}")

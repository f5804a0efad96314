"""Pathway snapshots: what each pathway's entries fold to, so that an event is assembled without reading
the whole timeline. Pathways stored before have none until their next event, which reads the timeline
once and stores it.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Generation 1's tables stay in `public` even once it is dropped (they are emptied instead).
_GENERATION_SCHEMAS = (
    "SELECT schema_name FROM projection_generations WHERE dropped_at IS NULL OR schema_name = 'public'"
)


def _projection_schemas() -> list[str]:
    """Every schema holding a `pathways` table: `public` and each rebuilt generation still kept."""
    return list(op.get_bind().execute(sa.text(_GENERATION_SCHEMAS)).scalars())


# IF NOT EXISTS: a generation created by this version's code before the migration ran has it already.
def upgrade() -> None:
    for schema in _projection_schemas():
        op.execute(f"ALTER TABLE {schema}.pathways ADD COLUMN IF NOT EXISTS snapshot jsonb")


def downgrade() -> None:
    for schema in _projection_schemas():
        op.execute(f"ALTER TABLE {schema}.pathways DROP COLUMN IF EXISTS snapshot")

"""Pathway state beside each timeline, retracted and late entries, raised alerts, registered organisations.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Entries stored before this revision carried catalogue v1 types, whose schema URI the type implies.
_DATASCHEMA_FROM_TYPE = (
    "'https://schemas.premiere-marche.fr/events/v1/' "
    "|| substr(event_type, length('fr.premiere-marche.') + 1) || '.json'"
)


def upgrade() -> None:
    op.add_column("pathways", sa.Column("stage", sa.String(length=32), nullable=True))
    op.add_column("pathways", sa.Column("next_session_on", sa.Date(), nullable=True))
    op.add_column(
        "pathways",
        sa.Column("state", postgresql.JSONB(), server_default=sa.text("'{}'::jsonb"), nullable=False),
    )
    op.add_column("pathways", sa.Column("recomputed_at", sa.DateTime(timezone=True), nullable=True))

    op.add_column("timeline_entries", sa.Column("dataschema", sa.String(length=512), nullable=True))
    op.execute(f"UPDATE timeline_entries SET dataschema = {_DATASCHEMA_FROM_TYPE}")  # noqa: S608
    op.alter_column("timeline_entries", "dataschema", nullable=False)
    op.add_column(
        "timeline_entries",
        sa.Column("arrived_late", sa.Boolean(), server_default=sa.text("false"), nullable=False),
    )
    op.add_column("timeline_entries", sa.Column("retracted_at", sa.DateTime(timezone=True), nullable=True))

    op.create_table(
        "raised_alerts",
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("alert_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("barrier_id", sa.String(length=64), nullable=True),
        sa.Column("triggered_by_source", sa.String(length=500), nullable=False),
        sa.Column("triggered_by_id", sa.Uuid(), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("person_id", "alert_id"),
    )
    op.create_table(
        "organisations",
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("may_emit", postgresql.ARRAY(sa.String(length=100)), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("organisation_id"),
    )


def downgrade() -> None:
    op.drop_table("organisations")
    op.drop_table("raised_alerts")
    op.drop_column("timeline_entries", "retracted_at")
    op.drop_column("timeline_entries", "arrived_late")
    op.drop_column("timeline_entries", "dataschema")
    op.drop_column("pathways", "recomputed_at")
    op.drop_column("pathways", "state")
    op.drop_column("pathways", "next_session_on")
    op.drop_column("pathways", "stage")

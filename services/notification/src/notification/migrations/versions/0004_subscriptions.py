"""Subscriptions: webhook endpoints belong to an organisation and name their event types, secrets rotate
with an overlap; e-mail recipients and opt-outs of each organisation.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("webhook_endpoints", sa.Column("organisation_id", sa.Uuid(), nullable=True))
    op.add_column(
        "webhook_endpoints",
        sa.Column("event_types", postgresql.ARRAY(sa.Text()), server_default=sa.text("'{}'"), nullable=False),
    )
    op.add_column(
        "webhook_endpoints",
        sa.Column("previous_secrets_valid_until", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("webhook_endpoints_organisation", "webhook_endpoints", ["organisation_id"], unique=False)
    op.create_table(
        "email_recipients",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("event_types", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "email_recipients_once_per_organisation",
        "email_recipients",
        ["organisation_id", "address"],
        unique=True,
        postgresql_where=sa.text("removed_at IS NULL"),
    )
    op.create_table(
        "opt_outs",
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("organisation_id", "kind", "value"),
    )


def downgrade() -> None:
    op.drop_table("opt_outs")
    op.drop_index("email_recipients_once_per_organisation", table_name="email_recipients")
    op.drop_table("email_recipients")
    op.drop_index("webhook_endpoints_organisation", table_name="webhook_endpoints")
    op.drop_column("webhook_endpoints", "previous_secrets_valid_until")
    op.drop_column("webhook_endpoints", "event_types")
    op.drop_column("webhook_endpoints", "organisation_id")

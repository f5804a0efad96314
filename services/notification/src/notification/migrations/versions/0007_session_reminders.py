"""Session reminders owed to persons, learnt from the timeline.

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


def upgrade() -> None:
    op.create_table(
        "session_reminders",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("referral_id", sa.Uuid(), nullable=False),
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("session_starts_on", sa.Date(), nullable=False),
        sa.Column("scheduled_by_source", sa.String(length=200), nullable=False),
        sa.Column("scheduled_by_event_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_outcome", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "session_reminders_due",
        "session_reminders",
        ["next_attempt_at"],
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.create_index("session_reminders_of_referral", "session_reminders", ["referral_id"])
    op.create_index("session_reminders_scheduled_by", "session_reminders", ["scheduled_by_event_id"])


def downgrade() -> None:
    op.drop_index("session_reminders_scheduled_by", table_name="session_reminders")
    op.drop_index("session_reminders_of_referral", table_name="session_reminders")
    op.drop_index("session_reminders_due", table_name="session_reminders")
    op.drop_table("session_reminders")

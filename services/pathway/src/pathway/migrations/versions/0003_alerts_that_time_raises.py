"""Alerts that time raises: when each pathway next needs looking at, and alerts without a trigger.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("pathways", sa.Column("next_alert_due_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index(
        "pathways_alert_due",
        "pathways",
        ["next_alert_due_at"],
        postgresql_where=sa.text("next_alert_due_at IS NOT NULL"),
    )
    op.add_column("raised_alerts", sa.Column("referral_id", sa.String(length=64), nullable=True))
    op.alter_column("raised_alerts", "triggered_by_source", nullable=True)
    op.alter_column("raised_alerts", "triggered_by_id", nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM raised_alerts WHERE triggered_by_id IS NULL")
    op.alter_column("raised_alerts", "triggered_by_id", nullable=False)
    op.alter_column("raised_alerts", "triggered_by_source", nullable=False)
    op.drop_column("raised_alerts", "referral_id")
    op.drop_index("pathways_alert_due", table_name="pathways")
    op.drop_column("pathways", "next_alert_due_at")

"""The access audit of caseworkers' reads, append-only; persons found by referral id.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_REFUSE_CHANGES = """
CREATE FUNCTION access_audit_refuses_changes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the access audit is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$
"""


def upgrade() -> None:
    op.create_table(
        "access_audit",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("roles", postgresql.ARRAY(sa.String(length=64)), nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("what", sa.String(length=32), nullable=False),
        sa.Column("granted", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("access_audit_by_person", "access_audit", ["person_id", "read_at"])
    op.execute(_REFUSE_CHANGES)
    op.execute(
        "CREATE TRIGGER access_audit_append_only BEFORE UPDATE OR DELETE ON access_audit "
        "FOR EACH ROW EXECUTE FUNCTION access_audit_refuses_changes()"
    )
    op.execute(
        "CREATE TRIGGER access_audit_never_truncated BEFORE TRUNCATE ON access_audit "
        "FOR EACH STATEMENT EXECUTE FUNCTION access_audit_refuses_changes()"
    )
    op.create_index("timeline_entries_by_referral", "timeline_entries", [sa.text("(data ->> 'referral_id')")])


def downgrade() -> None:
    op.drop_index("timeline_entries_by_referral", table_name="timeline_entries")
    op.drop_table("access_audit")
    op.execute("DROP FUNCTION access_audit_refuses_changes()")

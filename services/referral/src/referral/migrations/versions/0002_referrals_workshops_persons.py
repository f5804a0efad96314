"""Referrals with their history, persons, care teams, workshops, sessions, attendance, contact audit,
API keys and idempotency keys.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 02:21:31.138665
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "api_keys",
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("secret_sha256", sa.LargeBinary(length=32), nullable=False),
        sa.Column("scopes", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key_id"),
    )
    op.create_index("api_keys_organisation", "api_keys", ["organisation_id"], unique=False)
    op.create_table(
        "idempotency_keys",
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=255), nullable=False),
        sa.Column("request_fingerprint", sa.String(length=64), nullable=False),
        sa.Column("response_status", sa.SmallInteger(), nullable=True),
        sa.Column("response_body", sa.LargeBinary(), nullable=True),
        sa.Column("response_headers", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("organisation_id", "idempotency_key"),
    )
    op.create_index("idempotency_keys_created_at", "idempotency_keys", ["created_at"], unique=False)
    op.create_table(
        "organisations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("region", sa.String(length=63), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "persons",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("region", sa.String(length=63), nullable=False),
        sa.Column("given_names", sa.Text(), nullable=False),
        sa.Column("family_name", sa.Text(), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("duplicate_family_name", sa.Text(), nullable=False),
        sa.Column("duplicate_given_names", sa.Text(), nullable=False),
        sa.Column("phone", sa.Text(), nullable=True),
        sa.Column("email", sa.Text(), nullable=True),
        sa.Column("street", sa.Text(), nullable=True),
        sa.Column("postcode", sa.Text(), nullable=True),
        sa.Column("city", sa.Text(), nullable=True),
        sa.Column("address_complement", sa.Text(), nullable=True),
        sa.Column("contact_preference", sa.String(length=40), nullable=False),
        sa.Column("trusted_person_name", sa.Text(), nullable=True),
        sa.Column("trusted_person_relationship", sa.Text(), nullable=True),
        sa.Column("trusted_person_phone", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "persons_duplicate_key",
        "persons",
        ["region", "duplicate_family_name", "duplicate_given_names", "birth_date"],
        unique=False,
    )
    op.create_table(
        "care_team_memberships",
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_kind", sa.String(length=40), nullable=False),
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("join_reason", sa.String(length=40), nullable=False),
        sa.Column("leave_reason", sa.String(length=40), nullable=True),
        sa.Column("referral_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
        ),
        sa.PrimaryKeyConstraint("person_id", "position"),
    )
    op.create_index(
        "care_team_memberships_active",
        "care_team_memberships",
        ["organisation_id", "person_id"],
        unique=False,
        postgresql_where=sa.text("until IS NULL"),
    )
    op.create_table(
        "contact_accesses",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("accessed_by", sa.String(length=100), nullable=False),
        sa.Column("purpose", sa.String(length=200), nullable=False),
        sa.Column("accessed_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("contact_accesses_person", "contact_accesses", ["person_id", "accessed_at"], unique=False)
    op.create_table(
        "workshops",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("operator_organisation_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["operator_organisation_id"],
            ["organisations.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("workshops_operator", "workshops", ["operator_organisation_id"], unique=False)
    op.create_table(
        "sessions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("workshop_id", sa.Uuid(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("venue", sa.Text(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["workshop_id"],
            ["workshops.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("sessions_workshop", "sessions", ["workshop_id", "starts_on"], unique=False)
    op.create_table(
        "referrals",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("prescriber_organisation_id", sa.Uuid(), nullable=False),
        sa.Column("operator_organisation_id", sa.Uuid(), nullable=False),
        sa.Column("workshop_id", sa.Uuid(), nullable=True),
        sa.Column("session_id", sa.Uuid(), nullable=True),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["operator_organisation_id"],
            ["organisations.id"],
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
        ),
        sa.ForeignKeyConstraint(
            ["prescriber_organisation_id"],
            ["organisations.id"],
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
        ),
        sa.ForeignKeyConstraint(
            ["workshop_id"],
            ["workshops.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "referrals_awaiting_answer",
        "referrals",
        ["sent_at"],
        unique=False,
        postgresql_where=sa.text("status IN ('sent', 'under_review')"),
    )
    op.create_index(
        "referrals_incoming", "referrals", ["operator_organisation_id", "sent_at", "id"], unique=False
    )
    op.create_index(
        "referrals_sent", "referrals", ["prescriber_organisation_id", "sent_at", "id"], unique=False
    )
    op.create_table(
        "session_places",
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("referral_id", sa.Uuid(), nullable=False),
        sa.Column("seated", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
        ),
        sa.PrimaryKeyConstraint("session_id", "referral_id"),
    )
    op.create_table(
        "attendances",
        sa.Column("referral_id", sa.Uuid(), nullable=False),
        sa.Column("sitting_on", sa.Date(), nullable=False),
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("attendance", sa.String(length=40), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referrals.id"],
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
        ),
        sa.PrimaryKeyConstraint("referral_id", "sitting_on"),
    )
    op.create_table(
        "referral_history",
        sa.Column("referral_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("from_status", sa.String(length=40), nullable=True),
        sa.Column("to_status", sa.String(length=40), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by_party", sa.String(length=40), nullable=False),
        sa.Column("by_organisation_id", sa.Uuid(), nullable=True),
        sa.Column("workshop_id", sa.Uuid(), nullable=True),
        sa.Column("session_id", sa.Uuid(), nullable=True),
        sa.Column("reason", sa.String(length=40), nullable=True),
        sa.Column("outcome", sa.String(length=40), nullable=True),
        sa.Column("barrier_category", sa.String(length=40), nullable=True),
        sa.Column("barrier_id", sa.Uuid(), nullable=True),
        sa.Column("message_for_prescriber", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referrals.id"],
        ),
        sa.PrimaryKeyConstraint("referral_id", "position"),
    )


def downgrade() -> None:

    op.drop_table("referral_history")
    op.drop_table("attendances")
    op.drop_table("session_places")
    op.drop_index("referrals_sent", table_name="referrals")
    op.drop_index("referrals_incoming", table_name="referrals")
    op.drop_index(
        "referrals_awaiting_answer",
        table_name="referrals",
        postgresql_where=sa.text("status IN ('sent', 'under_review')"),
    )
    op.drop_table("referrals")
    op.drop_index("sessions_workshop", table_name="sessions")
    op.drop_table("sessions")
    op.drop_index("workshops_operator", table_name="workshops")
    op.drop_table("workshops")
    op.drop_index("contact_accesses_person", table_name="contact_accesses")
    op.drop_table("contact_accesses")
    op.drop_index(
        "care_team_memberships_active",
        table_name="care_team_memberships",
        postgresql_where=sa.text("until IS NULL"),
    )
    op.drop_table("care_team_memberships")
    op.drop_index("persons_duplicate_key", table_name="persons")
    op.drop_table("persons")
    op.drop_table("organisations")
    op.drop_index("idempotency_keys_created_at", table_name="idempotency_keys")
    op.drop_table("idempotency_keys")
    op.drop_index("api_keys_organisation", table_name="api_keys")
    op.drop_table("api_keys")

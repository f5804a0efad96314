"""The notification service's tables; migrations are generated from this metadata."""

from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY

from service_kit.http.api_keys import define_api_keys_table
from service_kit.http.idempotency import define_idempotency_table
from service_kit.messaging_tables import define_inbox_table, define_outbox_table

metadata = MetaData()

outbox = define_outbox_table(metadata)
inbox = define_inbox_table(metadata)
api_keys = define_api_keys_table(metadata)
idempotency_keys = define_idempotency_table(metadata)


def _owed_message_columns() -> list[Column[Any]]:
    """What every delivery record keeps of its message and of where its attempts stand."""
    return [
        Column("message_id", String(200), nullable=False),
        Column("content_type", String(200), nullable=False),
        Column("body", LargeBinary, nullable=False),
        Column("status", String(20), nullable=False),
        Column("attempts", Integer, nullable=False),
        Column("next_attempt_at", DateTime(timezone=True), nullable=True),
        Column("last_outcome", Text, nullable=True),
        Column("created_at", DateTime(timezone=True), server_default=func.now(), nullable=False),
        Column("updated_at", DateTime(timezone=True), server_default=func.now(), nullable=False),
    ]


webhook_endpoints = Table(
    "webhook_endpoints",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("url", Text, nullable=False),
    # We sign with them, so they are kept, each encrypted (see adapters/secret_encryption.py), newest first.
    Column("secrets", ARRAY(Text), nullable=False),
    Column("disabled_at", DateTime(timezone=True), nullable=True),
    Column("disabled_reason", Text, nullable=True),
    Column("created_at", DateTime(timezone=True), server_default=func.now(), nullable=False),
    # Endpoints registered before subscriptions existed belong to no organisation and are never routed to.
    Column("organisation_id", Uuid, nullable=True),
    Column("event_types", ARRAY(Text), nullable=False, server_default=text("'{}'")),
    # Until then every secret of the array signs; afterwards only the first (the newest).
    Column("previous_secrets_valid_until", DateTime(timezone=True), nullable=True),
    Index("webhook_endpoints_organisation", "organisation_id"),
)

webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("endpoint_id", Uuid, ForeignKey("webhook_endpoints.id"), nullable=False),
    *_owed_message_columns(),
    UniqueConstraint("endpoint_id", "message_id", name="webhook_deliveries_once_per_endpoint"),
    Index("webhook_deliveries_due", "next_attempt_at", postgresql_where=text("status = 'pending'")),
)

email_recipients = Table(
    "email_recipients",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("organisation_id", Uuid, nullable=False),
    Column("address", Text, nullable=False),
    Column("event_types", ARRAY(Text), nullable=False),
    Column("created_at", DateTime(timezone=True), server_default=func.now(), nullable=False),
    # Kept after removal: e-mails already owed to it stay explained by the record.
    Column("removed_at", DateTime(timezone=True), nullable=True),
    Index(
        "email_recipients_once_per_organisation",
        "organisation_id",
        "address",
        unique=True,
        postgresql_where=text("removed_at IS NULL"),
    ),
)

opt_outs = Table(
    "opt_outs",
    metadata,
    Column("organisation_id", Uuid, primary_key=True),
    Column("kind", String(20), primary_key=True),
    Column("value", String(200), primary_key=True),
    Column("created_at", DateTime(timezone=True), server_default=func.now(), nullable=False),
)

# Notification's routing projection, built from the timeline topic alone: ids and codes, no personal data.
care_team_members = Table(
    "care_team_members",
    metadata,
    Column("person_id", Uuid, primary_key=True),
    Column("organisation_id", Uuid, primary_key=True),
    Column("organisation_kind", String(40), nullable=False),
    Column("join_reason", String(40), nullable=False),
)

referral_parties = Table(
    "referral_parties",
    metadata,
    Column("referral_id", Uuid, primary_key=True),
    Column("person_id", Uuid, nullable=False),
    Column("prescriber_organisation_id", Uuid, nullable=False),
    Column("operator_organisation_id", Uuid, nullable=False),
)

email_deliveries = Table(
    "email_deliveries",
    metadata,
    # The stable key of (event, recipient organisation, e-mail, recipient): owed once, whatever arrives twice.
    Column("id", Uuid, primary_key=True),
    Column("recipient_id", Uuid, ForeignKey("email_recipients.id"), nullable=False),
    Column("organisation_id", Uuid, nullable=False),
    *_owed_message_columns(),
    UniqueConstraint("recipient_id", "message_id", name="email_deliveries_once_per_recipient"),
    Index("email_deliveries_due", "next_attempt_at", postgresql_where=text("status = 'pending'")),
)

# Every attempt of every delivery, on every channel: what operators read endpoint health and history from.
delivery_attempts = Table(
    "delivery_attempts",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("delivery_id", Uuid, nullable=False),
    Column("channel", String(20), nullable=False),
    Column("target_id", Uuid, nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("attempted_at", DateTime(timezone=True), nullable=False),
    Column("result", String(20), nullable=False),
    Column("status_code", Integer, nullable=True),
    Column("latency_ms", Integer, nullable=False),
    Column("reason", Text, nullable=True),
    Column("next_attempt_at", DateTime(timezone=True), nullable=True),
    Index("delivery_attempts_of_delivery", "delivery_id", "attempt"),
    Index("delivery_attempts_of_target", "target_id", "attempted_at"),
)

# Reminders owed to persons, from the timeline alone: ids and a date; how to reach the person is asked of the
# referral service when the reminder goes, never kept here.
session_reminders = Table(
    "session_reminders",
    metadata,
    # The stable key of (referral, session, first day): owed once, however often the placement is heard.
    Column("id", Uuid, primary_key=True),
    Column("person_id", Uuid, nullable=False),
    Column("referral_id", Uuid, nullable=False),
    Column("session_id", Uuid, nullable=False),
    Column("session_starts_on", Date, nullable=False),
    Column("scheduled_by_source", String(200), nullable=False),
    Column("scheduled_by_event_id", Uuid, nullable=False),
    Column("status", String(20), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", DateTime(timezone=True), nullable=True),
    Column("last_outcome", Text, nullable=True),
    Column("created_at", DateTime(timezone=True), server_default=func.now(), nullable=False),
    Column("updated_at", DateTime(timezone=True), server_default=func.now(), nullable=False),
    Index("session_reminders_due", "next_attempt_at", postgresql_where=text("status = 'pending'")),
    Index("session_reminders_of_referral", "referral_id"),
    Index("session_reminders_scheduled_by", "scheduled_by_event_id"),
)

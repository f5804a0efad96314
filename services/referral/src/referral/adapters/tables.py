"""The referral service's tables; migrations are generated from this metadata.

Coded values are stored as the text of their domain enum; the domain checks them, so the columns do not.
"""

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    Uuid,
    func,
    text,
)

from service_kit.http.api_keys import define_api_keys_table
from service_kit.http.idempotency import define_idempotency_table
from service_kit.messaging_tables import define_inbox_table, define_outbox_table

metadata = MetaData()

outbox = define_outbox_table(metadata)
inbox = define_inbox_table(metadata)
api_keys = define_api_keys_table(metadata)
idempotency_keys = define_idempotency_table(metadata)

CODE = String(40)

organisations = Table(
    "organisations",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("name", Text, nullable=False),
    Column("kind", CODE, nullable=False),
    Column("region", String(63), nullable=False),
)

persons = Table(
    "persons",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("region", String(63), nullable=False),
    Column("given_names", Text, nullable=False),
    Column("family_name", Text, nullable=False),
    Column("birth_date", Date, nullable=False),
    Column("duplicate_family_name", Text, nullable=False),
    Column("duplicate_given_names", Text, nullable=False),
    Column("phone", Text),
    Column("email", Text),
    Column("street", Text),
    Column("postcode", Text),
    Column("city", Text),
    Column("address_complement", Text),
    Column("contact_preference", CODE, nullable=False),
    Column("trusted_person_name", Text),
    Column("trusted_person_relationship", Text),
    Column("trusted_person_phone", Text),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("persons_duplicate_key", "region", "duplicate_family_name", "duplicate_given_names", "birth_date"),
)

care_team_memberships = Table(
    "care_team_memberships",
    metadata,
    Column("person_id", Uuid, ForeignKey("persons.id"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("organisation_id", Uuid, ForeignKey("organisations.id"), nullable=False),
    Column("organisation_kind", CODE, nullable=False),
    Column("since", Date, nullable=False),
    Column("until", Date),
    Column("join_reason", CODE, nullable=False),
    Column("leave_reason", CODE),
    Column("referral_id", Uuid),
    PrimaryKeyConstraint("person_id", "position"),
    Index(
        "care_team_memberships_active", "organisation_id", "person_id", postgresql_where=text("until IS NULL")
    ),
)

workshops = Table(
    "workshops",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("operator_organisation_id", Uuid, ForeignKey("organisations.id"), nullable=False),
    Column("title", Text, nullable=False),
    Index("workshops_operator", "operator_organisation_id"),
)

sessions = Table(
    "sessions",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("workshop_id", Uuid, ForeignKey("workshops.id"), nullable=False),
    Column("starts_on", Date, nullable=False),
    Column("ends_on", Date, nullable=False),
    Column("venue", Text, nullable=False),
    Column("capacity", Integer, nullable=False),
    Index("sessions_workshop", "workshop_id", "starts_on"),
)

# One row per seat taken or place in line; `position` keeps the first-come, first-served order.
session_places = Table(
    "session_places",
    metadata,
    Column("session_id", Uuid, ForeignKey("sessions.id"), nullable=False),
    Column("referral_id", Uuid, nullable=False),
    Column("seated", Boolean, nullable=False),
    Column("position", Integer, nullable=False),
    PrimaryKeyConstraint("session_id", "referral_id"),
)

referrals = Table(
    "referrals",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("person_id", Uuid, ForeignKey("persons.id"), nullable=False),
    Column("prescriber_organisation_id", Uuid, ForeignKey("organisations.id"), nullable=False),
    Column("operator_organisation_id", Uuid, ForeignKey("organisations.id"), nullable=False),
    Column("workshop_id", Uuid, ForeignKey("workshops.id")),
    Column("session_id", Uuid, ForeignKey("sessions.id")),
    Column("status", CODE, nullable=False),
    Column("sent_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("referrals_incoming", "operator_organisation_id", "sent_at", "id"),
    Index("referrals_sent", "prescriber_organisation_id", "sent_at", "id"),
    Index(
        "referrals_awaiting_answer",
        "sent_at",
        postgresql_where=text("status IN ('sent', 'under_review')"),
    ),
)

referral_history = Table(
    "referral_history",
    metadata,
    Column("referral_id", Uuid, ForeignKey("referrals.id"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("action", CODE, nullable=False),
    Column("from_status", CODE),
    Column("to_status", CODE, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("by_party", CODE, nullable=False),
    Column("by_organisation_id", Uuid),
    Column("workshop_id", Uuid),
    Column("session_id", Uuid),
    Column("reason", CODE),
    Column("outcome", CODE),
    Column("barrier_category", CODE),
    Column("barrier_id", Uuid),
    Column("message_for_prescriber", Text),
    PrimaryKeyConstraint("referral_id", "position"),
)

attendances = Table(
    "attendances",
    metadata,
    Column("referral_id", Uuid, ForeignKey("referrals.id"), nullable=False),
    Column("sitting_on", Date, nullable=False),
    Column("session_id", Uuid, ForeignKey("sessions.id"), nullable=False),
    Column("attendance", CODE, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("referral_id", "sitting_on"),
)

contact_accesses = Table(
    "contact_accesses",
    metadata,
    Column("id", BigInteger, Identity(always=True), primary_key=True),
    Column("person_id", Uuid, ForeignKey("persons.id"), nullable=False),
    Column("accessed_by", String(100), nullable=False),
    Column("purpose", String(200), nullable=False),
    Column("accessed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("contact_accesses_person", "person_id", "accessed_at"),
)

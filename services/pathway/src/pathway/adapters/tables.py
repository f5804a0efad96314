"""The pathway service's tables; migrations are generated from this metadata."""

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
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
    UniqueConstraint,
    Uuid,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

from service_kit.http.api_keys import define_api_keys_table
from service_kit.messaging_tables import define_inbox_table, define_outbox_table

metadata = MetaData()

outbox = define_outbox_table(metadata)
inbox = define_inbox_table(metadata)
api_keys = define_api_keys_table(metadata)

pathways = Table(
    "pathways",
    metadata,
    Column("person_id", String(64), primary_key=True),
    Column("last_seq", Integer, nullable=False, server_default="0"),
    Column("opened_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("last_activity_at", DateTime(timezone=True)),
    Column("stage", String(32)),
    Column("next_session_on", Date),
    Column("state", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("recomputed_at", DateTime(timezone=True)),
    Column("next_alert_due_at", DateTime(timezone=True)),
    Column("snapshot", JSONB),
    Index("pathways_alert_due", "next_alert_due_at", postgresql_where=text("next_alert_due_at IS NOT NULL")),
)

timeline_entries = Table(
    "timeline_entries",
    metadata,
    Column("person_id", String(64), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("event_type", String(200), nullable=False),
    Column("event_source", String(500), nullable=False),
    Column("event_id", Uuid, nullable=False),
    Column("occurred_at", DateTime(timezone=True), nullable=False),
    Column("data", JSONB, nullable=False),
    Column("appended_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("dataschema", String(512), nullable=False),
    Column("arrived_late", Boolean, nullable=False, server_default=text("false")),
    Column("retracted_at", DateTime(timezone=True)),
    PrimaryKeyConstraint("person_id", "seq"),
    UniqueConstraint("event_source", "event_id", name="timeline_entries_event_once"),
    Index("timeline_entries_by_referral", text("(data ->> 'referral_id')")),
)

raised_alerts = Table(
    "raised_alerts",
    metadata,
    Column("person_id", String(64), nullable=False),
    Column("alert_id", Uuid, nullable=False),
    Column("kind", String(64), nullable=False),
    Column("barrier_id", String(64)),
    Column("referral_id", String(64)),
    Column("triggered_by_source", String(500)),
    Column("triggered_by_id", Uuid),
    Column("raised_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("withdrawn_at", DateTime(timezone=True)),
    Column("withdrawn_by_source", String(500)),
    Column("withdrawn_by_id", Uuid),
    PrimaryKeyConstraint("person_id", "alert_id"),
)

organisations = Table(
    "organisations",
    metadata,
    Column("organisation_id", Uuid, primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("may_emit", ARRAY(String(100)), nullable=False),
    Column("registered_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

access_audit = Table(
    "access_audit",
    metadata,
    Column("id", BigInteger, Identity(always=True), primary_key=True),
    Column("read_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("subject", String(255), nullable=False),
    Column("organisation_id", Uuid, nullable=False),
    Column("roles", ARRAY(String(64)), nullable=False),
    Column("person_id", String(64), nullable=False),
    Column("purpose", String(32), nullable=False),
    Column("what", String(32), nullable=False),
    Column("granted", Boolean, nullable=False),
    Index("access_audit_by_person", "person_id", "read_at"),
)
"""Append-only: a trigger refuses UPDATE, DELETE and TRUNCATE (migration 0005)."""

projection_generations = Table(
    "projection_generations",
    metadata,
    Column("generation", Integer, primary_key=True, autoincrement=False),
    Column("schema_name", String(63), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("dropped_at", DateTime(timezone=True)),
)
"""Every projection generation built in this database: generation 1 is the tables in `public`."""

active_projection = Table(
    "active_projection",
    metadata,
    Column("singleton", Boolean, primary_key=True, server_default=text("true")),
    Column("generation", Integer, ForeignKey("projection_generations.generation"), nullable=False),
    Column("switched_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("singleton", name="active_projection_one_row"),
)
"""The pointer every running instance follows: which generation caseworkers read and the assembler feeds."""

PROJECTION_TABLES = (pathways, timeline_entries, raised_alerts, inbox)
"""What a rebuild replays into a fresh generation; the rest (organisations, API keys, the access audit,
the outbox) is reference data or history, kept in `public` for every generation."""

"""The pathway service's tables; migrations are generated from this metadata."""

from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    UniqueConstraint,
    Uuid,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB

from service_kit.messaging_tables import define_inbox_table, define_outbox_table

metadata = MetaData()

outbox = define_outbox_table(metadata)
inbox = define_inbox_table(metadata)

pathways = Table(
    "pathways",
    metadata,
    Column("person_id", String(64), primary_key=True),
    Column("last_seq", Integer, nullable=False, server_default="0"),
    Column("opened_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("last_activity_at", DateTime(timezone=True)),
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
    PrimaryKeyConstraint("person_id", "seq"),
    UniqueConstraint("event_source", "event_id", name="timeline_entries_event_once"),
)

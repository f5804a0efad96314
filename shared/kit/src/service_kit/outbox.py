"""Writing integration events to the outbox, in the caller's transaction."""

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from event_contracts.envelope import CloudEvent
from event_contracts.kafka_binding import KafkaRecordText, to_kafka_record_text
from service_kit.database import json_text
from service_kit.messaging_tables import OUTBOX_TABLE

OUTBOX_CHANNEL = "outbox_ready"

# The rows travel as one JSON document, in one statement whatever their number: an executemany costs the
# server a statement and SQLAlchemy a conversion per row. Identities are given in the document's order.
# Keys and values are UTF-8 text (a person id, a CloudEvent's JSON data), stored as the bytes sent.
# The same statement wakes the relay: a NOTIFY is delivered only when its transaction commits, which is
# exactly when the rows are visible, and a transaction's identical notifications are delivered once, so
# however many statements a transaction runs, the relay is woken once, without a round trip of its own.
_INSERT_AND_NOTIFY = text(
    f"WITH inserted AS (INSERT INTO {OUTBOX_TABLE} (event_id, topic, message_key, message_value, headers) "  # noqa: S608
    "SELECT event_id, :topic, convert_to(message_key, 'UTF8'), convert_to(message_value, 'UTF8'), headers "
    "FROM ROWS FROM (jsonb_to_recordset(CAST(:rows AS jsonb)) AS (event_id uuid, message_key text, "
    "message_value text, headers jsonb)) WITH ORDINALITY AS added(event_id, message_key, message_value, "
    "headers, position) ORDER BY position RETURNING 1) "
    f"SELECT pg_notify('{OUTBOX_CHANNEL}', '')"
)


async def add_to_outbox(session: AsyncSession, event: CloudEvent, *, topic: str) -> None:
    await add_all_to_outbox(session, [event], topic=topic)


async def add_all_to_outbox(session: AsyncSession, events: Sequence[CloudEvent], *, topic: str) -> None:
    """The events in this order, in one round trip: the relay publishes them in the order of their rows."""
    await add_records_to_outbox(
        session, [(event.id, to_kafka_record_text(event)) for event in events], topic=topic
    )


async def add_records_to_outbox(
    session: AsyncSession, records: Sequence[tuple[UUID, KafkaRecordText]], *, topic: str
) -> None:
    """`add_all_to_outbox` for events already written as the records they travel in, each with its id."""
    if not records:
        return
    rows = [
        {
            "event_id": event_id,
            "message_key": record.key,
            "message_value": record.value,
            "headers": record.headers,
        }
        for event_id, record in records
    ]
    await session.execute(_INSERT_AND_NOTIFY, {"topic": topic, "rows": json_text(rows)})

"""Writing integration events to the outbox, in the caller's transaction."""

import json
from collections.abc import Sequence

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from event_contracts.envelope import CloudEvent
from event_contracts.kafka_binding import to_kafka_record
from service_kit.messaging_tables import OUTBOX_TABLE

OUTBOX_CHANNEL = "outbox_ready"

_INSERT = text(
    f"INSERT INTO {OUTBOX_TABLE} (event_id, topic, message_key, message_value, headers) "  # noqa: S608
    "VALUES (:event_id, :topic, :key, :value, CAST(:headers AS jsonb))"
)
# NOTIFY inside a transaction is delivered only when it commits, which is exactly when the row is visible.
_NOTIFY = text(f"SELECT pg_notify('{OUTBOX_CHANNEL}', '')")
_NOTIFIED_IN = "outbox_notified_in_transaction"


async def add_to_outbox(session: AsyncSession, event: CloudEvent, *, topic: str) -> None:
    await add_all_to_outbox(session, [event], topic=topic)


async def add_all_to_outbox(session: AsyncSession, events: Sequence[CloudEvent], *, topic: str) -> None:
    """The events in this order, in one round trip: the relay publishes them in the order of their rows."""
    if not events:
        return
    await session.execute(_INSERT, [_outbox_row(event, topic) for event in events])
    await _notify_once_per_transaction(session)


def _outbox_row(event: CloudEvent, topic: str) -> dict[str, object]:
    record = to_kafka_record(event)
    headers = [[name, value.decode()] for name, value in record.headers]
    return {
        "event_id": event.id,
        "topic": topic,
        "key": record.key,
        "value": record.value,
        "headers": json.dumps(headers),
    }


async def _notify_once_per_transaction(session: AsyncSession) -> None:
    # One wake-up per commit is all the relay needs; a NOTIFY per event costs a round trip each.
    transaction = session.get_nested_transaction() or session.get_transaction()
    if session.info.get(_NOTIFIED_IN) is transaction:
        return
    await session.execute(_NOTIFY)
    session.info[_NOTIFIED_IN] = transaction

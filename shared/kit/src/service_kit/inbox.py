"""Idempotent consumers: an event is applied only by the transaction that first claims it."""

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from service_kit.messaging_tables import INBOX_TABLE

_CLAIM = text(
    f"INSERT INTO {INBOX_TABLE} (consumer, event_source, event_id) "  # noqa: S608 - constant table name
    "VALUES (:consumer, :source, :event_id) ON CONFLICT DO NOTHING RETURNING 1"
)


async def claim_event(session: AsyncSession, *, consumer: str, source: str, event_id: str) -> bool:
    """True when this transaction is the first to see the event; False for a redelivery.

    Call it inside the handler's transaction: the claim commits or rolls back with the handler's writes.
    """
    result = await session.execute(_CLAIM, {"consumer": consumer, "source": source, "event_id": event_id})
    return result.scalar_one_or_none() is not None

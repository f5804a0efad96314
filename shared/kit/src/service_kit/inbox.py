"""Idempotent consumers: an event is applied only by the transaction that first claims it."""

from collections.abc import Sequence

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


_CLAIM_MANY = text(
    f"INSERT INTO {INBOX_TABLE} (consumer, event_source, event_id) "  # noqa: S608 - constant table name
    "SELECT :consumer, source, event_id FROM unnest(CAST(:sources AS text[]), CAST(:event_ids AS text[])) "
    "AS claimed(source, event_id) ON CONFLICT DO NOTHING RETURNING event_source, event_id"
)


async def claim_events(
    session: AsyncSession, *, consumer: str, keys: Sequence[tuple[str, str]]
) -> set[tuple[str, str]]:
    """The (source, id) keys this transaction is the first to see, claimed in one statement."""
    if not keys:
        return set()
    result = await session.execute(
        _CLAIM_MANY,
        {
            "consumer": consumer,
            "sources": [source for source, _ in keys],
            "event_ids": [event_id for _, event_id in keys],
        },
    )
    return {(str(source), str(event_id)) for source, event_id in result.all()}

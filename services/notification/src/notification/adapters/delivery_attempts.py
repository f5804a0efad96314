"""Writes attempt records, in the transaction of the delivery state they explain."""

from collections.abc import Sequence

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from notification.adapters.tables import delivery_attempts
from notification.domain.delivery_attempts import AttemptRecord


async def insert_attempts(session: AsyncSession, records: Sequence[AttemptRecord]) -> None:
    if not records:
        return
    await session.execute(
        insert(delivery_attempts),
        [
            {
                "delivery_id": record.delivery_id,
                "channel": record.channel.value,
                "target_id": record.target_id,
                "attempt": record.number,
                "attempted_at": record.attempted_at,
                "result": record.result,
                "status_code": record.status_code,
                "latency_ms": round(record.latency.total_seconds() * 1000),
                "reason": record.reason,
                "next_attempt_at": record.next_attempt_at,
            }
            for record in records
        ],
    )

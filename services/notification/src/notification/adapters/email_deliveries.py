"""All SQL of the e-mail dispatcher. Each method is one short transaction of its own: no transaction stays
open while a mail server takes its time."""

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import Row, Select, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from notification.adapters.delivery_attempts import insert_attempts
from notification.adapters.leases import lease_due
from notification.adapters.tables import email_deliveries, email_recipients
from notification.domain.delivery_attempts import AttemptRecord
from notification.domain.email_delivery import EmailDelivery, EmailDeliveryStatus


class PostgresEmailDeliveries:
    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = session_factory

    async def claim_due(self, now: datetime, lease: timedelta, limit: int) -> list[EmailDelivery]:
        """Due e-mails, pushed `lease` into the future so that no other instance takes them meanwhile; if
        this one dies before recording an attempt, they come due again when the lease ends."""
        async with self._sessions.begin() as session:
            ids = await lease_due(session, email_deliveries, now=now, lease=lease, limit=limit)
            rows = await session.execute(_with_recipient().where(email_deliveries.c.id.in_(ids)))
            return [_delivery_of(row) for row in rows]

    async def get(self, delivery_id: UUID) -> EmailDelivery | None:
        async with self._sessions() as session:
            row = (
                await session.execute(_with_recipient().where(email_deliveries.c.id == delivery_id))
            ).first()
        return _delivery_of(row) if row else None

    async def save_attempt(self, delivery: EmailDelivery, attempt: AttemptRecord) -> None:
        async with self._sessions.begin() as session:
            await session.execute(
                update(email_deliveries)
                .where(email_deliveries.c.id == delivery.id)
                .values(
                    status=delivery.status.value,
                    attempts=delivery.attempts,
                    next_attempt_at=delivery.next_attempt_at,
                    last_outcome=delivery.last_outcome,
                    updated_at=attempt.attempted_at,
                )
            )
            await insert_attempts(session, [attempt])


def _with_recipient() -> Select[Any]:
    removed = email_recipients.c.removed_at.is_not(None).label("removed")
    return select(email_deliveries, email_recipients.c.address, removed).join(
        email_recipients, email_recipients.c.id == email_deliveries.c.recipient_id
    )


def _delivery_of(row: Row[Any]) -> EmailDelivery:
    values = row._mapping
    return EmailDelivery(
        id=values["id"],
        recipient_id=values["recipient_id"],
        organisation_id=values["organisation_id"],
        address=values["address"],
        recipient_removed=values["removed"],
        event_body=values["body"],
        status=EmailDeliveryStatus(values["status"]),
        attempts=values["attempts"],
        next_attempt_at=values["next_attempt_at"],
        last_outcome=values["last_outcome"],
    )

"""Operators' manual re-delivery, in one transaction: chosen deliveries made due now with a fresh retry
schedule (the attempts already made stay in `delivery_attempts`), and endpoints re-enabled when asked."""

from collections.abc import Collection
from datetime import datetime
from uuid import UUID

from sqlalchemy import Table, Update, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from notification.adapters.tables import email_deliveries, webhook_deliveries, webhook_endpoints
from notification.domain.redelivery import OPERATOR_ASKED, RedeliverySelection

_ENDED = ("given_up", "endpoint_disabled")


class SqlRedeliveries:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def webhook_deliveries_of(self, selection: RedeliverySelection) -> dict[UUID, UUID]:
        """Delivery id → endpoint id of the selected webhook deliveries."""
        query = select(webhook_deliveries.c.id, webhook_deliveries.c.endpoint_id)
        if selection.delivery_ids:
            query = query.where(webhook_deliveries.c.id.in_(selection.delivery_ids))
        else:
            query = query.where(
                webhook_deliveries.c.endpoint_id == selection.endpoint_id,
                webhook_deliveries.c.status.in_(_ENDED),
                webhook_deliveries.c.updated_at >= selection.ended_since,
            )
        rows = await self._session.execute(query.with_for_update())
        return {row.id: row.endpoint_id for row in rows}

    async def email_deliveries_of(self, delivery_ids: Collection[UUID]) -> list[UUID]:
        rows = await self._session.execute(
            select(email_deliveries.c.id).where(email_deliveries.c.id.in_(delivery_ids)).with_for_update()
        )
        return list(rows.scalars())

    async def disabled_among(self, endpoint_ids: Collection[UUID]) -> list[UUID]:
        rows = await self._session.execute(
            select(webhook_endpoints.c.id).where(
                webhook_endpoints.c.id.in_(endpoint_ids), webhook_endpoints.c.disabled_at.is_not(None)
            )
        )
        return list(rows.scalars())

    async def enable(self, endpoint_ids: Collection[UUID]) -> None:
        await self._session.execute(
            update(webhook_endpoints)
            .where(webhook_endpoints.c.id.in_(endpoint_ids))
            .values(disabled_at=None, disabled_reason=None)
        )

    async def make_due(
        self, webhook_ids: Collection[UUID], email_ids: Collection[UUID], now: datetime
    ) -> None:
        for table, ids in ((webhook_deliveries, webhook_ids), (email_deliveries, email_ids)):
            if ids:
                await self._session.execute(_made_due(table, ids, now))


def _made_due(table: Table, ids: Collection[UUID], now: datetime) -> Update:
    return (
        update(table)
        .where(table.c.id.in_(ids))
        .values(
            status="pending", attempts=0, next_attempt_at=now, last_outcome=OPERATOR_ASKED, updated_at=now
        )
    )

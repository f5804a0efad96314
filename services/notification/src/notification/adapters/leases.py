"""Claiming due deliveries for one instance: the rows a query selects are locked (others skipped) and pushed
`lease` into the future, so that no other instance takes them until this one records its attempts or dies."""

from datetime import datetime, timedelta
from uuid import UUID

from sqlalchemy import ColumnElement, Table, update
from sqlalchemy.ext.asyncio import AsyncSession


async def lease_due(
    session: AsyncSession,
    table: Table,
    *conditions: ColumnElement[bool],
    now: datetime,
    lease: timedelta,
    limit: int,
) -> list[UUID]:
    """Ids of at most `limit` pending rows of `table` due at `now` and meeting `conditions`, oldest first."""
    due = (
        table.select()
        .with_only_columns(table.c.id)
        .where(table.c.status == "pending", table.c.next_attempt_at <= now, *conditions)
        .order_by(table.c.next_attempt_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    claimed = await session.execute(
        update(table)
        .where(table.c.id.in_(due))
        .values(next_attempt_at=now + lease, updated_at=now)
        .returning(table.c.id)
    )
    return list(claimed.scalars())

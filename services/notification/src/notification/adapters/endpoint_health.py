"""Reads the health of every webhook endpoint from the delivery record, for regional operators."""

from datetime import datetime
from typing import Any

from sqlalchemy import Row, case, func, select
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.ext.asyncio import AsyncSession

from notification.adapters.tables import delivery_attempts, webhook_deliveries, webhook_endpoints
from notification.domain.endpoint_health import EndpointHealth, LastError


async def endpoint_health(session: AsyncSession, since: datetime) -> list[EndpointHealth]:
    """Every endpoint, disabled ones first, then by falling success rate over the attempts since `since`."""
    attempts = (
        select(
            delivery_attempts.c.target_id.label("endpoint_id"),
            func.count().label("attempts"),
            func.count().filter(delivery_attempts.c.result == "delivered").label("delivered"),
        )
        .where(delivery_attempts.c.channel == "webhook", delivery_attempts.c.attempted_at >= since)
        .group_by(delivery_attempts.c.target_id)
        .subquery("attempts")
    )
    last_error = (
        select(
            delivery_attempts.c.target_id.label("endpoint_id"),
            delivery_attempts.c.attempted_at,
            delivery_attempts.c.status_code,
            delivery_attempts.c.reason,
        )
        .where(delivery_attempts.c.channel == "webhook", delivery_attempts.c.result != "delivered")
        .ext(distinct_on(delivery_attempts.c.target_id))
        .order_by(delivery_attempts.c.target_id, delivery_attempts.c.attempted_at.desc())
        .subquery("last_error")
    )
    pending = (
        select(
            webhook_deliveries.c.endpoint_id,
            func.count().label("pending"),
            func.min(webhook_deliveries.c.created_at).label("oldest_pending_since"),
        )
        .where(webhook_deliveries.c.status == "pending")
        .group_by(webhook_deliveries.c.endpoint_id)
        .subquery("pending")
    )
    rate = func.coalesce(attempts.c.delivered * 1.0 / func.nullif(attempts.c.attempts, 0), 1.0)
    rows = await session.execute(
        select(
            webhook_endpoints.c.id,
            webhook_endpoints.c.organisation_id,
            webhook_endpoints.c.url,
            webhook_endpoints.c.disabled_at,
            webhook_endpoints.c.disabled_reason,
            func.coalesce(attempts.c.attempts, 0).label("attempts"),
            func.coalesce(attempts.c.delivered, 0).label("delivered"),
            last_error.c.attempted_at.label("error_at"),
            last_error.c.status_code.label("error_status_code"),
            last_error.c.reason.label("error_reason"),
            func.coalesce(pending.c.pending, 0).label("pending"),
            pending.c.oldest_pending_since,
        )
        .outerjoin(attempts, attempts.c.endpoint_id == webhook_endpoints.c.id)
        .outerjoin(last_error, last_error.c.endpoint_id == webhook_endpoints.c.id)
        .outerjoin(pending, pending.c.endpoint_id == webhook_endpoints.c.id)
        .order_by(
            case((webhook_endpoints.c.disabled_at.is_(None), 1), else_=0),
            rate,
            webhook_endpoints.c.created_at,
        )
    )
    return [_health_of(row) for row in rows]


def _health_of(row: Row[Any, *tuple[Any, ...]]) -> EndpointHealth:
    values = row._mapping
    error = (
        None
        if values["error_at"] is None
        else LastError(values["error_at"], values["error_status_code"], values["error_reason"] or "")
    )
    return EndpointHealth(
        endpoint_id=values["id"],
        organisation_id=values["organisation_id"],
        url=values["url"],
        disabled_at=values["disabled_at"],
        disabled_reason=values["disabled_reason"],
        attempts=values["attempts"],
        delivered=values["delivered"],
        last_error=error,
        pending=values["pending"],
        oldest_pending_since=values["oldest_pending_since"],
    )

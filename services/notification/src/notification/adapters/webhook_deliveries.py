"""All SQL about webhook endpoints and deliveries. Each method is one short transaction of its own, so no
transaction stays open while a partner takes its time to answer."""

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import Row, Select, case, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from notification.adapters.delivery_attempts import insert_attempts
from notification.adapters.leases import lease_due
from notification.adapters.tables import webhook_deliveries, webhook_endpoints
from notification.domain.delivery_attempts import AttemptRecord
from notification.domain.webhook_delivery import DeliveryStatus, WebhookDelivery
from notification.domain.webhooks import WebhookEndpoint, WebhookMessage, WebhookSecret


class PostgresWebhookDeliveries:
    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = session_factory

    async def add_endpoint(self, endpoint: WebhookEndpoint) -> None:
        async with self._sessions.begin() as session:
            await session.execute(
                insert(webhook_endpoints).values(
                    id=endpoint.id,
                    url=endpoint.url,
                    secrets=[secret.shared_form for secret in endpoint.secrets],
                )
            )

    async def disabled_reason(self, endpoint_id: UUID) -> str | None:
        async with self._sessions() as session:
            return await session.scalar(
                select(webhook_endpoints.c.disabled_reason).where(webhook_endpoints.c.id == endpoint_id)
            )

    async def enqueue(
        self, delivery_id: UUID, endpoint_id: UUID, message: WebhookMessage, now: datetime
    ) -> bool:
        """False when the endpoint already has this message: the timeline may hand us an event twice."""
        async with self._sessions.begin() as session:
            inserted = await session.execute(
                pg_insert(webhook_deliveries)
                .values(
                    id=delivery_id,
                    endpoint_id=endpoint_id,
                    message_id=message.id,
                    content_type=message.content_type,
                    body=message.body,
                    status=DeliveryStatus.PENDING.value,
                    attempts=0,
                    next_attempt_at=now,
                )
                .on_conflict_do_nothing(constraint="webhook_deliveries_once_per_endpoint")
                .returning(webhook_deliveries.c.id)
            )
            return inserted.first() is not None

    async def claim_due(self, now: datetime, lease: timedelta, limit: int) -> list[WebhookDelivery]:
        """Due deliveries of enabled endpoints, pushed `lease` into the future so that no other instance
        takes them meanwhile; if this one dies, they come due again when the lease ends."""
        enabled = select(webhook_endpoints.c.id).where(webhook_endpoints.c.disabled_at.is_(None))
        async with self._sessions.begin() as session:
            ids = await lease_due(
                session,
                webhook_deliveries,
                webhook_deliveries.c.endpoint_id.in_(enabled),
                now=now,
                lease=lease,
                limit=limit,
            )
            rows = await session.execute(_with_endpoint().where(webhook_deliveries.c.id.in_(ids)))
            return [_delivery_of(row) for row in rows]

    async def get(self, delivery_id: UUID) -> WebhookDelivery | None:
        async with self._sessions() as session:
            row = (
                await session.execute(_with_endpoint().where(webhook_deliveries.c.id == delivery_id))
            ).first()
        return _delivery_of(row) if row else None

    async def save_attempts(
        self, deliveries: Sequence[WebhookDelivery], now: datetime, attempts: Sequence[AttemptRecord] = ()
    ) -> None:
        async with self._sessions.begin() as session:
            await insert_attempts(session, attempts)
            for delivery in deliveries:
                await session.execute(
                    update(webhook_deliveries)
                    .where(webhook_deliveries.c.id == delivery.id)
                    .values(
                        status=delivery.status.value,
                        attempts=delivery.attempts,
                        next_attempt_at=delivery.next_attempt_at,
                        last_outcome=delivery.last_outcome,
                        updated_at=now,
                    )
                )
                if delivery.status is DeliveryStatus.ENDPOINT_DISABLED:
                    await session.execute(
                        update(webhook_endpoints)
                        .where(webhook_endpoints.c.id == delivery.endpoint.id)
                        .where(webhook_endpoints.c.disabled_at.is_(None))
                        .values(disabled_at=now, disabled_reason=delivery.last_outcome)
                    )


def _with_endpoint() -> Select[Any]:
    # After a rotation's overlap only the newest secret signs (see SqlSubscriptions.rotate_secret).
    signing_secrets = case(
        (webhook_endpoints.c.previous_secrets_valid_until <= func.now(), webhook_endpoints.c.secrets[1:1]),
        else_=webhook_endpoints.c.secrets,
    ).label("secrets")
    return select(webhook_deliveries, webhook_endpoints.c.url, signing_secrets).join(
        webhook_endpoints, webhook_endpoints.c.id == webhook_deliveries.c.endpoint_id
    )


def _delivery_of(row: Row[Any]) -> WebhookDelivery:
    values = row._mapping
    return WebhookDelivery(
        id=values["id"],
        endpoint=WebhookEndpoint(
            id=values["endpoint_id"],
            url=values["url"],
            secrets=tuple(WebhookSecret.parse(secret) for secret in values["secrets"]),
        ),
        message=WebhookMessage(values["message_id"], values["body"], values["content_type"]),
        status=DeliveryStatus(values["status"]),
        attempts=values["attempts"],
        next_attempt_at=values["next_attempt_at"],
        last_outcome=values["last_outcome"],
    )

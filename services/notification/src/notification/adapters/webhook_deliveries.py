"""All SQL about webhook endpoints and deliveries. Each method is one short transaction of its own, so no
transaction stays open while a partner takes its time to answer."""

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Row, Select, case, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from notification.adapters.delivery_attempts import insert_attempts
from notification.adapters.leases import lease_due
from notification.adapters.secret_encryption import WebhookSecretCipher
from notification.adapters.tables import webhook_deliveries, webhook_endpoints
from notification.domain.delivery_attempts import AttemptRecord
from notification.domain.webhook_delivery import DeliveryStatus, WebhookDelivery
from notification.domain.webhooks import WebhookEndpoint, WebhookMessage


class PostgresWebhookDeliveries:
    def __init__(
        self, session_factory: async_sessionmaker[AsyncSession], cipher: WebhookSecretCipher
    ) -> None:
        self._sessions = session_factory
        self._cipher = cipher

    async def add_endpoint(self, endpoint: WebhookEndpoint) -> None:
        async with self._sessions.begin() as session:
            await session.execute(
                insert(webhook_endpoints).values(
                    id=endpoint.id,
                    url=endpoint.url,
                    secrets=[self._cipher.encrypt(secret) for secret in endpoint.secrets],
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

    async def claim_due(
        self,
        now: datetime,
        lease: timedelta,
        limit: int,
        *,
        per_endpoint: int | None = None,
        busy_endpoints: Collection[UUID] = (),
    ) -> list[WebhookDelivery]:
        """Due deliveries of enabled endpoints, pushed `lease` into the future so that no other instance
        takes them meanwhile; if this one dies, they come due again when the lease ends."""
        conditions = [
            webhook_deliveries.c.endpoint_id.in_(
                select(webhook_endpoints.c.id).where(webhook_endpoints.c.disabled_at.is_(None))
            ),
            *([webhook_deliveries.c.endpoint_id.not_in(busy_endpoints)] if busy_endpoints else []),
        ]
        async with self._sessions.begin() as session:
            if per_endpoint is None:
                ids = await lease_due(
                    session, webhook_deliveries, *conditions, now=now, lease=lease, limit=limit
                )
            else:
                ids = await _lease_due_per_endpoint(
                    session, conditions, now=now, lease=lease, limit=limit, per_endpoint=per_endpoint
                )
            rows = await session.execute(_with_endpoint().where(webhook_deliveries.c.id.in_(ids)))
            return [_delivery_of(row, self._cipher) for row in rows]

    async def get(self, delivery_id: UUID) -> WebhookDelivery | None:
        async with self._sessions() as session:
            row = (
                await session.execute(_with_endpoint().where(webhook_deliveries.c.id == delivery_id))
            ).first()
        return _delivery_of(row, self._cipher) if row else None

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


# How many due rows to look at per slot, so that one endpoint's backlog at the head of the queue does not
# leave the other endpoints' deliveries out of a turn.
_CANDIDATES_PER_SLOT = 4


async def _lease_due_per_endpoint(
    session: AsyncSession,
    conditions: Sequence[ColumnElement[bool]],
    *,
    now: datetime,
    lease: timedelta,
    limit: int,
    per_endpoint: int,
) -> list[UUID]:
    deliveries = webhook_deliveries.c
    candidates = (
        select(deliveries.id, deliveries.endpoint_id, deliveries.next_attempt_at)
        .where(
            deliveries.status == DeliveryStatus.PENDING.value, deliveries.next_attempt_at <= now, *conditions
        )
        .order_by(deliveries.next_attempt_at)
        .limit(limit * _CANDIDATES_PER_SLOT)
        .with_for_update(skip_locked=True)
        .subquery("candidates")
    )
    rank = func.row_number().over(
        partition_by=candidates.c.endpoint_id, order_by=candidates.c.next_attempt_at
    )
    ranked = select(candidates.c.id, candidates.c.next_attempt_at, rank.label("rank")).subquery("ranked")
    chosen = (
        select(ranked.c.id)
        .where(ranked.c.rank <= per_endpoint)
        .order_by(ranked.c.next_attempt_at)
        .limit(limit)
    )
    claimed = await session.execute(
        update(webhook_deliveries)
        .where(deliveries.id.in_(chosen))
        .values(next_attempt_at=now + lease, updated_at=now)
        .returning(deliveries.id)
    )
    return list(claimed.scalars())


def _with_endpoint() -> Select[Any]:
    # After a rotation's overlap only the newest secret signs (see SqlSubscriptions.rotate_secret).
    signing_secrets = case(
        (webhook_endpoints.c.previous_secrets_valid_until <= func.now(), webhook_endpoints.c.secrets[1:1]),
        else_=webhook_endpoints.c.secrets,
    ).label("secrets")
    return select(webhook_deliveries, webhook_endpoints.c.url, signing_secrets).join(
        webhook_endpoints, webhook_endpoints.c.id == webhook_deliveries.c.endpoint_id
    )


def _delivery_of(row: Row[Any], cipher: WebhookSecretCipher) -> WebhookDelivery:
    values = row._mapping
    return WebhookDelivery(
        id=values["id"],
        endpoint=WebhookEndpoint(
            id=values["endpoint_id"],
            url=values["url"],
            secrets=tuple(cipher.decrypt(secret) for secret in values["secrets"]),
        ),
        message=WebhookMessage(values["message_id"], values["body"], values["content_type"]),
        status=DeliveryStatus(values["status"]),
        attempts=values["attempts"],
        next_attempt_at=values["next_attempt_at"],
        last_outcome=values["last_outcome"],
    )

"""A webhook delivery record in a real database, a sender allowed to reach 127.0.0.1 and a local receiver,
with the clock passed in."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from random import Random
from uuid import UUID, uuid4

from notification_local_servers import LocalHttpServer, local_http_server
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from notification.adapters.address_guard import AddressGuard
from notification.adapters.secret_encryption import WebhookSecretCipher
from notification.adapters.tables import delivery_attempts
from notification.adapters.webhook_deliveries import PostgresWebhookDeliveries
from notification.adapters.webhook_sender import WebhookSender, open_webhook_sender
from notification.config import DEV_SECRETS_ENCRYPTION_KEY
from notification.domain.retry_schedule import RetrySchedule
from notification.domain.webhook_delivery import WebhookDelivery
from notification.domain.webhooks import WebhookEndpoint, WebhookMessage, WebhookSecret
from notification.entrypoints.cli import MIGRATIONS
from notification.service.deliver_due_webhooks import deliver_due_webhooks
from service_kit.database import create_session_factory
from service_kit.migrations import upgrade_to_head

T0 = datetime(2026, 3, 3, 9, 30, tzinfo=UTC)
SCHEDULE = RetrySchedule()
LEASE = timedelta(minutes=2)


@dataclass
class DeliveryWorld:
    store: PostgresWebhookDeliveries
    sender: WebhookSender
    receiver: LocalHttpServer
    engine: AsyncEngine

    async def attempts_of(self, delivery_id: UUID) -> list[tuple[int, str, int | None, str | None]]:
        async with self.engine.connect() as connection:
            rows = await connection.execute(
                select(delivery_attempts)
                .where(delivery_attempts.c.delivery_id == delivery_id)
                .order_by(delivery_attempts.c.attempt)
            )
            return [(row.attempt, row.result, row.status_code, row.reason) for row in rows]

    async def endpoint(self, path: str = "/hooks") -> WebhookEndpoint:
        endpoint = WebhookEndpoint(uuid4(), self.receiver.url(path), (WebhookSecret.generate(),))
        await self.store.add_endpoint(endpoint)
        return endpoint

    async def owe(self, endpoint: WebhookEndpoint, message_id: str = "msg_1") -> WebhookMessage:
        message = WebhookMessage(message_id, b'{"type":"fr.premiere-marche.referral.accepted"}')
        await self.store.enqueue(uuid4(), endpoint.id, message, T0)
        return message

    async def run_at(self, now: datetime) -> list[WebhookDelivery]:
        return await deliver_due_webhooks(
            self.store, self.sender, now=now, schedule=SCHEDULE, rng=Random(9), batch_size=50, lease=LEASE
        )


@asynccontextmanager
async def webhook_world(fresh_database: str) -> AsyncIterator[DeliveryWorld]:
    # Alembic runs its own event loop (asyncio.run), so it needs a thread without one.
    await asyncio.to_thread(upgrade_to_head, MIGRATIONS, fresh_database)
    engine = create_async_engine(fresh_database)
    try:
        async with (
            local_http_server() as receiver,
            open_webhook_sender(
                AddressGuard(["127.0.0.0/8"]), timeout_seconds=2, concurrency_per_endpoint=4
            ) as sender,
        ):
            store = PostgresWebhookDeliveries(
                create_session_factory(engine), WebhookSecretCipher([DEV_SECRETS_ENCRYPTION_KEY])
            )
            yield DeliveryWorld(store, sender, receiver, engine)
    finally:
        await engine.dispose()

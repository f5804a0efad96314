"""Deliveries recorded in the real database and attempted against real receivers on 127.0.0.1, with the
clock passed in: each attempt happens when the schedule says, and never twice."""

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from random import Random
from uuid import UUID, uuid4

import pytest
from notification_local_servers import Answer, LocalHttpServer, local_http_server
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from notification.adapters.address_guard import AddressGuard
from notification.adapters.tables import delivery_attempts
from notification.adapters.webhook_deliveries import PostgresWebhookDeliveries
from notification.adapters.webhook_sender import WebhookSender, open_webhook_sender
from notification.domain.retry_schedule import RetrySchedule
from notification.domain.webhook_delivery import DeliveryStatus, WebhookDelivery
from notification.domain.webhooks import WebhookEndpoint, WebhookMessage, WebhookSecret
from notification.entrypoints.cli import MIGRATIONS
from notification.service.deliver_due_webhooks import deliver_due_webhooks
from service_kit.database import create_session_factory
from service_kit.migrations import upgrade_to_head

T0 = datetime(2026, 3, 3, 9, 30, tzinfo=UTC)
SCHEDULE = RetrySchedule()
LEASE = timedelta(minutes=2)


@pytest.fixture
def database_url(request: pytest.FixtureRequest) -> str:
    if not request.config.pluginmanager.has_plugin("devstack"):
        pytest.skip("needs the real PostgreSQL server of the devstack plugin")
    url = request.getfixturevalue("fresh_database")
    assert isinstance(url, str)
    return url


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


@pytest.fixture
async def world(database_url: str) -> AsyncIterator[DeliveryWorld]:
    # Alembic runs its own event loop (asyncio.run), so it needs a thread without one.
    await asyncio.to_thread(upgrade_to_head, MIGRATIONS, database_url)
    engine = create_async_engine(database_url)
    try:
        async with (
            local_http_server() as receiver,
            open_webhook_sender(
                AddressGuard(["127.0.0.0/8"]), timeout_seconds=2, concurrency_per_endpoint=4
            ) as sender,
        ):
            store = PostgresWebhookDeliveries(create_session_factory(engine))
            yield DeliveryWorld(store, sender, receiver, engine)
    finally:
        await engine.dispose()


async def test_a_receiver_failing_with_500_then_recovering_gets_the_delivery_exactly_once_more_on_schedule(
    world: DeliveryWorld,
) -> None:
    endpoint = await world.endpoint()
    world.receiver.answer("/hooks", Answer(500), Answer(200))
    await world.owe(endpoint)
    low, high = SCHEDULE.bounds_of_wait_after(1) or (timedelta(), timedelta())

    [first] = await world.run_at(T0)
    too_early = await world.run_at(T0 + low - timedelta(seconds=1))
    [second] = await world.run_at(T0 + high)
    long_after = await world.run_at(T0 + timedelta(days=4))

    assert first.status is DeliveryStatus.PENDING
    assert first.next_attempt_at is not None
    assert T0 + low <= first.next_attempt_at <= T0 + high
    assert too_early == []
    assert second.status is DeliveryStatus.DELIVERED
    assert second.attempts == 2
    assert long_after == []
    assert len(world.receiver.requests) == 2
    assert {request.headers["webhook-id"] for request in world.receiver.requests} == {"msg_1"}
    stored = await world.store.get(second.id)
    assert stored is not None
    assert (stored.status, stored.attempts, stored.next_attempt_at) == (DeliveryStatus.DELIVERED, 2, None)
    assert await world.attempts_of(second.id) == [
        (1, "retry", 500, "the receiver answered 500"),
        (2, "delivered", 200, None),
    ]


async def test_410_disables_the_endpoint_and_its_other_deliveries_wait(world: DeliveryWorld) -> None:
    endpoint = await world.endpoint("/gone")
    world.receiver.answer("/gone", Answer(410))
    await world.owe(endpoint, "msg_1")

    [gone] = await world.run_at(T0)
    await world.owe(endpoint, "msg_2")
    later = await world.run_at(T0 + timedelta(minutes=1))

    assert gone.status is DeliveryStatus.ENDPOINT_DISABLED
    assert await world.store.disabled_reason(endpoint.id) == "the receiver answered 410 Gone"
    assert later == []
    assert len(world.receiver.requests) == 1
    assert await world.attempts_of(gone.id) == [
        (1, "endpoint_disabled", 410, "the receiver answered 410 Gone")
    ]


async def test_a_message_owed_twice_to_an_endpoint_is_delivered_once(world: DeliveryWorld) -> None:
    endpoint = await world.endpoint()
    await world.owe(endpoint, "msg_1")
    await world.owe(endpoint, "msg_1")

    delivered = await world.run_at(T0)

    assert [delivery.status for delivery in delivered] == [DeliveryStatus.DELIVERED]
    assert len(world.receiver.requests) == 1


async def test_instances_running_at_the_same_time_never_attempt_a_delivery_twice(
    world: DeliveryWorld,
) -> None:
    endpoint = await world.endpoint()
    world.receiver.answer("/hooks", *[Answer(200, delay_seconds=0.05)] * 8)
    for number in range(8):
        await world.owe(endpoint, f"msg_{number}")

    batches = await asyncio.gather(*(world.run_at(T0) for _ in range(3)))

    assert sum(len(batch) for batch in batches) == 8
    assert sorted(request.headers["webhook-id"] for request in world.receiver.requests) == [
        f"msg_{number}" for number in range(8)
    ]

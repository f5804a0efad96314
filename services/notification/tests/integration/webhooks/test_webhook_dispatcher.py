"""The running service attempts due webhook deliveries by itself, through its dispatcher: a partner that
hangs is cut at the timeout and holds only its own slots, while another partner's deliveries go through."""

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID, uuid4

import pytest
from notification_local_servers import Answer, local_http_server
from standardwebhooks import Webhook

from devstack.eventually import eventually
from notification.adapters.webhook_deliveries import PostgresWebhookDeliveries
from notification.bootstrap import NotificationService, bootstrap
from notification.config import NotificationSettings
from notification.domain.webhook_delivery import DeliveryStatus, WebhookDelivery
from notification.domain.webhooks import WebhookEndpoint, WebhookMessage, WebhookSecret
from notification.entrypoints.cli import MIGRATIONS
from service_kit.database import create_session_factory
from service_kit.migrations import upgrade_to_head

TIMEOUT_SECONDS = 5
CONCURRENCY_PER_ENDPOINT = 2


@dataclass
class RunningDispatcher:
    service: NotificationService
    store: PostgresWebhookDeliveries

    async def endpoint(self, url: str) -> WebhookEndpoint:
        endpoint = WebhookEndpoint(uuid4(), url, (WebhookSecret.generate(),))
        await self.store.add_endpoint(endpoint)
        return endpoint

    async def owe(self, endpoint: WebhookEndpoint, message_id: str, body: bytes = b"{}") -> UUID:
        delivery_id = uuid4()
        await self.store.enqueue(
            delivery_id, endpoint.id, WebhookMessage(message_id, body), datetime.now(UTC)
        )
        return delivery_id

    async def deliveries(self, ids: list[UUID]) -> list[WebhookDelivery]:
        found = [await self.store.get(delivery_id) for delivery_id in ids]
        return [delivery for delivery in found if delivery is not None]


@pytest.fixture
async def running(
    fresh_database: str, isolated_settings: Callable[..., NotificationSettings]
) -> AsyncIterator[RunningDispatcher]:
    await asyncio.to_thread(upgrade_to_head, MIGRATIONS, fresh_database)
    service = bootstrap(
        isolated_settings(
            database_url=fresh_database,
            webhook_allowed_networks=("127.0.0.0/8",),
            webhook_dispatch_interval_seconds=0.05,
            webhook_timeout_seconds=TIMEOUT_SECONDS,
            webhook_concurrency_per_endpoint=CONCURRENCY_PER_ENDPOINT,
        )
    )
    await service.start()
    try:
        yield RunningDispatcher(
            service, PostgresWebhookDeliveries(create_session_factory(service.engine), service.secret_cipher)
        )
    finally:
        await service.stop()


async def test_a_delivery_owed_to_a_partner_arrives_signed_while_the_service_runs(
    running: RunningDispatcher,
) -> None:
    async with local_http_server() as receiver:
        endpoint = await running.endpoint(receiver.url("/hooks"))
        delivery_id = await running.owe(endpoint, "msg_1", b'{"seq":1}')

        [stored] = await eventually(
            lambda: running.deliveries([delivery_id]),
            lambda found: found[0].status is not DeliveryStatus.PENDING,
        )

    [request] = receiver.requests
    assert Webhook(endpoint.secrets[0].shared_form).verify(request.body, request.headers) == {"seq": 1}
    assert stored.status is DeliveryStatus.DELIVERED
    registry = running.service.metrics.registry
    assert registry.get_sample_value("webhook_attempts_total", {"result": "delivered"}) == 1


async def test_a_partner_that_hangs_is_cut_at_the_timeout_and_another_partner_is_not_held_back(
    running: RunningDispatcher,
) -> None:
    async with local_http_server(Answer(hang=True)) as hanging, local_http_server() as prompt:
        slow_partner = await running.endpoint(hanging.url("/hooks"))
        other_partner = await running.endpoint(prompt.url("/hooks"))
        hanging_ids = [await running.owe(slow_partner, f"slow_{number}") for number in range(6)]
        await eventually(lambda: _now(len(hanging.requests)), lambda n: n >= CONCURRENCY_PER_ENDPOINT)
        other_ids = [await running.owe(other_partner, f"other_{number}") for number in range(6)]

        others = await eventually(
            lambda: running.deliveries(other_ids),
            lambda found: all(d.status is DeliveryStatus.DELIVERED for d in found),
        )
        slow_while_others_arrived = await running.deliveries(hanging_ids)
        slow_requests_while_others_arrived = len(hanging.requests)
        cut = await eventually(
            lambda: running.deliveries(hanging_ids),
            lambda found: sum(d.attempts for d in found) >= CONCURRENCY_PER_ENDPOINT,
            timeout_seconds=TIMEOUT_SECONDS * 6,
        )

    assert [d.status for d in others] == [DeliveryStatus.DELIVERED] * 6
    assert sum(d.attempts for d in slow_while_others_arrived) == 0, "the hanging requests were still open"
    assert slow_requests_while_others_arrived == CONCURRENCY_PER_ENDPOINT, "it held only its own slots"
    timed_out = [d for d in cut if d.attempts]
    assert timed_out
    assert all(d.status is DeliveryStatus.PENDING for d in timed_out)
    assert all(d.last_outcome == "the receiver did not answer in time" for d in timed_out)


async def _now(value: int) -> int:
    return value

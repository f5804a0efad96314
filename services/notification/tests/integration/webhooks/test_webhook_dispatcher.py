"""The running service attempts due webhook deliveries by itself, through its dispatcher."""

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from uuid import uuid4

import pytest
from notification_local_servers import local_http_server
from standardwebhooks import Webhook

from notification.adapters.webhook_deliveries import PostgresWebhookDeliveries
from notification.bootstrap import bootstrap
from notification.config import NotificationSettings
from notification.domain.webhook_delivery import DeliveryStatus
from notification.domain.webhooks import WebhookEndpoint, WebhookMessage, WebhookSecret
from notification.entrypoints.cli import MIGRATIONS
from service_kit.database import create_session_factory
from service_kit.migrations import upgrade_to_head


@pytest.fixture
def database_url(request: pytest.FixtureRequest) -> str:
    if not request.config.pluginmanager.has_plugin("devstack"):
        pytest.skip("needs the real PostgreSQL server of the devstack plugin")
    url = request.getfixturevalue("fresh_database")
    assert isinstance(url, str)
    return url


async def test_a_delivery_owed_to_a_partner_arrives_signed_while_the_service_runs(
    database_url: str, isolated_settings: Callable[..., NotificationSettings]
) -> None:
    await asyncio.to_thread(upgrade_to_head, MIGRATIONS, database_url)
    service = bootstrap(
        isolated_settings(
            database_url=database_url,
            webhook_allowed_networks=("127.0.0.0/8",),
            webhook_dispatch_interval_seconds=0.05,
        )
    )
    secret = WebhookSecret.generate()
    async with local_http_server() as receiver:
        await service.start()
        try:
            store = PostgresWebhookDeliveries(create_session_factory(service.engine))
            endpoint = WebhookEndpoint(uuid4(), receiver.url("/hooks"), (secret,))
            await store.add_endpoint(endpoint)
            delivery_id = uuid4()
            await store.enqueue(
                delivery_id, endpoint.id, WebhookMessage("msg_1", b'{"seq":1}'), datetime.now(UTC)
            )

            for _ in range(250):  # up to five seconds
                stored = await store.get(delivery_id)
                if stored is not None and stored.status is not DeliveryStatus.PENDING:
                    break
                await asyncio.sleep(0.02)
        finally:
            await service.stop()

    [request] = receiver.requests
    assert Webhook(secret.shared_form).verify(request.body, request.headers) == {"seq": 1}
    assert stored is not None
    assert stored.status is DeliveryStatus.DELIVERED
    assert service.metrics.registry.get_sample_value("webhook_attempts_total", {"result": "delivered"}) == 1

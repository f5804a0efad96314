"""Webhooks never reach loopback, private, link-local or unique-local addresses unless explicitly allowed."""

from datetime import UTC, datetime
from random import Random
from uuid import uuid4

import pytest
from notification_local_servers import local_http_server

from notification.adapters.address_guard import AddressGuard, DestinationRefusedError
from notification.adapters.webhook_sender import open_webhook_sender
from notification.domain.delivery_decision import DestinationRefused, DisableEndpoint
from notification.domain.retry_schedule import RetrySchedule
from notification.domain.webhooks import WebhookEndpoint, WebhookMessage, WebhookSecret
from notification.service.deliver_webhook import attempt_webhook_delivery

MESSAGE = WebhookMessage("msg_1", b"{}")
NO_ALLOW_LIST = AddressGuard()


def endpoint_at(url: str) -> WebhookEndpoint:
    return WebhookEndpoint(uuid4(), url, (WebhookSecret.generate(),))


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/hooks",
        "http://localhost/hooks",
        "http://[::1]/hooks",
        "http://10.0.0.8/hooks",
        "https://192.168.1.20/hooks",
        "http://172.16.5.4/hooks",
        "http://169.254.169.254/latest/meta-data",
        "http://[fe80::1]/hooks",
        "http://[fd12:3456::1]/hooks",
        "http://[::ffff:127.0.0.1]/hooks",
        "http://0.0.0.0/hooks",
    ],
)
async def test_a_url_resolving_inside_our_network_is_refused_at_registration(url: str) -> None:
    with pytest.raises(DestinationRefusedError):
        await NO_ALLOW_LIST.check_url(url)


@pytest.mark.parametrize("url", ["ftp://example.org/hooks", "file:///etc/passwd", "http:///hooks"])
async def test_only_http_and_https_urls_with_a_host_are_accepted(url: str) -> None:
    with pytest.raises(DestinationRefusedError, match="http or https"):
        await NO_ALLOW_LIST.check_url(url)


async def test_a_public_address_is_accepted() -> None:
    await NO_ALLOW_LIST.check_url("https://93.184.216.34/hooks")


async def test_an_allow_listed_network_is_accepted_for_local_development() -> None:
    await AddressGuard(allowed_networks=["127.0.0.0/8"]).check_url("http://127.0.0.1:8080/hooks")


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
async def test_at_send_time_a_private_destination_is_refused_before_any_request_and_disables_the_endpoint(
    host: str,
) -> None:
    async with (
        local_http_server() as receiver,
        open_webhook_sender(NO_ALLOW_LIST, timeout_seconds=2, concurrency_per_endpoint=1) as sender,
    ):
        endpoint = endpoint_at(receiver.url("/hooks").replace("127.0.0.1", host))

        outcome = await sender.send(endpoint, MESSAGE)
        decision = await attempt_webhook_delivery(
            endpoint,
            MESSAGE,
            attempt=1,
            transport=sender,
            schedule=RetrySchedule(),
            now=datetime.now(UTC),
            rng=Random(1),
        )

    assert isinstance(outcome, DestinationRefused)
    assert "loopback" in outcome.reason
    assert isinstance(decision, DisableEndpoint)
    assert receiver.requests == []

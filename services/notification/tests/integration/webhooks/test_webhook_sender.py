"""The sender against real receivers on 127.0.0.1: retries on schedule, 410, 429, timeouts, isolation."""

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from random import Random
from uuid import uuid4

import pytest
from notification_local_servers import Answer, local_http_server
from standardwebhooks import Webhook

from notification.adapters.address_guard import AddressGuard
from notification.adapters.webhook_sender import WebhookSender, open_webhook_sender
from notification.domain.delivery_decision import (
    Answered,
    ConnectionFailed,
    Delivered,
    DisableEndpoint,
    GiveUp,
    RetryLater,
    TimedOut,
)
from notification.domain.retry_schedule import RetrySchedule
from notification.domain.webhooks import WebhookEndpoint, WebhookMessage, WebhookSecret
from notification.service.deliver_webhook import attempt_webhook_delivery

LOCAL_RECEIVERS = AddressGuard(allowed_networks=["127.0.0.0/8"])
SECRET = WebhookSecret.generate()
MESSAGE = WebhookMessage("msg_2Yx", b'{"id":"1","type":"fr.premiere-marche.referral.accepted"}')
SCHEDULE = RetrySchedule()
TIMEOUT_SECONDS = 1.0


def endpoint_at(url: str) -> WebhookEndpoint:
    return WebhookEndpoint(uuid4(), url, (SECRET,))


@pytest.fixture
async def sender() -> AsyncIterator[WebhookSender]:
    async with open_webhook_sender(
        LOCAL_RECEIVERS, timeout_seconds=TIMEOUT_SECONDS, concurrency_per_endpoint=2
    ) as sender:
        yield sender


async def test_a_receiver_failing_with_500_then_recovering_gets_the_delivery_once_more_on_schedule(
    sender: WebhookSender,
) -> None:
    async with local_http_server() as receiver:
        receiver.answer("/hooks", Answer(500), Answer(200))
        endpoint = endpoint_at(receiver.url("/hooks"))
        now, rng = datetime.now(UTC), Random(5)

        first = await attempt_webhook_delivery(
            endpoint, MESSAGE, attempt=1, transport=sender, schedule=SCHEDULE, now=now, rng=rng
        )
        second = await attempt_webhook_delivery(
            endpoint, MESSAGE, attempt=2, transport=sender, schedule=SCHEDULE, now=now, rng=rng
        )

    bounds = SCHEDULE.bounds_of_wait_after(1)
    assert bounds is not None
    assert isinstance(first, RetryLater)
    assert bounds[0] <= first.wait <= bounds[1]
    assert second == Delivered()
    assert len(receiver.requests) == 2
    assert {request.headers["webhook-id"] for request in receiver.requests} == {MESSAGE.id}
    for request in receiver.requests:
        Webhook(SECRET.shared_form).verify(request.body, request.headers, json_parse=False)


async def test_410_gone_disables_the_endpoint(sender: WebhookSender) -> None:
    async with local_http_server(Answer(410)) as receiver:
        decision = await attempt_webhook_delivery(
            endpoint_at(receiver.url("/hooks")),
            MESSAGE,
            attempt=1,
            transport=sender,
            schedule=SCHEDULE,
            now=datetime.now(UTC),
            rng=Random(1),
        )

    assert isinstance(decision, DisableEndpoint)


async def test_429_is_retried_after_what_retry_after_asks(sender: WebhookSender) -> None:
    async with local_http_server(Answer(429, headers={"Retry-After": "90"})) as receiver:
        decision = await attempt_webhook_delivery(
            endpoint_at(receiver.url("/hooks")),
            MESSAGE,
            attempt=1,
            transport=sender,
            schedule=SCHEDULE,
            now=datetime.now(UTC),
            rng=Random(1),
        )

    assert isinstance(decision, RetryLater)
    assert decision.wait == timedelta(seconds=90)


async def test_a_404_is_given_up(sender: WebhookSender) -> None:
    async with local_http_server(Answer(404)) as receiver:
        decision = await attempt_webhook_delivery(
            endpoint_at(receiver.url("/hooks")),
            MESSAGE,
            attempt=1,
            transport=sender,
            schedule=SCHEDULE,
            now=datetime.now(UTC),
            rng=Random(1),
        )

    assert isinstance(decision, GiveUp)


async def test_a_redirect_is_not_followed(sender: WebhookSender) -> None:
    async with local_http_server(Answer(307, headers={"Location": "http://10.0.0.1/"})) as receiver:
        outcome = await sender.send(endpoint_at(receiver.url("/hooks")), MESSAGE)

    assert outcome == Answered(307)
    assert len(receiver.requests) == 1


async def test_a_receiver_that_hangs_is_cut_at_the_timeout_and_does_not_slow_another_partner(
    sender: WebhookSender,
) -> None:
    async with local_http_server(Answer(hang=True)) as hanging, local_http_server() as prompt:
        slow_partner, other_partner = endpoint_at(hanging.url("/hooks")), endpoint_at(prompt.url("/hooks"))
        loop = asyncio.get_running_loop()
        started = loop.time()
        # More deliveries to the hanging partner than its concurrency limit, all at once.
        hanging_deliveries = [asyncio.create_task(sender.send(slow_partner, MESSAGE)) for _ in range(4)]
        await asyncio.sleep(0.05)

        other_outcome = await sender.send(other_partner, MESSAGE)
        other_finished = loop.time() - started
        hanging_outcomes = await asyncio.gather(*hanging_deliveries)
        all_finished = loop.time() - started

    assert other_outcome == Answered(200)
    assert other_finished < TIMEOUT_SECONDS / 2
    assert hanging_outcomes == [TimedOut()] * 4
    # Two at a time: the next two are sent only once the first two are cut at the timeout.
    arrivals = sorted(request.received_at for request in hanging.requests)
    assert arrivals[2] - arrivals[1] >= TIMEOUT_SECONDS * 0.9
    assert 2 * TIMEOUT_SECONDS <= all_finished < 4 * TIMEOUT_SECONDS


async def test_a_partner_receives_at_most_its_concurrency_limit_at_once(sender: WebhookSender) -> None:
    async with local_http_server(Answer(delay_seconds=0.1)) as receiver:
        endpoint = endpoint_at(receiver.url("/hooks"))

        outcomes = await asyncio.gather(*(sender.send(endpoint, MESSAGE) for _ in range(6)))

    assert outcomes == [Answered(200)] * 6
    assert receiver.most_in_flight == 2


async def test_a_receiver_that_is_not_listening_is_a_connection_failure_to_retry(
    sender: WebhookSender,
) -> None:
    async with local_http_server() as receiver:
        url = receiver.url("/hooks")

    outcome = await sender.send(endpoint_at(url), MESSAGE)

    assert isinstance(outcome, ConnectionFailed)

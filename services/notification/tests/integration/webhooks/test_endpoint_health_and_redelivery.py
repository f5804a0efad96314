"""Regional operators read each endpoint's health from the delivery record and ask for re-delivery, on the
real database with real receivers; the commands are run as an operator runs them."""

import asyncio
import json
import os
import subprocess
import sys
from datetime import timedelta
from typing import Any
from uuid import uuid4

import pytest
from notification_local_servers import Answer
from notification_webhook_world import T0, DeliveryWorld

from notification.adapters.endpoint_health import endpoint_health
from notification.adapters.redeliveries import SqlRedeliveries
from notification.domain.redelivery import EndpointsDisabledError, RedeliverySelection
from notification.domain.webhook_delivery import DeliveryStatus
from notification.service.redeliver import redeliver
from service_kit.database import create_session_factory


async def health_of(world: DeliveryWorld) -> list[Any]:
    async with create_session_factory(world.engine)() as session:
        return await endpoint_health(session, T0 - timedelta(hours=1))


async def redeliver_in_one_transaction(
    world: DeliveryWorld, selection: RedeliverySelection, *, enable_endpoint: bool = False
) -> Any:
    async with create_session_factory(world.engine)() as session, session.begin():
        return await redeliver(
            selection, SqlRedeliveries(session), now=T0 + timedelta(hours=1), enable_endpoint=enable_endpoint
        )


async def test_health_shows_disabled_endpoints_first_then_by_falling_success_rate_with_the_last_error(
    world: DeliveryWorld,
) -> None:
    healthy, failing, gone = [await world.endpoint(path) for path in ("/ok", "/failing", "/gone")]
    world.receiver.answer("/failing", Answer(503), Answer(200))
    world.receiver.answer("/gone", Answer(410))
    for endpoint in (healthy, failing, gone):
        await world.owe(endpoint, "msg_1")
    await world.owe(failing, "msg_2")

    await world.run_at(T0)

    [first, second, third] = await health_of(world)
    assert (first.endpoint_id, first.disabled_reason) == (gone.id, "the receiver answered 410 Gone")
    assert first.last_error.status_code == 410
    assert (second.endpoint_id, second.attempts, second.delivered, second.success_rate) == (
        failing.id,
        2,
        1,
        0.5,
    )
    assert (second.last_error.status_code, second.last_error.reason) == (503, "the receiver answered 503")
    assert (second.pending, second.oldest_pending_since is not None) == (1, True)
    assert (third.endpoint_id, third.success_rate, third.last_error, third.pending) == (
        healthy.id,
        1.0,
        None,
        0,
    )


async def test_an_endpoint_disabled_by_a_410_is_re_enabled_only_when_asked_and_gets_what_it_missed(
    world: DeliveryWorld,
) -> None:
    endpoint = await world.endpoint("/gone")
    world.receiver.answer("/gone", Answer(410))
    await world.owe(endpoint, "msg_1")
    [stopped] = await world.run_at(T0)
    await world.owe(endpoint, "msg_2")
    selection = RedeliverySelection(endpoint_id=endpoint.id, ended_since=T0 - timedelta(minutes=1))

    with pytest.raises(EndpointsDisabledError):
        await redeliver_in_one_transaction(world, selection)
    nothing_while_disabled = await world.run_at(T0 + timedelta(hours=2))
    done = await redeliver_in_one_transaction(world, selection, enable_endpoint=True)
    delivered = await world.run_at(T0 + timedelta(hours=2))

    assert stopped.status is DeliveryStatus.ENDPOINT_DISABLED
    assert nothing_while_disabled == []
    assert (done.webhooks, done.enabled_endpoints) == ((stopped.id,), (endpoint.id,))
    assert sorted(d.message.id for d in delivered) == ["msg_1", "msg_2"], "what waited goes too"
    assert all(d.status is DeliveryStatus.DELIVERED and d.attempts == 1 for d in delivered)
    assert [r.headers["webhook-id"] for r in world.receiver.requests] in (
        ["msg_1", "msg_1", "msg_2"],
        ["msg_1", "msg_2", "msg_1"],
    )
    assert await world.store.disabled_reason(endpoint.id) is None


async def test_a_delivered_message_can_be_sent_again_by_id_under_the_same_webhook_id(
    world: DeliveryWorld,
) -> None:
    endpoint = await world.endpoint()
    await world.owe(endpoint, "msg_1")
    [delivered] = await world.run_at(T0)
    unknown = uuid4()

    done = await redeliver_in_one_transaction(
        world, RedeliverySelection(delivery_ids=(delivered.id, unknown))
    )
    [again] = await world.run_at(T0 + timedelta(hours=1))

    assert (done.webhooks, done.unknown) == ((delivered.id,), (unknown,))
    assert again.status is DeliveryStatus.DELIVERED
    assert [r.headers["webhook-id"] for r in world.receiver.requests] == ["msg_1", "msg_1"]
    assert [row[1] for row in await world.attempts_of(delivered.id)] == ["delivered", "delivered"]


async def test_the_operator_commands_read_health_and_redeliver(
    world: DeliveryWorld, fresh_database: str
) -> None:
    endpoint = await world.endpoint("/gone")
    world.receiver.answer("/gone", Answer(410))
    await world.owe(endpoint, "msg_1")
    await world.run_at(T0)

    health = await notification_command(fresh_database, "endpoint-health", "--hours", "100000", "--json")
    refused = await notification_command(
        fresh_database,
        "redeliver",
        "--endpoint",
        str(endpoint.id),
        "--ended-since-hours",
        "100000",
        check=False,
    )
    enabled = await notification_command(
        fresh_database, "redeliver", "--endpoint", str(endpoint.id), "--ended-since-hours", "100000",
        "--enable-endpoint",
    )  # fmt: skip

    [document] = [json.loads(line) for line in health.stdout.splitlines()]
    assert (document["endpoint_id"], document["disabled_reason"]) == (
        str(endpoint.id),
        "the receiver answered 410 Gone",
    )
    assert (document["attempts"], document["success_rate"], document["last_error"]["status_code"]) == (
        1,
        0.0,
        410,
    )
    assert refused.returncode == 2
    assert "--enable-endpoint" in refused.stderr
    assert enabled.stdout.splitlines() == [
        "webhooks due again 1, e-mails due again 0",
        f"endpoint re-enabled {endpoint.id}",
    ]


async def notification_command(
    database_url: str, *arguments: str, check: bool = True
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NOTIFICATION_DATABASE_URL": database_url, "NOTIFICATION_LOG_LEVEL": "WARNING"}
    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "notification", *arguments],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if check:
        assert done.returncode == 0, done.stderr
    return done

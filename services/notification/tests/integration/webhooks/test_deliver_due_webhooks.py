"""Deliveries recorded in the real database and attempted against real receivers on 127.0.0.1, with the
clock passed in: each attempt happens when the schedule says, and never twice."""

import asyncio
from datetime import timedelta

from notification_local_servers import Answer
from notification_webhook_world import SCHEDULE, T0, DeliveryWorld

from notification.domain.webhook_delivery import DeliveryStatus


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

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from uuid import uuid4

import asyncpg
import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from devstack.eventually import eventually
from event_contracts.envelope import CloudEvent
from event_contracts.kafka_binding import from_kafka_record
from service_kit.database import create_session_factory, libpq_url
from service_kit.metrics import ServiceMetrics
from service_kit.outbox import OUTBOX_CHANNEL, add_all_to_outbox, add_to_outbox
from service_kit.outbox_relay import RELAY_LOCK_KEY, OutboxRelay
from service_kit.producer import EventProducer

NewTopic = Callable[..., Awaitable[str]]
ReadTopic = Callable[[str], Awaitable[list]]  # type: ignore[type-arg]


class Boom(Exception):
    pass


async def write_events(engine: AsyncEngine, topic: str, events: list[CloudEvent]) -> None:
    async with create_session_factory(engine)() as session, session.begin():
        for event in events:
            await add_to_outbox(session, event, topic=topic)


async def test_committed_events_are_published_in_order_and_marked(
    messaging_engine: AsyncEngine,
    kafka_bootstrap_servers: str,
    new_topic: NewTopic,
    read_topic: ReadTopic,
    referral_sent: Callable[..., CloudEvent],
) -> None:
    topic = await new_topic("outbox-order", partitions=3)
    person = uuid4()
    events = [referral_sent(person) for _ in range(20)]
    await write_events(messaging_engine, topic, events)

    async with EventProducer(kafka_bootstrap_servers, client_id="test") as producer:
        relay = OutboxRelay(messaging_engine, producer, ServiceMetrics(), batch_size=7)
        published = [await relay.publish_pending() for _ in range(4)]
        backlog = await relay.backlog()

    records = await read_topic(topic)
    assert published == [7, 7, 6, 0]
    assert backlog == 0
    assert [from_kafka_record(r.key, r.value, r.headers) for r in records] == events
    assert {r.key for r in records} == {str(person).encode()}


async def test_events_added_together_are_written_in_one_go_and_published_in_their_order(
    messaging_engine: AsyncEngine,
    kafka_bootstrap_servers: str,
    new_topic: NewTopic,
    read_topic: ReadTopic,
    referral_sent: Callable[..., CloudEvent],
) -> None:
    topic = await new_topic("outbox-together", partitions=1)
    events = [referral_sent() for _ in range(5)]
    statements: list[str] = []

    def note_statement(*arguments: object) -> None:
        statements.append(str(arguments[2]))

    async with create_session_factory(messaging_engine)() as session, session.begin():
        connection = (await session.connection()).sync_connection
        assert connection is not None
        event.listen(connection, "before_cursor_execute", note_statement)
        await add_all_to_outbox(session, events[:3], topic=topic)
        await add_all_to_outbox(session, [], topic=topic)
        await add_to_outbox(session, events[3], topic=topic)
        await add_all_to_outbox(session, events[4:], topic=topic)
        event.remove(connection, "before_cursor_execute", note_statement)

    async with EventProducer(kafka_bootstrap_servers, client_id="test") as producer:
        await OutboxRelay(messaging_engine, producer, ServiceMetrics()).publish_pending()

    assert [from_kafka_record(r.key, r.value, r.headers) for r in await read_topic(topic)] == events
    # One statement per call that has events, each inserting its rows and waking the relay.
    assert len(statements) == 3
    assert all("INSERT INTO outbox" in statement and "pg_notify" in statement for statement in statements)


async def test_an_event_whose_transaction_fails_is_never_published(
    messaging_engine: AsyncEngine,
    kafka_bootstrap_servers: str,
    new_topic: NewTopic,
    read_topic: ReadTopic,
    referral_sent: Callable[..., CloudEvent],
) -> None:
    topic = await new_topic("outbox-atomic")

    async def write_then_fail() -> None:
        async with create_session_factory(messaging_engine)() as session, session.begin():
            await add_to_outbox(session, referral_sent(), topic=topic)
            raise Boom

    with pytest.raises(Boom):
        await write_then_fail()
    kept = referral_sent()
    await write_events(messaging_engine, topic, [kept])

    async with EventProducer(kafka_bootstrap_servers, client_id="test") as producer:
        await OutboxRelay(messaging_engine, producer, ServiceMetrics()).publish_pending()

    records = await read_topic(topic)
    assert [from_kafka_record(r.key, r.value, r.headers) for r in records] == [kept]


async def test_several_relays_publish_each_event_once_and_in_commit_order(
    messaging_engine: AsyncEngine,
    kafka_bootstrap_servers: str,
    new_topic: NewTopic,
    read_topic: ReadTopic,
    referral_sent: Callable[..., CloudEvent],
) -> None:
    topic = await new_topic("outbox-relays", partitions=1)
    events = [referral_sent() for _ in range(300)]

    async with EventProducer(kafka_bootstrap_servers, client_id="test") as producer:
        relays = [
            OutboxRelay(
                messaging_engine, producer, ServiceMetrics(), batch_size=10, poll_interval_seconds=0.05
            )
            for _ in range(3)
        ]
        tasks = [asyncio.create_task(relay.run()) for relay in relays]
        for start in range(0, len(events), 30):
            await write_events(messaging_engine, topic, events[start : start + 30])
        remaining = await eventually(relays[0].backlog, lambda backlog: backlog == 0)
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    records = await read_topic(topic)
    assert remaining == 0
    assert [from_kafka_record(r.key, r.value, r.headers).id for r in records] == [e.id for e in events]


async def test_a_commit_wakes_the_relay_without_waiting_for_its_poll(
    messaging_engine: AsyncEngine,
    kafka_bootstrap_servers: str,
    new_topic: NewTopic,
    read_topic: ReadTopic,
    referral_sent: Callable[..., CloudEvent],
) -> None:
    topic = await new_topic("outbox-notify")
    async with EventProducer(kafka_bootstrap_servers, client_id="test") as producer:
        relay = OutboxRelay(messaging_engine, producer, ServiceMetrics(), poll_interval_seconds=3600)
        task = asyncio.create_task(relay.run())
        await asyncio.wait_for(relay.listening.wait(), timeout=20)
        await write_events(messaging_engine, topic, [referral_sent()])
        records = await eventually(
            lambda: read_topic(topic), lambda found: len(found) == 1, timeout_seconds=20
        )
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    assert len(records) == 1


async def test_every_commit_that_wrote_to_the_outbox_notifies_the_relay_once(
    messaging_engine: AsyncEngine, referral_sent: Callable[..., CloudEvent]
) -> None:
    received: list[str] = []
    listener = await asyncpg.connect(libpq_url(messaging_engine.url.render_as_string(hide_password=False)))
    await listener.add_listener(OUTBOX_CHANNEL, lambda *notification: received.append(notification[2]))
    try:
        async with create_session_factory(messaging_engine)() as session:
            for _ in range(2):
                async with session.begin():
                    for _ in range(3):
                        await add_to_outbox(session, referral_sent(), topic="t")
        notified = await eventually(lambda: asyncio.sleep(0, list(received)), lambda found: len(found) == 2)
    finally:
        await listener.close()

    assert notified == [OUTBOX_CHANNEL, OUTBOX_CHANNEL]


async def test_the_backlog_gauge_counts_what_waits_while_another_relay_publishes_and_is_zero_once_drained(
    messaging_engine: AsyncEngine,
    kafka_bootstrap_servers: str,
    new_topic: NewTopic,
    referral_sent: Callable[..., CloudEvent],
) -> None:
    topic = await new_topic("outbox-backlog")
    await write_events(messaging_engine, topic, [referral_sent() for _ in range(3)])
    metrics = ServiceMetrics()

    async def backlog_shown() -> float | None:
        return metrics.registry.get_sample_value("outbox_backlog")

    other_relay = await asyncpg.connect(libpq_url(messaging_engine.url.render_as_string(hide_password=False)))
    async with EventProducer(kafka_bootstrap_servers, client_id="test") as producer:
        relay = OutboxRelay(messaging_engine, producer, metrics, poll_interval_seconds=0.05)
        try:
            async with other_relay.transaction():
                await other_relay.execute("SELECT pg_advisory_xact_lock($1)", RELAY_LOCK_KEY)
                task = asyncio.create_task(relay.run())
                while_locked_out = await eventually(backlog_shown, lambda shown: shown == 3)
            once_drained = await eventually(backlog_shown, lambda shown: shown == 0)
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            await other_relay.close()

    assert while_locked_out == 3
    assert once_drained == 0

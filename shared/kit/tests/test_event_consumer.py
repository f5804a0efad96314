"""The event consumer on a real broker and database: applied once, retried in place, or dead-lettered."""

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.structs import TopicPartition
from sqlalchemy import Column, MetaData, String, Table, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from devstack.eventually import eventually
from event_contracts.envelope import CloudEvent
from event_contracts.kafka_binding import to_kafka_record
from event_contracts.topics import dead_letter_topic
from service_kit import dead_letters as dlq
from service_kit.broker import create_broker
from service_kit.database import create_session_factory
from service_kit.dead_letters import DeadLetters
from service_kit.event_consumer import EventConsumer, EventHandler
from service_kit.metrics import ServiceMetrics
from service_kit.producer import EventProducer
from service_kit.retry import Backoff
from service_kit.subscriptions import subscribe
from service_kit.trace_context import current_traceparent

NewTopic = Callable[..., Awaitable[str]]
ReadTopic = Callable[[str], Awaitable[list]]  # type: ignore[type-arg]

applied = Table("applied", MetaData(), Column("event_id", String, primary_key=True))
FAST_BACKOFF = Backoff(initial_seconds=0.01, maximum_seconds=0.05, unexpected_error_attempts=3)


@dataclass
class RunningConsumer:
    topic: str
    group: str
    metrics: ServiceMetrics
    engine: AsyncEngine
    bootstrap: str
    calls: list[str] = field(default_factory=list)

    async def applied_ids(self) -> list[str]:
        async with self.engine.connect() as connection:
            return list((await connection.execute(select(applied.c.event_id))).scalars())

    def outcome(self, outcome: str) -> float:
        return self.metrics.events_consumed.labels(consumer=self.group, outcome=outcome)._value.get()

    async def committed_offset(self) -> int | None:
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self.bootstrap, group_id=self.group, enable_auto_commit=False
        )
        await consumer.start()
        try:
            return await consumer.committed(TopicPartition(self.topic, 0))
        finally:
            await consumer.stop()


def recording(calls: list[str]) -> EventHandler:
    async def record(event: CloudEvent, session: AsyncSession) -> None:
        calls.append(str(event.id))
        await session.execute(applied.insert().values(event_id=str(event.id)))

    return record


@pytest.fixture
async def start_consumer(
    messaging_engine: AsyncEngine, kafka_bootstrap_servers: str, new_topic: NewTopic
) -> AsyncIterator[Callable[..., Awaitable[RunningConsumer]]]:
    async with messaging_engine.begin() as connection:
        await connection.run_sync(applied.metadata.create_all)
    stops: list[Callable[[], Awaitable[None]]] = []

    async def start(handler_factory: Callable[[list[str]], EventHandler] = recording) -> RunningConsumer:
        topic = await new_topic("consumer", with_dead_letter=True)
        running = RunningConsumer(
            topic=topic,
            group=f"{topic}.group",
            metrics=ServiceMetrics(),
            engine=messaging_engine,
            bootstrap=kafka_bootstrap_servers,
        )
        producer = EventProducer(kafka_bootstrap_servers, client_id="test-dlq")
        await producer.start()
        broker = create_broker(kafka_bootstrap_servers, client_id="test")
        consumer = EventConsumer(
            name=running.group,
            handler=handler_factory(running.calls),
            session_factory=create_session_factory(messaging_engine),
            dead_letters=DeadLetters(producer, running.metrics),
            metrics=running.metrics,
            backoff=FAST_BACKOFF,
        )
        subscribe(broker, consumer, topics=[topic])
        await broker.start()

        async def stop() -> None:
            await broker.stop()
            await producer.stop()

        stops.append(stop)
        return running

    yield start
    for stop in stops:
        await stop()


async def produce(bootstrap: str, topic: str, records: list[tuple[bytes | None, bytes | None, list]]) -> None:  # type: ignore[type-arg]
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True)
    await producer.start()
    try:
        for key, value, headers in records:
            await producer.send_and_wait(topic, key=key, value=value, headers=headers)
    finally:
        await producer.stop()


def as_record(event: CloudEvent) -> tuple[bytes, bytes, list[tuple[str, bytes]]]:
    record = to_kafka_record(event)
    return record.key, record.value, list(record.headers)


def headers_of(record) -> dict[str, bytes]:  # type: ignore[no-untyped-def]
    return dict(record.headers)


async def test_bad_messages_are_dead_lettered_with_their_origin_and_later_events_still_flow(
    start_consumer: Callable[..., Awaitable[RunningConsumer]],
    read_topic: ReadTopic,
    referral_sent: Callable[..., CloudEvent],
) -> None:
    running = await start_consumer()
    before, after = referral_sent(), referral_sent()
    key, valid_value, valid_headers = as_record(referral_sent())
    schema_invalid = json.loads(valid_value)
    del schema_invalid["referral_id"]
    await produce(
        running.bootstrap,
        running.topic,
        [
            as_record(before),
            (b"someone", b"\x00not json", [("ce_type", b"\xff\xfe")]),
            (key, json.dumps(schema_invalid).encode(), valid_headers),
            as_record(after),
        ],
    )

    ids = await eventually(running.applied_ids, lambda found: len(found) == 2)
    dead = await eventually(
        lambda: read_topic(dead_letter_topic(running.topic)), lambda found: len(found) == 2
    )

    assert sorted(ids) == sorted([str(before.id), str(after.id)])
    undecodable, invalid = (headers_of(record) for record in dead)
    assert undecodable[dlq.ORIGIN_TOPIC] == running.topic.encode()
    assert undecodable[dlq.ORIGIN_PARTITION] == b"0"
    assert undecodable[dlq.ORIGIN_OFFSET] == b"1"
    assert undecodable[dlq.ORIGIN_CONSUMER] == running.group.encode()
    assert undecodable[dlq.ERROR_CLASS] == b"UndecodableEvent"
    assert undecodable["ce_type"] == b"\xff\xfe", "the original headers are kept byte for byte"
    assert dead[0].value == b"\x00not json"
    assert invalid[dlq.ORIGIN_OFFSET] == b"2"
    assert invalid[dlq.ERROR_CLASS] == b"SchemaInvalidEvent"
    assert b"referral_id" in invalid[dlq.REASON]
    assert (
        running.metrics.dead_letters.labels(topic=running.topic, error_class="UndecodableEvent")._value.get()
        == 1
    )
    assert running.outcome("dead_lettered") == 2
    assert await eventually(running.committed_offset, lambda offset: offset == 4) == 4


async def test_a_redelivered_event_is_applied_once(
    start_consumer: Callable[..., Awaitable[RunningConsumer]], referral_sent: Callable[..., CloudEvent]
) -> None:
    running = await start_consumer()
    event = referral_sent()
    await produce(running.bootstrap, running.topic, [as_record(event), as_record(event), as_record(event)])

    await eventually(lambda: asyncio.sleep(0, running.outcome("duplicate")), lambda count: count == 2)

    assert await running.applied_ids() == [str(event.id)]
    assert running.calls == [str(event.id)]
    assert running.outcome("applied") == 1


async def test_a_transient_failure_is_retried_in_place_and_applied_once(
    start_consumer: Callable[..., Awaitable[RunningConsumer]], referral_sent: Callable[..., CloudEvent]
) -> None:
    def flaky(calls: list[str]) -> EventHandler:
        async def handle(event: CloudEvent, session: AsyncSession) -> None:
            calls.append(str(event.id))
            await session.execute(applied.insert().values(event_id=str(event.id)))
            if len(calls) <= 2:
                raise OperationalError("INSERT", {}, ConnectionResetError())

        return handle

    running = await start_consumer(flaky)
    first, second = referral_sent(), referral_sent()
    await produce(running.bootstrap, running.topic, [as_record(first), as_record(second)])

    ids = await eventually(running.applied_ids, lambda found: len(found) == 2)

    assert sorted(ids) == sorted([str(first.id), str(second.id)])
    assert running.calls == [str(first.id)] * 3 + [str(second.id)], "order holds: the second waits"
    assert running.metrics.transient_retries.labels(consumer=running.group)._value.get() == 2


async def test_a_handler_that_keeps_failing_unexpectedly_is_dead_lettered_after_a_few_attempts(
    start_consumer: Callable[..., Awaitable[RunningConsumer]],
    read_topic: ReadTopic,
    referral_sent: Callable[..., CloudEvent],
) -> None:
    def broken(calls: list[str]) -> EventHandler:
        async def handle(event: CloudEvent, session: AsyncSession) -> None:
            calls.append(str(event.id))
            await session.execute(text("SELECT 1"))
            raise KeyError("stage")

        return handle

    running = await start_consumer(broken)
    event = referral_sent()
    await produce(running.bootstrap, running.topic, [as_record(event)])

    dead = await eventually(
        lambda: read_topic(dead_letter_topic(running.topic)), lambda found: len(found) == 1
    )

    assert len(running.calls) == FAST_BACKOFF.unexpected_error_attempts
    assert headers_of(dead[0])[dlq.ERROR_CLASS] == b"KeyError"
    assert headers_of(dead[0])[dlq.REASON] == b"KeyError (details in the service log)"
    assert dead[0].value == as_record(event)[1]


async def test_nothing_is_applied_when_the_handler_transaction_fails(
    start_consumer: Callable[..., Awaitable[RunningConsumer]], referral_sent: Callable[..., CloudEvent]
) -> None:
    def half_then_fail(calls: list[str]) -> EventHandler:
        async def handle(event: CloudEvent, session: AsyncSession) -> None:
            calls.append(str(event.id))
            await session.execute(applied.insert().values(event_id=f"{event.id}-half"))
            if len(calls) == 1:
                raise OperationalError("INSERT", {}, ConnectionResetError())
            await session.execute(applied.insert().values(event_id=str(event.id)))

        return handle

    running = await start_consumer(half_then_fail)
    event = referral_sent()
    await produce(running.bootstrap, running.topic, [as_record(event)])

    ids = await eventually(running.applied_ids, lambda found: len(found) == 2)

    assert sorted(ids) == sorted([f"{event.id}-half", str(event.id)]), (
        "the failed attempt left nothing behind"
    )
    async with running.engine.connect() as connection:
        inbox_rows = (await connection.execute(text("SELECT count(*) FROM inbox"))).scalar_one()
    assert inbox_rows == 1


async def test_the_handler_runs_in_the_events_trace_context(
    start_consumer: Callable[..., Awaitable[RunningConsumer]], referral_sent: Callable[..., CloudEvent]
) -> None:
    traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    seen: list[str | None] = []

    def noting_the_trace(calls: list[str]) -> EventHandler:
        async def note(event: CloudEvent, session: AsyncSession) -> None:
            seen.append(current_traceparent())
            await recording(calls)(event, session)

        return note

    running = await start_consumer(noting_the_trace)
    traced = referral_sent().model_copy(update={"traceparent": traceparent})
    untraced = referral_sent()
    await produce(running.bootstrap, running.topic, [as_record(traced), as_record(untraced)])

    await eventually(running.applied_ids, lambda ids: len(ids) == 2)

    assert seen[0] == traceparent
    assert seen[1] is not None
    assert seen[1].split("-")[1] != traceparent.split("-")[1], "an event without one gets a trace of its own"
    assert current_traceparent() is None

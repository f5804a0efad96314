"""The batch consumer on a real broker and database: the events of a fetch applied together, each once;
a batch that fails as a whole goes through the event consumer one record at a time; the lag it reports."""

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from uuid import UUID, uuid4

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from sqlalchemy import Column, MetaData, String, Table, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from devstack.eventually import eventually
from event_contracts.envelope import CloudEvent
from event_contracts.kafka_binding import to_kafka_record
from event_contracts.topics import dead_letter_topic
from service_kit.batch_consumer import BatchEventConsumer, ConsumedEvent, DeduplicatingBatchHandler
from service_kit.broker import create_broker
from service_kit.database import create_session_factory
from service_kit.dead_letters import DeadLetters
from service_kit.errors import PermanentError
from service_kit.event_consumer import EventConsumer
from service_kit.messaging_tables import INBOX_TABLE
from service_kit.metrics import ServiceMetrics
from service_kit.producer import EventProducer
from service_kit.retry import Backoff
from service_kit.subscriptions import subscribe_batches

if TYPE_CHECKING:
    from conftest import LagSeries

NewTopic = Callable[..., Awaitable[str]]
ReadTopic = Callable[[str], Awaitable[list]]  # type: ignore[type-arg]
Record = tuple[bytes, bytes, list[tuple[str, bytes]]]

applied = Table(
    "batch_applied",
    MetaData(),
    Column("event_id", String, primary_key=True),
    Column("topic", String, nullable=False),
)
inbox = Table(INBOX_TABLE, MetaData(), Column("consumer", String))
REFUSED_PERSON = UUID("00000000-0000-4000-8000-00000000dead")


class Refused(PermanentError):
    pass


@dataclass
class BatchWorld:
    engine: AsyncEngine
    bootstrap: str
    topics: list[str]
    group: str
    metrics: ServiceMetrics
    start: Callable[..., Awaitable[None]]
    stop: Callable[[], Awaitable[None]]
    handed_together: list[int] = field(default_factory=list)
    handed_one_at_a_time: list[str] = field(default_factory=list)
    held_from_batch: int | None = None
    holding: asyncio.Event = field(default_factory=asyncio.Event)
    released: asyncio.Event = field(default_factory=asyncio.Event)

    async def applied(self) -> dict[str, str]:
        async with self.engine.connect() as connection:
            rows = await connection.execute(select(applied.c.event_id, applied.c.topic))
            return {str(event_id): str(topic) for event_id, topic in rows}

    async def five_applied(self, referral_sent: Callable[..., CloudEvent]) -> list[CloudEvent]:
        """Five events on the first topic, taken in by the consumer it starts."""
        events = [referral_sent(uuid4()) for _ in range(5)]
        await self.produce([(self.topics[0], as_record(event)) for event in events])
        await self.start()
        await eventually(self.applied, lambda found: len(found) == 5)
        return events

    async def inbox_rows(self) -> int:
        async with self.engine.connect() as connection:
            query = select(func.count()).select_from(inbox).where(inbox.c.consumer == self.group)
            return int((await connection.execute(query)).scalar_one())

    def consumed(self, outcome: str) -> float | None:
        labels = {"consumer": self.group, "outcome": outcome}
        return self.metrics.registry.get_sample_value("events_consumed_total", labels)

    async def produce(self, records: Sequence[tuple[str, Record]]) -> None:
        producer = AIOKafkaProducer(bootstrap_servers=self.bootstrap, enable_idempotence=True)
        await producer.start()
        try:
            for topic, (key, value, headers) in records:
                await producer.send_and_wait(topic, key=key, value=value, headers=headers)
        finally:
            await producer.stop()

    async def committed(self) -> list[int | None]:
        consumer = AIOKafkaConsumer(bootstrap_servers=self.bootstrap, group_id=self.group)
        await consumer.start()
        try:
            return [await consumer.committed(TopicPartition(topic, 0)) for topic in self.topics]
        finally:
            await consumer.stop()


def as_record(event: CloudEvent) -> Record:
    record = to_kafka_record(event)
    return record.key, record.value, list(record.headers)


@pytest.fixture
async def batch_world(
    messaging_engine: AsyncEngine,
    kafka_bootstrap_servers: str,
    new_topic: NewTopic,
    request: pytest.FixtureRequest,
) -> AsyncIterator[BatchWorld]:
    """`indirect=True` with True: the batch handler keeps each event once in its own table, not in the
    inbox."""
    async with messaging_engine.begin() as connection:
        await connection.run_sync(applied.metadata.create_all)
    topics = [await new_topic("batch", with_dead_letter=True) for _ in range(2)]
    metrics = ServiceMetrics()
    producer = EventProducer(kafka_bootstrap_servers, client_id="test-dlq")
    broker = create_broker(kafka_bootstrap_servers, client_id="test")
    group = f"{topics[0]}.group"

    async def start(max_records: int = 500) -> None:
        subscribe_batches(broker, consumer, topics=topics, max_records=max_records)
        await broker.start()

    world = BatchWorld(messaging_engine, kafka_bootstrap_servers, topics, group, metrics, start, broker.stop)

    async def apply_together(events: Sequence[ConsumedEvent], session: AsyncSession) -> None:
        if any(item.event.subject == str(REFUSED_PERSON) for item in events):
            raise Refused("refused", "This test refuses events about one person.")
        if len(world.handed_together) == world.held_from_batch:
            world.holding.set()
            await world.released.wait()
        world.handed_together.append(len(events))
        rows = [{"event_id": str(item.event.id), "topic": item.topic} for item in events]
        await session.execute(applied.insert(), rows)

    async def apply_unless_applied(
        events: Sequence[ConsumedEvent], session: AsyncSession
    ) -> set[tuple[str, str]]:
        world.handed_together.append(len(events))
        rows = [{"event_id": str(item.event.id), "topic": item.topic} for item in events]
        inserted = await session.execute(
            insert(applied).values(rows).on_conflict_do_nothing().returning(applied.c.event_id)
        )
        new = set(inserted.scalars())
        return {item.event.idempotency_key for item in events if str(item.event.id) not in new}

    async def apply_one(event: CloudEvent, session: AsyncSession) -> None:
        if event.subject == str(REFUSED_PERSON):
            raise Refused("refused", "This test refuses events about one person.")
        world.handed_one_at_a_time.append(str(event.id))
        await session.execute(applied.insert().values(event_id=str(event.id), topic="one at a time"))

    sessions = create_session_factory(messaging_engine)
    one_at_a_time = EventConsumer(
        name=world.group,
        handler=apply_one,
        session_factory=sessions,
        dead_letters=DeadLetters(producer, metrics),
        metrics=metrics,
        permanent_errors=(Refused,),
        backoff=Backoff(initial_seconds=0.01, maximum_seconds=0.05),
    )
    consumer = BatchEventConsumer(
        one_at_a_time=one_at_a_time,
        handler=DeduplicatingBatchHandler(apply_unless_applied)
        if getattr(request, "param", False)
        else apply_together,
        session_factory=sessions,
        metrics=metrics,
    )
    await producer.start()
    try:
        yield world
    finally:
        await broker.stop()
        await producer.stop()


async def test_the_events_of_a_fetch_are_applied_together_each_once_with_their_topic(
    batch_world: BatchWorld, referral_sent: Callable[..., CloudEvent]
) -> None:
    first, second = batch_world.topics
    events = [referral_sent() for _ in range(40)]
    repeated = events[3]
    await batch_world.produce(
        [(first, as_record(event)) for event in events[:30]]
        + [(second, as_record(event)) for event in events[30:]]
        + [(first, as_record(repeated)), (second, as_record(repeated))]
    )

    await batch_world.start()
    applied_events = await eventually(batch_world.applied, lambda found: len(found) == 40)
    committed = await eventually(batch_world.committed, lambda offsets: offsets == [31, 11])

    expected = {str(event.id): first for event in events[:30]} | {
        str(event.id): second for event in events[30:]
    }
    # The repeated event came on both topics: whichever was fetched first is the one applied.
    assert applied_events.pop(str(repeated.id)) in {first, second}
    del expected[str(repeated.id)]
    assert applied_events == expected
    assert sum(batch_world.handed_together) == 40
    assert max(batch_world.handed_together) > 1, "events of one fetch are handed over together"
    assert batch_world.handed_one_at_a_time == []
    assert committed == [31, 11]


async def test_a_batch_with_a_bad_record_or_a_refused_event_goes_one_at_a_time(
    batch_world: BatchWorld, referral_sent: Callable[..., CloudEvent], read_topic: ReadTopic
) -> None:
    first, _ = batch_world.topics
    before, refused, after = referral_sent(), referral_sent(REFUSED_PERSON), referral_sent()
    await batch_world.produce(
        [
            (first, as_record(before)),
            (first, (b"someone", b"\x00not json", [("ce_type", b"\xff")])),
            (first, as_record(refused)),
            (first, as_record(after)),
        ]
    )

    await batch_world.start()
    dead = await eventually(lambda: read_topic(dead_letter_topic(first)), lambda found: len(found) == 2)
    applied_events = await eventually(batch_world.applied, lambda found: len(found) == 2)
    committed = await eventually(batch_world.committed, lambda offsets: offsets[0] == 4)

    assert set(applied_events) == {str(before.id), str(after.id)}
    assert sorted(batch_world.handed_one_at_a_time) == sorted([str(before.id), str(after.id)])
    assert dead[0].value == b"\x00not json"
    assert dead[1].key == str(REFUSED_PERSON).encode()
    assert committed[0] == 4


async def test_events_already_claimed_are_not_handed_over_again(
    batch_world: BatchWorld, referral_sent: Callable[..., CloudEvent]
) -> None:
    first, _ = batch_world.topics
    events = await batch_world.five_applied(referral_sent)
    handed_before = list(batch_world.handed_together)

    await batch_world.produce([(first, as_record(event)) for event in events[:2]])
    await eventually(batch_world.committed, lambda offsets: offsets[0] == 7)
    await asyncio.sleep(0)

    assert batch_world.handed_together == handed_before
    assert len(await batch_world.applied()) == 5


@pytest.mark.parametrize("batch_world", [True], indirect=True)
async def test_a_handler_that_keeps_each_event_once_is_handed_repeats_and_the_inbox_stays_empty(
    batch_world: BatchWorld, referral_sent: Callable[..., CloudEvent]
) -> None:
    first, _ = batch_world.topics
    events = await batch_world.five_applied(referral_sent)

    await batch_world.produce([(first, as_record(event)) for event in [events[0], events[0], events[1]]])
    await eventually(batch_world.committed, lambda offsets: offsets[0] == 8)

    assert len(await batch_world.applied()) == 5
    assert await batch_world.inbox_rows() == 0
    assert batch_world.consumed("applied") == 5
    assert batch_world.consumed("duplicate") == 3
    assert batch_world.handed_one_at_a_time == []


async def test_the_lag_is_set_once_a_fetch_is_applied_and_is_none_once_all_are(
    batch_world: BatchWorld, referral_sent: Callable[..., CloudEvent], lag_series: "LagSeries"
) -> None:
    first, second = batch_world.topics
    produced = {first: 8, second: 5}
    await batch_world.produce(
        [(topic, as_record(referral_sent())) for topic, count in produced.items() for _ in range(count)]
    )
    batch_world.held_from_batch = 1

    await batch_world.start(max_records=3)
    await asyncio.wait_for(batch_world.holding.wait(), timeout=30)
    applied_from = Counter((await batch_world.applied()).values())
    lag_while_held = lag_series(batch_world.metrics, batch_world.group)
    batch_world.released.set()
    await eventually(batch_world.applied, lambda found: len(found) == 13)
    caught_up = {TopicPartition(first, 0): 0, TopicPartition(second, 0): 0}
    lag_at_the_end = await eventually(_lag_of(batch_world, lag_series), lambda lag: lag == caught_up)
    await batch_world.stop()

    assert sum(applied_from.values()) == batch_world.handed_together[0] <= 3
    assert lag_while_held == {
        TopicPartition(topic, 0): produced[topic] - applied for topic, applied in applied_from.items()
    }
    assert lag_at_the_end == caught_up
    assert lag_series(batch_world.metrics, batch_world.group) == {}, "a stopped instance reports no lag"


def _lag_of(
    world: BatchWorld, lag_series: "LagSeries"
) -> Callable[[], Awaitable[dict[TopicPartition, float]]]:
    async def lag() -> dict[TopicPartition, float]:
        return lag_series(world.metrics, world.group)

    return lag

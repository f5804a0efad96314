"""When the event consumer commits its offsets, on a real broker and database: never past an event whose
transaction has not committed or whose dead letter Kafka has not acknowledged, and not only on traffic;
and the lag it reports from the offsets it finished."""

import asyncio
import signal
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaTimeoutError
from sqlalchemy import Column, MetaData, String, Table, func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from devstack.eventually import eventually
from event_contracts.envelope import CloudEvent
from event_contracts.kafka_binding import to_kafka_record
from event_contracts.topics import dead_letter_topic
from service_kit import dead_letters as dlq
from service_kit.broker import create_broker
from service_kit.database import create_session_factory
from service_kit.dead_letters import DeadLetters, FailedMessage
from service_kit.event_consumer import EventConsumer
from service_kit.metrics import ServiceMetrics
from service_kit.offset_commits import OffsetCommitPolicy
from service_kit.producer import EventProducer
from service_kit.retry import Backoff
from service_kit.subscriptions import subscribe

if TYPE_CHECKING:
    from conftest import LagSeries

CRASHING_CONSUMER = Path(__file__).with_name("support") / "crashing_event_consumer.py"
T = TypeVar("T")
NEVER_ON_TIME = OffsetCommitPolicy(every_events=1_000, every_seconds=3_600)
EVERY_100_OR_200_MS = OffsetCommitPolicy(every_events=100, every_seconds=0.2)
NewTopic = Callable[..., Awaitable[str]]
ReadTopic = Callable[[str], Awaitable[list[Any]]]

applied = Table("applied", MetaData(), Column("event_id", String, primary_key=True))


@dataclass
class Group:
    bootstrap: str
    name: str

    async def committed(self) -> dict[int, int]:
        """The group's committed offsets per partition, as the broker holds them."""
        admin = AIOKafkaAdminClient(bootstrap_servers=self.bootstrap)
        await admin.start()
        try:
            offsets = await admin.list_consumer_group_offsets(self.name)
        finally:
            await admin.close()
        return {tp.partition: meta.offset for tp, meta in offsets.items() if meta.offset >= 0}


@dataclass
class RunningConsumer:
    consumer: EventConsumer
    metrics: ServiceMetrics
    stop: Callable[[], Awaitable[None]]
    calls: list[str] = field(default_factory=list)

    def outcome(self, outcome: str) -> float:
        value: float = self.metrics.events_consumed.labels(
            consumer=self.consumer.name, outcome=outcome
        )._value.get()
        return value


StartConsumer = Callable[..., Awaitable[RunningConsumer]]


@dataclass
class HeldBack:
    """Lets the first `letting_through` events be applied, then holds the next one until released."""

    letting_through: int
    holding: asyncio.Event = field(default_factory=asyncio.Event)
    released: asyncio.Event = field(default_factory=asyncio.Event)
    arrived: int = 0

    async def wait_for_turn(self) -> None:
        self.arrived += 1
        if self.arrived > self.letting_through:
            self.holding.set()
            await self.released.wait()


@pytest.fixture
async def start_consumer(
    messaging_engine: AsyncEngine, kafka_bootstrap_servers: str
) -> AsyncIterator[StartConsumer]:
    async with messaging_engine.begin() as connection:
        await connection.run_sync(applied.metadata.create_all)
    running: list[RunningConsumer] = []

    async def start(
        topic: str,
        group: str,
        policy: OffsetCommitPolicy,
        dead_letters: Callable[[EventProducer, ServiceMetrics], DeadLetters] = DeadLetters,
        held_back: HeldBack | None = None,
    ) -> RunningConsumer:
        metrics = ServiceMetrics()
        calls: list[str] = []

        async def apply(event: CloudEvent, session: AsyncSession) -> None:
            if held_back is not None:
                await held_back.wait_for_turn()
            calls.append(str(event.id))
            await session.execute(applied.insert().values(event_id=str(event.id)))

        producer = EventProducer(kafka_bootstrap_servers, client_id="test-dlq")
        await producer.start()
        consumer = EventConsumer(
            name=group,
            handler=apply,
            session_factory=create_session_factory(messaging_engine),
            dead_letters=dead_letters(producer, metrics),
            metrics=metrics,
            backoff=Backoff(initial_seconds=0.01, maximum_seconds=0.05),
            offset_commits=policy,
        )
        broker = create_broker(kafka_bootstrap_servers, client_id="test")
        subscribe(broker, consumer, topics=[topic])
        await broker.start()
        stopped = False

        async def stop() -> None:
            nonlocal stopped
            if not stopped:
                stopped = True
                await broker.stop()
                await producer.stop()

        running.append(RunningConsumer(consumer, metrics, stop, calls))
        return running[-1]

    yield start
    for consumer in running:
        await consumer.stop()


RawRecord = tuple[bytes | None, bytes, list[tuple[str, bytes]]]


def as_raw(event: CloudEvent) -> RawRecord:
    record = to_kafka_record(event)
    return record.key, record.value, list(record.headers)


@dataclass
class Scene:
    """A new topic and its consumer group on the real broker, events to put on it, the rows applied."""

    bootstrap: str
    engine: AsyncEngine
    new_topic: NewTopic
    referral_sent: Callable[..., CloudEvent]

    async def topic(self, name: str, **options: Any) -> tuple[str, Group]:
        topic = await self.new_topic(name, **options)
        return topic, Group(self.bootstrap, f"{topic}.group")

    async def produce(self, topic: str, count: int, *, partition: int = 0) -> list[str]:
        """Puts `count` new events on the partition; their ids."""
        events = [self.referral_sent() for _ in range(count)]
        await self.produce_raw(topic, [as_raw(event) for event in events], partition=partition)
        return [str(event.id) for event in events]

    async def produce_raw(self, topic: str, records: list[RawRecord], *, partition: int = 0) -> None:
        producer = AIOKafkaProducer(bootstrap_servers=self.bootstrap, enable_idempotence=True)
        await producer.start()
        try:
            for key, value, headers in records:
                await producer.send_and_wait(
                    topic, key=key, value=value, headers=headers, partition=partition
                )
        finally:
            await producer.stop()

    async def applied(self) -> int:
        async with self.engine.connect() as connection:
            count: int = (await connection.execute(select(func.count()).select_from(applied))).scalar_one()
            return count


@pytest.fixture
def scene(
    messaging_engine: AsyncEngine,
    kafka_bootstrap_servers: str,
    new_topic: NewTopic,
    referral_sent: Callable[..., CloudEvent],
) -> Scene:
    return Scene(kafka_bootstrap_servers, messaging_engine, new_topic, referral_sent)


async def test_offsets_are_committed_an_interval_after_the_last_event_with_no_further_traffic(
    start_consumer: StartConsumer, scene: Scene
) -> None:
    topic, group = await scene.topic("offsets-idle")
    await start_consumer(topic, group.name, EVERY_100_OR_200_MS)

    await scene.produce(topic, 3)

    assert await eventually(group.committed, lambda offsets: offsets == {0: 3}) == {0: 3}
    assert await scene.applied() == 3


async def test_offsets_are_committed_every_n_events_and_the_remainder_when_the_consumer_stops(
    start_consumer: StartConsumer, scene: Scene
) -> None:
    topic, group = await scene.topic("offsets-every-n")
    running = await start_consumer(topic, group.name, OffsetCommitPolicy(every_events=2, every_seconds=3_600))

    await scene.produce(topic, 5)
    await eventually(scene.applied, lambda count: count == 5)

    # The 4th event's commit travels in the background: by the time it goes, the 5th may be finished too.
    committed = await eventually(group.committed, lambda offsets: offsets.get(0, 0) >= 4)
    assert committed in ({0: 4}, {0: 5}), "committed every 2 events, never ahead of the finished ones"
    await running.stop()
    assert await group.committed() == {0: 5}


async def test_offsets_of_partitions_a_rebalance_takes_away_are_committed_before_they_go(
    start_consumer: StartConsumer, scene: Scene
) -> None:
    topic, group = await scene.topic("offsets-rebalance", partitions=2)
    await start_consumer(topic, group.name, NEVER_ON_TIME)
    await scene.produce(topic, 2, partition=0)
    await scene.produce(topic, 3, partition=1)
    await eventually(scene.applied, lambda count: count == 5)
    assert await group.committed() == {}

    newcomer = AIOKafkaConsumer(
        topic, bootstrap_servers=scene.bootstrap, group_id=group.name, enable_auto_commit=False
    )
    await newcomer.start()
    try:
        committed = await eventually(group.committed, lambda offsets: offsets == {0: 2, 1: 3})
    finally:
        await newcomer.stop()

    assert committed == {0: 2, 1: 3}


async def test_events_applied_but_not_committed_before_a_crash_are_redelivered_and_applied_once(
    start_consumer: StartConsumer, scene: Scene
) -> None:
    topic, group = await scene.topic("offsets-crash")
    await scene.produce(topic, 3)

    crashed = await asyncio.create_subprocess_exec(
        sys.executable,
        str(CRASHING_CONSUMER),
        scene.engine.url.render_as_string(hide_password=False),
        scene.bootstrap,
        topic,
        group.name,
        "3",
    )
    assert await crashed.wait() == -signal.SIGKILL
    assert await scene.applied() == 3
    assert await group.committed() == {}, "killed before its first offset commit"

    restarted = await start_consumer(topic, group.name, EVERY_100_OR_200_MS)

    assert await eventually(group.committed, lambda offsets: offsets == {0: 3}) == {0: 3}
    assert restarted.outcome("duplicate") == 3
    assert restarted.calls == [], "the inbox recognised every redelivered event"
    assert await scene.applied() == 3


async def test_a_dead_lettered_message_offset_is_committed_only_once_kafka_has_the_dead_letter(
    start_consumer: StartConsumer, scene: Scene, read_topic: ReadTopic
) -> None:
    topic, group = await scene.topic("offsets-dead-letter", with_dead_letter=True)
    committed_while_unacknowledged: list[dict[int, int]] = []

    class DeadLettersFailingOnce(DeadLetters):
        """Before each attempt, commits what the consumer holds as finished and notes the group's offsets."""

        failures_left = 1

        async def set_aside(
            self, message: FailedMessage, *, consumer: str, error_class: str, reason: str
        ) -> None:
            await running.consumer.offsets.commit()
            committed_while_unacknowledged.append(await group.committed())
            if self.failures_left:
                self.failures_left -= 1
                raise KafkaTimeoutError
            await super().set_aside(message, consumer=consumer, error_class=error_class, reason=reason)

    running = await start_consumer(topic, group.name, EVERY_100_OR_200_MS, DeadLettersFailingOnce)
    key, _, headers = as_raw(scene.referral_sent())
    undecodable = (key, b"\x00not json", headers)
    await scene.produce_raw(
        topic, [as_raw(scene.referral_sent()), undecodable, as_raw(scene.referral_sent())]
    )

    assert await eventually(group.committed, lambda offsets: offsets == {0: 3}) == {0: 3}
    assert committed_while_unacknowledged == [{0: 1}, {0: 1}], "never past the message being set aside"
    dead = await read_topic(dead_letter_topic(topic))
    assert [dict(record.headers)[dlq.ORIGIN_OFFSET] for record in dead] == [b"1"]


async def test_the_lag_is_the_records_after_the_last_one_applied_on_each_partition_then_none(
    scene: Scene, start_consumer: StartConsumer, lag_series: "LagSeries"
) -> None:
    topic, group = await scene.topic("lag", partitions=2)
    on_partition = {
        0: await scene.produce(topic, 9, partition=0),
        1: await scene.produce(topic, 5, partition=1),
    }
    held_back = HeldBack(letting_through=4)
    running = await start_consumer(topic, group.name, EVERY_100_OR_200_MS, held_back=held_back)

    await asyncio.wait_for(held_back.holding.wait(), timeout=30)
    applied_on = {p: len(set(ids) & set(running.calls)) for p, ids in on_partition.items()}
    lag_while_held = lag_series(running.metrics, group.name)
    held_back.released.set()
    await eventually(scene.applied, lambda count: count == 14)
    caught_up = {TopicPartition(topic, 0): 0, TopicPartition(topic, 1): 0}
    lag_at_the_end = await eventually(
        lambda: _now(lag_series(running.metrics, group.name)), lambda lag: lag == caught_up
    )
    await running.stop()

    assert sum(applied_on.values()) == 4
    assert lag_while_held == {
        TopicPartition(topic, p): len(on_partition[p]) - applied
        for p, applied in applied_on.items()
        if applied
    }
    assert lag_at_the_end == caught_up
    assert lag_series(running.metrics, group.name) == {}, "an instance stopped reports no lag"


async def test_the_lag_of_partitions_a_rebalance_takes_away_is_no_longer_reported(
    scene: Scene, start_consumer: StartConsumer, lag_series: "LagSeries"
) -> None:
    topic, group = await scene.topic("lag-rebalance", partitions=2)
    running = await start_consumer(topic, group.name, EVERY_100_OR_200_MS)
    await scene.produce(topic, 2, partition=0)
    await scene.produce(topic, 3, partition=1)
    await eventually(scene.applied, lambda count: count == 5)
    assert lag_series(running.metrics, group.name) == {
        TopicPartition(topic, 0): 0,
        TopicPartition(topic, 1): 0,
    }

    newcomer = AIOKafkaConsumer(
        topic, bootstrap_servers=scene.bootstrap, group_id=group.name, enable_auto_commit=False
    )
    await newcomer.start()
    try:
        lag = await eventually(lambda: _now(lag_series(running.metrics, group.name)), lambda lag: lag == {})
        assert lag == {}, "every partition was revoked"
        taken = await eventually(lambda: _now(newcomer.assignment()), lambda taken: len(taken) == 1)
        (kept,) = {TopicPartition(topic, 0), TopicPartition(topic, 1)} - taken
        await scene.produce(topic, 1, partition=0)
        await scene.produce(topic, 1, partition=1)
        await eventually(scene.applied, lambda count: count == 6)

        assert lag_series(running.metrics, group.name) == {kept: 0}, "only the partition it still owns"
    finally:
        await newcomer.stop()


async def _now(value: T) -> T:
    return value

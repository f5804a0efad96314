"""The service kit's messaging paths, measured end to end on a real broker and a durable PostgreSQL.

(a) outbox: events written with `add_to_outbox` in transactions of k events while `OutboxRelay.run()`
    publishes them (woken by LISTEN/NOTIFY), until every one is on the topic; plus the relay alone
    draining a backlog;
(b) consumer: events on a topic consumed by an `EventConsumer` registered with `subscribe()` on a real
    FastStream broker (offsets committed after the transactions, every 100 events or 200 ms), the
    handler inserting one row;
(c) latency: outbox commit → record readable on the topic, one event at a time at a moderate rate.

Every function takes a scratch database URL (plain postgresql://) and the bootstrap servers; `bench/run.py`
puts them next to the raw limits of the same run.
"""

import asyncio
import contextlib
import itertools
import json
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, TopicPartition
from measurements import CpuClock, Measurement, now, throughput
from raw_limits import fill_topic, publish_to_read_latency
from sqlalchemy import MetaData, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from stack import TOPIC_PARTITIONS, sqlalchemy_url
from workload import EncodedEvent

from event_contracts.envelope import CloudEvent
from event_contracts.kafka_binding import to_kafka_record
from service_kit.broker import create_broker
from service_kit.database import create_database_engine, create_session_factory
from service_kit.dead_letters import DeadLetters
from service_kit.event_consumer import EventConsumer
from service_kit.messaging_tables import OUTBOX_TABLE, define_inbox_table, define_outbox_table
from service_kit.metrics import ServiceMetrics
from service_kit.outbox import add_to_outbox
from service_kit.outbox_relay import OutboxRelay
from service_kit.producer import EventProducer, Headers
from service_kit.subscriptions import subscribe

APPLIED_TABLE = "bench_applied"
POLL_SECONDS = 0.005
_CREATE_APPLIED = text(
    f"CREATE TABLE IF NOT EXISTS {APPLIED_TABLE} (event_id uuid PRIMARY KEY, subject uuid NOT NULL)"
)
_INSERT_APPLIED = text(f"INSERT INTO {APPLIED_TABLE} (event_id, subject) VALUES (:id, :subject)")
_COUNT_APPLIED = text(f"SELECT count(*) FROM {APPLIED_TABLE}")
_EMPTY_APPLIED = text(f"TRUNCATE {APPLIED_TABLE}")


async def create_kit_tables(engine: AsyncEngine) -> None:
    metadata = MetaData()
    define_outbox_table(metadata)
    define_inbox_table(metadata)
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
        await connection.execute(_CREATE_APPLIED)


@asynccontextmanager
async def kit_engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_database_engine(sqlalchemy_url(database_url), pool_size=5)
    try:
        await create_kit_tables(engine)
        yield engine
    finally:
        await engine.dispose()


class TimedProducer(EventProducer):
    """The kit's producer, noting how long `send_all` (the relay's only use of it) takes in total."""

    def __init__(self, bootstrap_servers: str, *, client_id: str) -> None:
        super().__init__(bootstrap_servers, client_id=client_id)
        self.send_all_seconds = 0.0
        self.send_all_calls = 0

    async def send_all(self, records: Sequence[tuple[str, bytes | None, bytes | None, Headers]]) -> None:
        begun = now()
        try:
            await super().send_all(records)
        finally:
            self.send_all_seconds += now() - begun
            self.send_all_calls += 1


@dataclass
class RunningRelay:
    relay: OutboxRelay
    metrics: ServiceMetrics
    producer: TimedProducer
    task: asyncio.Task[None] | None = None

    def published(self) -> int:
        return int(self.metrics.registry.get_sample_value("outbox_published_total") or 0)

    def start(self) -> None:
        self.task = asyncio.create_task(self.relay.run(), name="bench-outbox-relay")

    async def wait_published(self, count: int, timeout_seconds: float) -> float:
        """Returns the instant the relay's counter reached ``count`` (it counts after the rows are marked)."""
        async with asyncio.timeout(timeout_seconds):
            while self.published() < count:
                if self.task is not None and self.task.done():
                    self.task.result()
                await asyncio.sleep(POLL_SECONDS)
        return now()


@asynccontextmanager
async def running_relay(
    engine: AsyncEngine, bootstrap_servers: str, *, start: bool = True
) -> AsyncIterator[RunningRelay]:
    """The relay as a service wires it: the kit's producer, default batch (500) and poll interval (1 s)."""
    metrics = ServiceMetrics()
    producer = TimedProducer(bootstrap_servers, client_id="bench-relay")
    await producer.start()
    running = RunningRelay(OutboxRelay(engine, producer, metrics), metrics, producer)
    if start:
        running.start()
    try:
        yield running
    finally:
        if running.task is not None:
            running.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await running.task
        await producer.stop()


async def write_to_outbox(
    engine: AsyncEngine, events: Sequence[CloudEvent], *, topic: str, events_per_transaction: int
) -> list[float]:
    """One writer, one transaction per k events; returns each transaction's duration."""
    session_factory = create_session_factory(engine)
    durations = []
    for first in range(0, len(events), events_per_transaction):
        begun = now()
        async with session_factory() as session, session.begin():
            for event in events[first : first + events_per_transaction]:
                await add_to_outbox(session, event, topic=topic)
        durations.append(now() - begun)
    return durations


async def topic_size(bootstrap_servers: str, topic: str, partitions: int = TOPIC_PARTITIONS) -> int:
    """Records on the topic: the sum of its partitions' end offsets."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap_servers, group_id=None)
    await consumer.start()
    try:
        ends = await consumer.end_offsets([TopicPartition(topic, p) for p in range(partitions)])
        return int(sum(ends.values()))
    finally:
        await consumer.stop()


async def outbox_write_and_relay(
    database_url: str,
    bootstrap_servers: str,
    topic: str,
    events: Sequence[CloudEvent],
    *,
    events_per_transaction: int,
    timeout_seconds: float = 600.0,
) -> Measurement:
    """Events/s from the first write to the last event published and marked, the relay running alongside.

    p50/p99 are of the writer's transactions (k × (INSERT + pg_notify) + a durable COMMIT).
    """
    async with kit_engine(database_url) as engine, running_relay(engine, bootstrap_servers) as relay:
        await asyncio.sleep(0.2)  # let the relay reach its LISTEN before the first commit
        started, cpu = now(), CpuClock()
        transactions = await write_to_outbox(
            engine, events, topic=topic, events_per_transaction=events_per_transaction
        )
        written = now()
        finished = await relay.wait_published(len(events), timeout_seconds)
        usage = cpu.usage()
        backlog = await relay.relay.backlog()
    on_topic = await topic_size(bootstrap_servers, topic)
    if backlog != 0 or on_topic != len(events):
        raise AssertionError(
            f"outbox run incomplete: backlog {backlog}, {on_topic}/{len(events)} on the topic"
        )
    write_seconds = written - started
    return throughput(
        f"kit outbox write + relay, {events_per_transaction} event(s)/tx",
        len(events),
        finished - started,
        latencies_seconds=transactions,
        latency_of="writer transaction",
        details={
            "events_per_transaction": events_per_transaction,
            "write_only_rate": round(len(events) / write_seconds, 1),
            "relay_tail_seconds": round(finished - written, 4),
            **usage,
        },
    )


async def relay_drain(
    database_url: str, bootstrap_servers: str, topic: str, events: Sequence[CloudEvent]
) -> Measurement:
    """The relay alone: a backlog of N rows written beforehand (not timed), published until none is left.

    Each relay round is one transaction: advisory lock, SELECT … FOR UPDATE SKIP LOCKED of 500 rows,
    `send_all`, UPDATE published_at, COMMIT.
    """
    async with kit_engine(database_url) as engine:
        await write_to_outbox(engine, events, topic=topic, events_per_transaction=500)
        async with running_relay(engine, bootstrap_servers, start=False) as relay:
            started, cpu = now(), CpuClock()
            relay.start()
            finished = await relay.wait_published(len(events), timeout_seconds=600.0)
            usage = cpu.usage()
            send_seconds, batches = relay.producer.send_all_seconds, relay.producer.send_all_calls
            backlog = await relay.relay.backlog()
    on_topic = await topic_size(bootstrap_servers, topic)
    if backlog != 0 or on_topic != len(events):
        raise AssertionError(
            f"relay drain incomplete: backlog {backlog}, {on_topic}/{len(events)} on the topic"
        )
    return throughput(
        "kit relay drain (backlog, 500/batch)",
        len(events),
        finished - started,
        details={
            "batches": batches,
            "send_all_seconds": round(send_seconds, 3),
            "database_and_python_seconds": round(finished - started - send_seconds, 3),
            **usage,
        },
    )


async def event_consumer_throughput(
    database_url: str,
    bootstrap_servers: str,
    topic: str,
    events: Sequence[EncodedEvent],
    *,
    timeout_seconds: float = 600.0,
) -> Measurement:
    """The kit consumer as a service wires it: FastStream broker from `create_broker`, `subscribe()`,
    inbox claim + one INSERT per event in one transaction; offsets committed with the kit's default
    policy (every 100 finished events or 200 ms).

    The topic is filled beforehand (not timed). Timed from the first handler call to the last event
    applied, so the group join is left out (reported in details, as for the raw consumer). p50/p99 are of
    the cycle per event: from one event's COMMIT to the next one's (fetch, decode, inbox claim, INSERT,
    durable COMMIT of the second, and every 100th time an offset commit); the mean of the kit's own
    `handler_duration_seconds` (inbox + handler + COMMIT) is in details.
    """
    await fill_topic(bootstrap_servers, topic, [encoded.record for encoded in events])
    group = f"{topic}.kit"
    metrics = ServiceMetrics()
    first_call: list[float] = []
    cpu: list[CpuClock] = []
    committed_at: list[float] = []

    async def insert_one_row(event: CloudEvent, session: AsyncSession) -> None:
        if not first_call:
            first_call.append(now())
            cpu.append(CpuClock())
        await session.execute(_INSERT_APPLIED, {"id": event.id, "subject": event.subject})

    async def note_commit(_event: CloudEvent) -> None:
        committed_at.append(now())

    async with kit_engine(database_url) as engine:
        async with engine.begin() as connection:
            await connection.execute(_EMPTY_APPLIED)
        producer = EventProducer(bootstrap_servers, client_id="bench-dlq")
        await producer.start()
        broker = create_broker(bootstrap_servers, client_id="bench-consumer")
        consumer = EventConsumer(
            name=group,
            handler=insert_one_row,
            session_factory=create_session_factory(engine),
            dead_letters=DeadLetters(producer, metrics),
            metrics=metrics,
            after_commit=note_commit,
        )
        subscribe(broker, consumer, topics=[topic])
        begun = now()
        await broker.start()
        try:
            async with asyncio.timeout(timeout_seconds):
                while _consumed(metrics, group, "applied") < len(events):  # noqa: ASYNC110 - in-process counter
                    await asyncio.sleep(POLL_SECONDS)
            finished, usage = now(), cpu[0].usage()
        finally:
            await broker.stop()
            await producer.stop()
        async with engine.connect() as connection:
            rows = (await connection.execute(_COUNT_APPLIED)).scalar_one()
    if rows != len(events):
        raise AssertionError(f"consumer run incomplete: {rows}/{len(events)} rows applied")
    handler_seconds = metrics.registry.get_sample_value("handler_duration_seconds_sum", {"consumer": group})
    cycles = [later - earlier for earlier, later in itertools.pairwise(committed_at)]
    return throughput(
        "kit event consumer (subscribe, 1 row/event)",
        len(events),
        finished - first_call[0],
        latencies_seconds=cycles,
        latency_of="commit → next commit, per event",
        details={
            "join_seconds": round(first_call[0] - begun, 3),
            "mean_handler_ms": round((handler_seconds or 0.0) / len(events) * 1000, 3),
            "duplicates": _consumed(metrics, group, "duplicate"),
            "dead_lettered": _consumed(metrics, group, "dead_lettered"),
            **usage,
        },
    )


def _consumed(metrics: ServiceMetrics, group: str, outcome: str) -> int:
    sample = metrics.registry.get_sample_value(
        "events_consumed_total", {"consumer": group, "outcome": outcome}
    )
    return int(sample or 0)


async def outbox_to_topic_latency(
    database_url: str,
    bootstrap_servers: str,
    topic: str,
    events: Sequence[EncodedEvent],
    *,
    rate_per_second: float,
) -> Measurement:
    """One event per transaction at a steady pace; latency from the COMMIT returning to the record being
    readable by a consumer (NOTIFY → relay wakes → select, send, ack, mark, commit → fetch)."""
    async with kit_engine(database_url) as engine, running_relay(engine, bootstrap_servers):
        await asyncio.sleep(0.2)
        session_factory = create_session_factory(engine)

        async def publish(encoded: EncodedEvent) -> float:
            async with session_factory() as session, session.begin():
                await add_to_outbox(session, encoded.event, topic=topic)
            return now()

        return await publish_to_read_latency(
            bootstrap_servers,
            topic,
            events,
            publish,
            rate_per_second=rate_per_second,
            name="kit outbox commit → readable",
            latency_of="commit → readable",
        )


# The statement `add_to_outbox` runs, without the pg_notify that follows it (diagnostic only).
_INSERT_WITHOUT_NOTIFY = text(
    f"INSERT INTO {OUTBOX_TABLE} (event_id, topic, message_key, message_value, headers) "
    "VALUES (:event_id, :topic, :key, :value, CAST(:headers AS jsonb))"
)
_FORGET_UNPUBLISHED = text(f"DELETE FROM {OUTBOX_TABLE} WHERE published_at IS NULL")


async def outbox_writer_breakdown(
    database_url: str, events: Sequence[CloudEvent], *, events_per_transaction: int
) -> list[Measurement]:
    """Where the outbox writer's time goes, relay stopped (diagnostics, not kit figures):

    - encoding alone (`to_kafka_record` + the headers as JSON), pure CPU;
    - the same INSERT through a SQLAlchemy session, without the per-event `pg_notify`;
    - `add_to_outbox` itself (INSERT + pg_notify per event).
    The rows written here are deleted afterwards so no later relay publishes them.
    """
    k = events_per_transaction
    cpu, started = CpuClock(), now()
    for event in events:
        record = to_kafka_record(event)
        json.dumps([[name, value.decode()] for name, value in record.headers])
    results = [
        throughput(
            "diag: encode for the outbox (CPU only)",
            len(events),
            now() - started,
            details=cpu.usage(),
        )
    ]
    async with kit_engine(database_url) as engine:
        session_factory = create_session_factory(engine)
        transactions: list[float] = []
        cpu, started = CpuClock(), now()
        for first in range(0, len(events), k):
            begun = now()
            async with session_factory() as session, session.begin():
                for event in events[first : first + k]:
                    record = to_kafka_record(event)
                    await session.execute(
                        _INSERT_WITHOUT_NOTIFY,
                        {
                            "event_id": event.id,
                            "topic": "bench.diag",
                            "key": record.key,
                            "value": record.value,
                            "headers": json.dumps([[n, v.decode()] for n, v in record.headers]),
                        },
                    )
            transactions.append(now() - begun)
        results.append(
            throughput(
                f"diag: session INSERT, no NOTIFY, {k}/tx",
                len(events),
                now() - started,
                latencies_seconds=transactions,
                latency_of="transaction",
                details=cpu.usage(),
            )
        )
        cpu, started = CpuClock(), now()
        transactions = await write_to_outbox(engine, events, topic="bench.diag", events_per_transaction=k)
        results.append(
            throughput(
                f"diag: add_to_outbox, relay stopped, {k}/tx",
                len(events),
                now() - started,
                latencies_seconds=transactions,
                latency_of="transaction",
                details=cpu.usage(),
            )
        )
        async with engine.begin() as connection:
            await connection.execute(_FORGET_UNPUBLISHED)
    return results

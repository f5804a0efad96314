"""The raw limits of this machine: what the bare clients reach, without any of the kit around them.

- the aiokafka producer, configured as the kit's `EventProducer` (idempotent, acks=all, linger 5 ms),
  sending encoded `referral.sent` CloudEvents;
- the aiokafka consumer loop in a group, committing offsets after each batch (or after each record);
- single-row INSERTs with asyncpg, committed every 1, 10 or 100 rows, on a durable PostgreSQL;
- the round trip produce → readable by a consumer, one record at a time (the floor of outbox latency).

Usable as functions (see `bench/run.py`) or from the command line:

    uv run python bench/raw_limits.py [--quick] [--bootstrap-servers H:P --database-url URL]
"""

import argparse
import asyncio
import itertools
import json
import sys
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import asyncpg
import measurements
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRebalanceListener, TopicPartition
from measurements import (
    CpuClock,
    Measurement,
    Sizes,
    format_measurements,
    measure_quietly,
    median_of,
    now,
    throughput,
)
from stack import TOPIC_PARTITIONS, new_topic, own_durable_stack, postgres_facts, scratch_database
from workload import EncodedEvent, EventFactory, record_size

from event_contracts.kafka_binding import KafkaRecord

# The kit's EventProducer: enable_idempotence=True, acks="all", linger_ms=5, request_timeout_ms=15_000.
KIT_LINGER_MS = 5
KIT_REQUEST_TIMEOUT_MS = 15_000
RELAY_BATCH_SIZE = 500  # OutboxRelay's default batch: send_all of up to 500 records, then wait for all

RAW_TABLE = "raw_insert"
_CREATE_RAW_TABLE = f"""
CREATE TABLE IF NOT EXISTS {RAW_TABLE} (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id uuid NOT NULL,
    topic varchar(249) NOT NULL,
    message_key bytea NOT NULL,
    message_value bytea NOT NULL,
    headers jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
)
"""
_INSERT_RAW = (
    f"INSERT INTO {RAW_TABLE} (event_id, topic, message_key, message_value, headers) "
    "VALUES ($1, $2, $3, $4, $5::jsonb)"
)


def kit_like_producer(bootstrap_servers: str, *, client_id: str = "bench-raw") -> AIOKafkaProducer:
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap_servers,
        client_id=client_id,
        enable_idempotence=True,
        acks="all",
        linger_ms=KIT_LINGER_MS,
        request_timeout_ms=KIT_REQUEST_TIMEOUT_MS,
    )


async def fill_topic(bootstrap_servers: str, topic: str, records: Sequence[KafkaRecord]) -> None:
    """Puts records on a topic as fast as the client goes (setup, not measured)."""
    producer = kit_like_producer(bootstrap_servers, client_id="bench-fill")
    await producer.start()
    try:
        pending = [
            await producer.send(topic, key=r.key, value=r.value, headers=list(r.headers)) for r in records
        ]
        await asyncio.gather(*pending)
    finally:
        await producer.stop()


async def raw_producer_throughput(
    bootstrap_servers: str,
    topic: str,
    records: Sequence[KafkaRecord],
    *,
    window: int | None = None,
    name: str | None = None,
) -> Measurement:
    """Sends every record and waits for every acknowledgement.

    ``window=None`` streams all of them (the client's limit); ``window=500`` sends 500, waits for all
    500, then the next 500: the way `OutboxRelay` hands batches to `EventProducer.send_all`.
    p50/p99 are per record, from `send()` to its acknowledgement (under saturation: mostly queueing).
    """
    producer = kit_like_producer(bootstrap_servers)
    await producer.start()
    latencies: list[float] = []

    def on_ack(sent_at: float) -> Callable[[asyncio.Future[Any]], None]:
        return lambda _future: latencies.append(now() - sent_at)

    try:
        started, cpu = now(), CpuClock()
        step = window or len(records)
        for first in range(0, len(records), step):
            pending = []
            for record in records[first : first + step]:
                sent_at = now()
                future = await producer.send(
                    topic, key=record.key, value=record.value, headers=list(record.headers)
                )
                future.add_done_callback(on_ack(sent_at))
                pending.append(future)
            await asyncio.gather(*pending)
        seconds, usage = now() - started, cpu.usage()
    finally:
        await producer.stop()
    return throughput(
        name or ("raw producer" if window is None else f"raw producer, windows of {window}"),
        len(records),
        seconds,
        latencies_seconds=latencies,
        latency_of="send → ack, per record",
        details={
            "linger_ms": KIT_LINGER_MS,
            "window": window,
            **record_size(records[0]),
            **usage,
        },
    )


async def raw_consumer_throughput(
    bootstrap_servers: str,
    topic: str,
    count: int,
    *,
    commit_per_record: bool = False,
    group_id: str | None = None,
) -> Measurement:
    """A consumer group member reads ``count`` records and commits after each batch (or each record).

    Timed from the moment the group assigns the partitions (so the first fetch counts, the join does
    not; the join is in details) to the last commit; p50/p99 are of the offset commits.
    """
    assigned_at: list[float] = []

    class NoteAssignment(ConsumerRebalanceListener):  # type: ignore[misc]
        async def on_partitions_revoked(self, revoked: object) -> None:
            return None

        async def on_partitions_assigned(self, assigned: object) -> None:
            assigned_at.append(now())

    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap_servers,
        group_id=group_id or f"{topic}.raw.{'record' if commit_per_record else 'batch'}",
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    joining = now()
    await consumer.start()
    consumer.subscribe([topic], listener=NoteAssignment())
    commits: list[float] = []
    consumed = 0
    cpu = CpuClock()
    try:
        while consumed < count:
            batches = await consumer.getmany(timeout_ms=1000)
            processed: dict[TopicPartition, int] = {}
            for partition, batch in batches.items():
                for record in batch[: count - consumed]:
                    consumed += 1
                    processed[partition] = record.offset + 1
                    if commit_per_record:
                        begun = now()
                        await consumer.commit({partition: record.offset + 1})
                        commits.append(now() - begun)
            if processed and not commit_per_record:
                begun = now()
                await consumer.commit(processed)
                commits.append(now() - begun)
        finished, usage = now(), cpu.usage()
    finally:
        await consumer.stop()
    started = assigned_at[0]
    return throughput(
        "raw consumer, commit per record" if commit_per_record else "raw consumer, commit per batch",
        consumed,
        finished - started,
        latencies_seconds=commits,
        latency_of="offset commit",
        details={
            "join_seconds": round(started - joining, 3),
            "commits": len(commits),
            **usage,
        },
    )


async def create_raw_table(database_url: str) -> None:
    connection = await asyncpg.connect(database_url)
    try:
        await connection.execute(_CREATE_RAW_TABLE)
    finally:
        await connection.close()


async def raw_insert_rate(
    database_url: str, events: Sequence[EncodedEvent], *, rows_per_transaction: int, topic: str = "bench"
) -> Measurement:
    """One connection inserts outbox-shaped rows one statement at a time, committing every k rows.

    p50/p99 are of whole transactions (BEGIN … COMMIT), where a durable commit waits for the WAL fsync.
    """
    await create_raw_table(database_url)
    rows = [
        (
            encoded.event.id,
            topic,
            encoded.record.key,
            encoded.record.value,
            json.dumps([[n, v.decode()] for n, v in encoded.record.headers]),
        )
        for encoded in events
    ]
    connection = await asyncpg.connect(database_url)
    transactions: list[float] = []
    try:
        statement = await connection.prepare(_INSERT_RAW)
        started, cpu, servers_cpu = now(), CpuClock(), measurements.servers_cpu_seconds()
        for first in range(0, len(rows), rows_per_transaction):
            begun = now()
            async with connection.transaction():
                for row in rows[first : first + rows_per_transaction]:
                    await statement.fetch(*row)
            transactions.append(now() - begun)
        seconds, usage = now() - started, cpu.usage()
        servers_cpu = measurements.servers_cpu_seconds() - servers_cpu
    finally:
        await connection.close()
    return throughput(
        f"raw insert, {rows_per_transaction} row(s)/tx",
        len(rows),
        seconds,
        unit="rows/s",
        latencies_seconds=transactions,
        latency_of="transaction",
        details={
            "rows_per_transaction": rows_per_transaction,
            "transactions": len(transactions),
            "servers_cpu_ms_per_row": round(servers_cpu / len(rows) * 1000, 3),
            **usage,
        },
    )


Publish = Callable[[EncodedEvent], Awaitable[float]]
"""Publishes one event and returns the instant latency is counted from (its `now()`)."""


async def publish_to_read_latency(
    bootstrap_servers: str,
    topic: str,
    events: Sequence[EncodedEvent],
    publish: Publish,
    *,
    rate_per_second: float,
    name: str,
    latency_of: str,
    partition_count: int = TOPIC_PARTITIONS,
    timeout_seconds: float = 60.0,
) -> Measurement:
    """Publishes events one at a time at a steady pace while a reader on every partition notes when each
    becomes readable; latency = readable - the instant ``publish`` returned."""
    reader = AIOKafkaConsumer(
        bootstrap_servers=bootstrap_servers,
        group_id=None,
        enable_auto_commit=False,
        fetch_max_wait_ms=100,
    )
    await reader.start()
    partitions = [TopicPartition(topic, partition) for partition in range(partition_count)]
    reader.assign(partitions)
    await reader.seek_to_end(*partitions)
    for partition in partitions:
        await reader.position(partition)
    wanted = {encoded.id for encoded in events}
    readable_at: dict[str, float] = {}
    all_read = asyncio.Event()

    async def read() -> None:
        while not all_read.is_set():
            batches = await reader.getmany(timeout_ms=100)
            arrived = now()
            for batch in batches.values():
                for record in batch:
                    event_id = dict(record.headers).get("ce_id", b"").decode()
                    if event_id in wanted:
                        readable_at.setdefault(event_id, arrived)
            if len(readable_at) == len(wanted):
                all_read.set()

    reading = asyncio.create_task(read())
    published_at: dict[str, float] = {}
    try:
        started, cpu = now(), CpuClock()
        for index, encoded in enumerate(events):
            delay = started + index / rate_per_second - now()
            if delay > 0:
                await asyncio.sleep(delay)
            published_at[encoded.id] = await publish(encoded)
        await asyncio.wait_for(all_read.wait(), timeout_seconds)
        seconds, usage = now() - started, cpu.usage()
    finally:
        all_read.set()
        await reading
        await reader.stop()
    latencies = [readable_at[event_id] - published_at[event_id] for event_id in published_at]
    return throughput(
        name,
        len(latencies),
        seconds,
        latencies_seconds=latencies,
        latency_of=latency_of,
        details={
            "target_rate_per_second": rate_per_second,
            "max_ms": round(max(latencies) * 1000, 3),
            "min_ms": round(min(latencies) * 1000, 3),
            **usage,
        },
    )


async def raw_produce_to_read_latency(
    bootstrap_servers: str, topic: str, events: Sequence[EncodedEvent], *, rate_per_second: float
) -> Measurement:
    """The floor of any publish path: the kit-configured producer's send → readable by a consumer."""
    producer = kit_like_producer(bootstrap_servers, client_id="bench-raw-latency")
    await producer.start()

    async def publish(encoded: EncodedEvent) -> float:
        record = encoded.record
        sent_at = now()
        await producer.send(topic, key=record.key, value=record.value, headers=list(record.headers))
        return sent_at

    try:
        return await publish_to_read_latency(
            bootstrap_servers,
            topic,
            events,
            publish,
            rate_per_second=rate_per_second,
            name="raw produce → readable",
            latency_of="send → readable",
        )
    finally:
        await producer.stop()


async def measure_all(
    bootstrap_servers: str, database_url: str, sizes: Sizes, factory: EventFactory
) -> list[Measurement]:
    """Every raw limit, in the order `bench/run.py` uses; ``database_url`` is a scratch database.

    The throughput limits last a second or two each, so one stall of the broker or of the machine would
    move them a lot: each is taken ``sizes.repeats`` times and the run with the median rate is kept.
    """
    records = [encoded.record for encoded in factory.encoded(sizes.producer)]
    repeats = sizes.repeats

    async def produce(window: int | None) -> Measurement:
        topic = await new_topic(bootstrap_servers, "raw-produce")
        return await raw_producer_throughput(bootstrap_servers, topic, records, window=window)

    results = [await median_of(repeats, lambda: produce(None))]
    results.append(await median_of(repeats, lambda: produce(RELAY_BATCH_SIZE)))
    consumed_topic = await new_topic(bootstrap_servers, "raw-consume")
    await fill_topic(bootstrap_servers, consumed_topic, records)
    groups = itertools.count()
    results.append(
        await median_of(
            repeats,
            lambda: raw_consumer_throughput(
                bootstrap_servers, consumed_topic, sizes.consumer_batch, group_id=f"batch-{next(groups)}"
            ),
        )
    )
    results.append(
        await measure_quietly(
            lambda: raw_consumer_throughput(
                bootstrap_servers,
                consumed_topic,
                sizes.consumer_per_record,
                commit_per_record=True,
                group_id=f"record-{next(groups)}",
            )
        )
    )
    for rows_per_transaction, count in sizes.inserts:
        rows = factory.encoded(count)
        results.append(
            await median_of(
                repeats,
                lambda k=rows_per_transaction, rows=rows: raw_insert_rate(  # type: ignore[misc]
                    database_url, rows, rows_per_transaction=k
                ),
            )
        )
    latency_events = factory.encoded(sizes.latency)

    async def produce_to_read() -> Measurement:
        topic = await new_topic(bootstrap_servers, "raw-latency")
        return await raw_produce_to_read_latency(
            bootstrap_servers, topic, latency_events, rate_per_second=sizes.latency_rate
        )

    results.append(await measure_quietly(produce_to_read))
    return results


async def _main(arguments: argparse.Namespace) -> list[Measurement]:
    sizes = Sizes.quick() if arguments.quick else Sizes.full()
    facts = await postgres_facts(arguments.database_url, require_durable=not arguments.allow_not_durable)
    print(f"PostgreSQL {facts['server_version']}: " + ", ".join(f"{k}={v}" for k, v in facts.items()))
    async with scratch_database(arguments.database_url) as database_url:
        return await measure_all(arguments.bootstrap_servers, database_url, sizes, EventFactory())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="smoke-sized run")
    parser.add_argument(
        "--bootstrap-servers",
        help="use this Kafka instead of the bench stack (column 'other' then counts its servers too)",
    )
    parser.add_argument("--database-url", help="admin postgresql:// URL instead of the bench stack")
    parser.add_argument("--allow-not-durable", action="store_true", help="accept a PostgreSQL with fsync off")
    arguments = parser.parse_args(argv)
    if arguments.bootstrap_servers and arguments.database_url:
        results = asyncio.run(_main(arguments))
    else:
        with own_durable_stack() as endpoints:
            measurements.watch_servers(set(endpoints.server_pids))
            arguments.bootstrap_servers = endpoints.bootstrap_servers
            arguments.database_url = endpoints.admin_url
            results = asyncio.run(_main(arguments))
    print("\n".join(format_measurements(results)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

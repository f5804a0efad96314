"""Issue #4's benchmark: the pathway assembler as a real process (`pathway serve`) on the bench's durable
stack, a fresh region's topics and a database of its own.

* drain: a backlog of valid catalogue events (`pathway_workload`) is put on the referral and partner
  topics while the service is stopped; then the service starts and the assembler takes them all in. The
  rate is timed in the database, from the first new entry's transaction to the last one's, so start-up
  and the group join are left out (reported in details). The assembler handles one event per
  transaction (the kit's `EventConsumer`): inbox claim, entry, pathway state, outbox rows, one COMMIT.
* ingestion → readable: partners' events sent by `POST /events` (structured mode, one event a request)
  at a steady rate, half the drain rate; a sample is the time from the answer (the broker has
  acknowledged the event) to the entry being readable in `timeline_entries`. The reader LISTENs to the
  outbox channel the assembler's transaction notifies at commit, and then looks the pending events up.

Set-up goes through the service's own commands: `pathway migrate`, `provision_region_topics`,
`pathway register-organisation`, `pathway issue-key`. The process is stopped by its pid (SIGTERM, so the
assembler commits its offsets on the way out) and the region's topics are deleted.
"""

import argparse
import asyncio
import contextlib
import functools
import os
import pstats
import re
import subprocess
import sys
import tempfile
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
import measurements
from aiokafka.admin import AIOKafkaAdminClient
from measurements import MachineClock, Measurement, now, throughput
from pathway_workload import PARTNER, PARTNER_KIND, PARTNER_MAY_EMIT, PathwayWorkload, Routed
from serve_process import cpu_seconds, free_port, start_serve, stop, tree_cpu_seconds, wait_ready
from stack import (
    DEFAULT_HOME,
    DEFAULT_KAFKA_PORT,
    DEFAULT_POSTGRES_PORT,
    TOPIC_PARTITIONS,
    delete_topics,
    own_durable_stack,
    scratch_database,
    sqlalchemy_url,
)

from devstack.postgres_urls import plain_url
from event_contracts.http_binding import to_structured_json
from event_contracts.kafka_binding import to_kafka_record
from event_contracts.media_types import CLOUDEVENTS_JSON
from event_contracts.topics import RegionTopics, topics_for_region
from pathway.config import PathwaySettings
from service_kit.outbox import OUTBOX_CHANNEL
from service_kit.producer import EventProducer, Record
from service_kit.provisioning import provision_region_topics, region_topic_names

DRAIN_NAME = "pathway assembler drain"
PRIOR_ENTRIES_DETAIL = "prior_entries_per_person"
RELATIVE_RATE_DETAIL = "rate_relative_to_the_drain_of_new_persons"
LATENCY_NAME = "pathway: POST /events answer → entry readable"
INGESTION_NAME = "pathway: POST /events, 1 event each"
INGESTION_CLIENTS = 32
BATCH_SIZE_VARIABLE = "PATHWAY_ASSEMBLER_BATCH_SIZE"
WORKERS_VARIABLE = "PATHWAY_HTTP_WORKERS"
ASSEMBLER_INSTANCES = (1, 2)
GROUP_SETTLE_TIMEOUT_SECONDS = 60.0
POLL_SECONDS = 0.1
# The relay gives way to the assembler when they share the two cores: publishing later, it sends larger waves,
# which cost it and the broker less per event. Alternated drains against the relay in the service's process:
# 5,294/s against 4,940/s on average (6 drains each).
RELAY_NICENESS = 10
STATISTICS_DELAY_SECONDS = 1.5


@dataclass
class PathwayBench:
    """A region of the bench with its `pathway serve` and its `pathway relay` (started and stopped at will,
    together): the instances run without the outbox relay, which runs in a process of its own at a lower
    priority, and whose CPU the figures count with the service's."""

    region: str
    topics: RegionTopics
    env: dict[str, str]
    base_url: str
    database_url: str
    bootstrap_servers: str
    api_key: str
    log: Path
    relay_port: int
    process: subprocess.Popen[bytes] | None = None
    relay: subprocess.Popen[bytes] | None = None
    starts: list[float] = field(default_factory=list)
    profile_to: Path | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None, "pathway serve is not running"
        return self.process.pid

    @property
    def relay_log(self) -> Path:
        return self.log.with_suffix(".relay.log")

    async def start(self) -> None:
        if self.process is not None:
            return
        self.starts.append(now())
        relay_env = {**self.env, "PATHWAY_HTTP_PORT": str(self.relay_port)}
        relay_env.pop(WORKERS_VARIABLE, None)
        self.relay = start_serve(
            "pathway", relay_env, self.relay_log, command="relay", niceness=RELAY_NICENESS
        )
        self.process = start_serve("pathway", self.env, self.log, profile_to=self.profile_to)
        measurements.WATCHED_PIDS.update({self.process.pid, self.relay.pid})
        await wait_ready(self.base_url, self.process)
        await wait_ready(f"http://127.0.0.1:{self.relay_port}", self.relay)

    def stop(self) -> None:
        for process, log in ((self.process, self.log), (self.relay, self.relay_log)):
            if process is not None:
                measurements.WATCHED_PIDS.discard(process.pid)
                stop(process, log)
        self.process = self.relay = None

    def cpu_seconds(self) -> float:
        """The CPU time so far of `pathway serve` (with its workers) and of `pathway relay`."""
        return tree_cpu_seconds(self.pid) + self.relay_cpu_seconds()

    def relay_cpu_seconds(self) -> float:
        assert self.relay is not None, "pathway relay is not running"
        return cpu_seconds(self.relay.pid)

    async def metrics(self) -> str:
        async with aiohttp.ClientSession() as session, session.get(f"{self.base_url}/metrics") as answer:
            return await answer.text()


def metric(text: str, name: str, **labels: str) -> float:
    """One sample of the Prometheus text format (0 when absent)."""
    wanted = ",".join(f'{key}="{value}"' for key, value in sorted(labels.items()))
    for line in text.splitlines():
        found = re.fullmatch(rf"{re.escape(name)}(?:\{{(.*)\}})? (\S+)", line)
        if found and ",".join(sorted((found.group(1) or "").split(","))) == wanted:
            return float(found.group(2))
    return 0.0


async def pathway_command(env: dict[str, str], *arguments: str) -> str:
    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "pathway", *arguments],
        env=env,
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"pathway {arguments[0]} failed: {done.stderr.decode()[-2000:]}")
    return done.stdout.decode()


@asynccontextmanager
async def pathway_region(bootstrap_servers: str, database_url: str) -> AsyncIterator[PathwayBench]:
    """Migrates ``database_url`` (an empty database), provisions a fresh region's topics, registers the
    workload's partner and issues its key; stops `pathway serve` and drops the topics on the way out."""
    region = f"bench-{uuid.uuid4().hex[:8]}"
    port = free_port()
    env = {
        **os.environ,
        "PATHWAY_ENVIRONMENT": "development",
        "PATHWAY_REGION": region,
        "PATHWAY_KAFKA_BOOTSTRAP_SERVERS": bootstrap_servers,
        "PATHWAY_DATABASE_URL": sqlalchemy_url(database_url),
        "PATHWAY_HTTP_PORT": str(port),
        "PATHWAY_LOG_LEVEL": "WARNING",
        "PATHWAY_RUN_OUTBOX_RELAY": "false",
        # The workload's events happened months ago: no time-based alert sweep during the measures.
        "PATHWAY_ALERT_SWEEP_INTERVAL_SECONDS": "3600",
    }
    await pathway_command(env, "migrate")
    await provision_region_topics(bootstrap_servers, region, partitions=TOPIC_PARTITIONS)
    await pathway_command(
        env, "register-organisation", "--id", str(PARTNER), "--kind", PARTNER_KIND.value,
        "--may-emit", *PARTNER_MAY_EMIT,
    )  # fmt: skip
    issued = await pathway_command(
        env, "issue-key", "--organisation", str(PARTNER), "--scopes", "events:emit"
    )
    bench = PathwayBench(
        region=region,
        topics=topics_for_region(region),
        env=env,
        base_url=f"http://127.0.0.1:{port}",
        database_url=database_url,
        bootstrap_servers=bootstrap_servers,
        api_key=issued.strip().splitlines()[-1],
        log=Path(tempfile.gettempdir()) / f"bench-pathway-{region}.log",
        relay_port=free_port(),
    )
    try:
        yield bench
    finally:
        bench.stop()
        await delete_topics(bootstrap_servers, region_topic_names(region))


def kafka_records(bench: PathwayBench, routed: Sequence[Routed]) -> list[Record]:
    """The events as the records a partner's producer sends, encoded before any clock starts."""
    topic = {"referral": bench.topics.referral_events, "partner": bench.topics.partner_events}
    records: list[Record] = []
    for item in routed:
        record = to_kafka_record(item.event)
        records.append((topic[item.topic], record.key, record.value, record.headers))
    return records


def bench_producer(bench: PathwayBench) -> EventProducer:
    # The kit's producer, for its batches of a call's own per partition: the load generator shares the
    # machine with the service it measures. Encoding and sending the 12,000 timed records one by one cost
    # it about 0.29 s of CPU inside the live drains' timed window, what the assembler spends on about
    # 1,700 events; encoded beforehand and sent in batches, 0.04 to 0.06 s.
    return EventProducer(bench.bootstrap_servers, client_id="bench-load")


async def publish(bench: PathwayBench, routed: Sequence[Routed]) -> None:
    async with bench_producer(bench) as producer:
        await producer.send_all(kafka_records(bench, routed))


async def _scalar(database_url: str, query: str, *arguments: Any) -> Any:
    connection = await asyncpg.connect(plain_url(database_url))
    try:
        return await connection.fetchval(query, *arguments)
    finally:
        await connection.close()


_ARRIVED_LATE_SINCE = "SELECT count(*) FROM timeline_entries WHERE appended_at >= $1 AND arrived_late"
_ENTRIES_STORED = "SELECT coalesce(sum(last_seq), 0) FROM pathways"
_UNPUBLISHED = "SELECT EXISTS (SELECT 1 FROM outbox WHERE published_at IS NULL)"


async def wait_for_entries(database_url: str, count: int, timeout_seconds: float) -> None:
    connection = await asyncpg.connect(plain_url(database_url))
    try:
        async with asyncio.timeout(timeout_seconds):
            # Another process writes the tables: nothing to wait on but them. Each person's last seq is
            # their number of entries, stored in the entries' transaction; summed over the pathways, it
            # costs the server far less than counting every entry, ten times a second, during a measure.
            while await connection.fetchval(_ENTRIES_STORED) < count:  # noqa: ASYNC110
                await asyncio.sleep(POLL_SECONDS)
    finally:
        await connection.close()


async def _database_activity(database_url: str) -> dict[str, int]:
    """PostgreSQL's cumulative counters for the database (backends report them within about a second)."""
    connection = await asyncpg.connect(plain_url(database_url))
    try:
        row = await connection.fetchrow(
            "SELECT xact_commit, tup_inserted, tup_updated, tup_fetched FROM pg_stat_database"
            " WHERE datname = current_database()"
        )
    finally:
        await connection.close()
    return {name: int(value) for name, value in row.items()}


async def _row_counts(database_url: str) -> dict[str, int]:
    return {
        table: int(await _scalar(database_url, f"SELECT count(*) FROM {table}"))
        for table in ("timeline_entries", "outbox", "inbox", "raised_alerts")
    }


async def take_in_set_up(bench: PathwayBench, set_up: Sequence[Routed], timeout_seconds: float) -> None:
    """Through the running service, the referral topic's events first: the partner is refused about a
    person until the care team is stored, and Kafka keeps no order across the two topics. It ends once the
    relay has published what they caused, which would otherwise be published during the measure."""
    for topic in ("referral", "partner"):
        events = [routed for routed in set_up if routed.topic == topic]
        if not events:
            continue
        already = (await _row_counts(bench.database_url))["timeline_entries"]
        await publish(bench, events)
        await wait_for_entries(bench.database_url, already + len(events), timeout_seconds)
    await wait_for_outbox_published(bench.database_url, timeout_seconds)


async def wait_for_outbox_published(database_url: str, timeout_seconds: float) -> None:
    connection = await asyncpg.connect(plain_url(database_url))
    try:
        async with asyncio.timeout(timeout_seconds):
            while await connection.fetchval(_UNPUBLISHED):  # noqa: ASYNC110 - another process publishes
                await asyncio.sleep(POLL_SECONDS)
    finally:
        await connection.close()


async def drain_throughput(
    bench: PathwayBench, workload: PathwayWorkload, timeout_seconds: float, *, batch_size: int | None = None
) -> Measurement:
    """Set-up events through a running service (untimed; they also warm it up), then the timed backlog
    put on the topics while it is stopped, and taken in after it starts again, with at most
    ``batch_size`` events per transaction (the service's own default when None)."""
    set_up, timed = workload.set_up(), workload.timed()
    await bench.start()
    set_up_started = now()
    await take_in_set_up(bench, set_up, timeout_seconds)
    set_up_seconds = now() - set_up_started
    bench.stop()
    before = await _row_counts(bench.database_url)
    await publish(bench, timed)
    marker: datetime = await _scalar(bench.database_url, "SELECT clock_timestamp()")
    activity_before = await _database_activity(bench.database_url)

    clock, servers_cpu_before = MachineClock(), measurements.servers_cpu_seconds()
    if batch_size is None:
        bench.env.pop(BATCH_SIZE_VARIABLE, None)
    else:
        bench.env[BATCH_SIZE_VARIABLE] = str(batch_size)
    await bench.start()
    ready, service_cpu_at_ready, relay_cpu_at_ready = now(), bench.cpu_seconds(), bench.relay_cpu_seconds()
    await wait_for_entries(bench.database_url, before["timeline_entries"] + len(timed), timeout_seconds)
    done, usage = now(), clock.usage()
    service_cpu = bench.cpu_seconds() - service_cpu_at_ready
    relay_cpu = bench.relay_cpu_seconds() - relay_cpu_at_ready
    servers_cpu = measurements.servers_cpu_seconds() - servers_cpu_before
    text = await bench.metrics()
    await asyncio.sleep(STATISTICS_DELAY_SECONDS)
    activity = await _database_activity(bench.database_url)
    after = await _row_counts(bench.database_url)
    first, last = await _appended_between(bench.database_url, marker)
    arrived_late = await _scalar(bench.database_url, _ARRIVED_LATE_SINCE, marker)
    group = f"{bench.region}.pathway.assembler"
    dead_lettered = metric(text, "events_consumed_total", consumer=group, outcome="dead_lettered")
    if dead_lettered:
        raise AssertionError(
            f"{dead_lettered:.0f} events of the workload were dead-lettered; see {bench.log}"
        )
    transactions = metric(text, "handler_duration_seconds_count", consumer=group)
    handler_seconds = metric(text, "handler_duration_seconds_sum", consumer=group)
    applied = metric(text, "events_consumed_total", consumer=group, outcome="applied")
    added = {table: after[table] - before[table] for table in after}
    seconds = (last - first).total_seconds()
    return throughput(
        drain_name(batch_size or _default_batch_size()),
        len(timed),
        seconds,
        details={
            "batch_size_setting": batch_size or _default_batch_size(),
            "events_per_transaction": round(applied / transactions, 1) if transactions else None,
            "rows_written_per_event": {table: round(n / len(timed), 2) for table, n in added.items()},
            "database_per_event (assembler, relay, sweeper, polls)": {
                name: round((activity[name] - activity_before[name]) / len(timed), 2) for name in activity
            },
            "persons": len(workload.persons),
            "arrived_late (the whole timeline read and folded again)": arrived_late,
            "set_up_events": len(set_up),
            "set_up_seconds": round(set_up_seconds, 2),
            "start_to_ready_seconds": round(ready - bench.starts[-1], 3),
            "start_to_last_entry_seconds": round(done - bench.starts[-1], 3),
            "mean_transaction_ms": round(handler_seconds / transactions * 1000, 3) if transactions else None,
            "transactions": int(transactions),
            "service_cpu_share": round(service_cpu / (done - ready), 2),
            "service_cpu_ms_per_event": round(service_cpu / len(timed) * 1000, 3),
            "of_which_relay_cpu_ms_per_event": round(relay_cpu / len(timed) * 1000, 3),
            "servers_cpu_ms_per_event": round(servers_cpu / len(timed) * 1000, 3),
            **usage,
        },
    )


async def group_state(bootstrap_servers: str, group: str) -> tuple[str, int]:
    """The group's state and how many consumers it has now (the broker's DescribeGroups answer)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        (response,) = await admin.describe_consumer_groups([group])
    finally:
        await admin.close()
    # Each group of the answer: (error_code, group_id, state, protocol_type, protocol, members, ...).
    for described in response.groups:
        if described[1] == group:
            return str(described[2]), len(described[5])
    return "Dead", 0


async def wait_for_group(bootstrap_servers: str, group: str, members: int) -> None:
    """Until the group has `members` consumers and is Stable: a member is listed as soon as it joins, while
    the rebalance that gives it partitions may still be going on, and the measure would wait for it."""
    async with asyncio.timeout(GROUP_SETTLE_TIMEOUT_SECONDS):
        # The broker holds the group: nothing to wait on but its answer.
        while await group_state(bootstrap_servers, group) != ("Stable", members):  # noqa: ASYNC110
            await asyncio.sleep(POLL_SECONDS)


def instances_name(instances: int) -> str:
    plural = "s" if instances > 1 else ""
    return f"{drain_name(_default_batch_size())}, {instances} instance{plural}, live"


async def live_drain_throughput(
    bench: PathwayBench, workload: PathwayWorkload, instances: int, timeout_seconds: float
) -> Measurement:
    """The assembler with ``instances`` processes in its consumer group (`pathway serve` with that many
    workers), with the service's default batches. The set-up events go through them; once the broker
    counts every one of them in the group, the timed events are put on the topics while they run (a
    backlog taken in at start-up would be shared out by a rebalance in the middle of the measure). The
    producer is faster than the assembler, so the first to last new entry is the assembler's pace."""
    set_up, timed = workload.set_up(), workload.timed()
    bench.stop()
    bench.env.pop(BATCH_SIZE_VARIABLE, None)
    bench.env[WORKERS_VARIABLE] = str(instances)
    try:
        already = (await _row_counts(bench.database_url))["timeline_entries"]
        await bench.start()
        await take_in_set_up(bench, set_up, timeout_seconds)
        await wait_for_group(bench.bootstrap_servers, f"{bench.region}.pathway.assembler", instances)
        records = kafka_records(bench, timed)
        async with bench_producer(bench) as producer:
            marker: datetime = await _scalar(bench.database_url, "SELECT clock_timestamp()")
            clock, service_cpu_before, started = MachineClock(), bench.cpu_seconds(), now()
            relay_cpu_before = bench.relay_cpu_seconds()
            servers_cpu_before = measurements.servers_cpu_seconds()
            await producer.send_all(records)
            published = now()
        await wait_for_entries(bench.database_url, already + len(set_up) + len(timed), timeout_seconds)
        done, usage = now(), clock.usage()
        service_cpu = bench.cpu_seconds() - service_cpu_before
        relay_cpu = bench.relay_cpu_seconds() - relay_cpu_before
        servers_cpu = measurements.servers_cpu_seconds() - servers_cpu_before
        first, last = await _appended_between(bench.database_url, marker)
        arrived_late = await _scalar(bench.database_url, _ARRIVED_LATE_SINCE, marker)
    finally:
        bench.stop()
        bench.env.pop(WORKERS_VARIABLE, None)
    return throughput(
        instances_name(instances),
        len(timed),
        (last - first).total_seconds(),
        details={
            "instances": instances,
            "batch_size_setting": _default_batch_size(),
            "persons": len(workload.persons),
            "publish_seconds": round(published - started, 3),
            "arrived_late (the whole timeline read and folded again)": arrived_late,
            "service_cpu_cores": round(service_cpu / (done - started), 2),
            "service_cpu_ms_per_event": round(service_cpu / len(timed) * 1000, 3),
            "of_which_relay_cpu_ms_per_event": round(relay_cpu / len(timed) * 1000, 3),
            "servers_cpu_ms_per_event": round(servers_cpu / len(timed) * 1000, 3),
            **usage,
        },
    )


async def _appended_between(database_url: str, marker: datetime) -> tuple[datetime, datetime]:
    connection = await asyncpg.connect(plain_url(database_url))
    try:
        first, last = await connection.fetchrow(
            "SELECT min(appended_at), max(appended_at) FROM timeline_entries WHERE appended_at > $1", marker
        )
    finally:
        await connection.close()
    return first, last


class ReadableEntries:
    """Notes when entries become readable: woken by the outbox NOTIFY the assembler's commit sends (a
    poll every 50 ms as a safety net), it looks the still-pending event ids up."""

    def __init__(self, database_url: str, source: str) -> None:
        self._database_url = database_url
        self._source = source
        self.pending: set[uuid.UUID] = set()
        self.readable_at: dict[uuid.UUID, float] = {}
        self._wake = asyncio.Event()
        self._found = asyncio.Event()
        self._stopping = False
        self._connections: list[asyncpg.Connection] = []
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        listener = await asyncpg.connect(plain_url(self._database_url))
        reader = await asyncpg.connect(plain_url(self._database_url))
        self._connections = [listener, reader]
        await listener.add_listener(OUTBOX_CHANNEL, lambda *_: self._wake.set())
        self._task = asyncio.create_task(self._look_up(reader))

    async def _look_up(self, reader: asyncpg.Connection) -> None:
        while not self._stopping:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), 0.05)
            self._wake.clear()
            if not self.pending:
                continue
            rows = await reader.fetch(
                "SELECT event_id FROM timeline_entries"
                " WHERE event_source = $1 AND event_id = ANY($2::uuid[])",
                self._source,
                list(self.pending),
            )
            seen = now()
            for row in rows:
                self.pending.discard(row["event_id"])
                self.readable_at[row["event_id"]] = seen
            if rows:
                self._found.set()

    async def wait_for(self, ids: set[uuid.UUID], timeout_seconds: float) -> None:
        async with asyncio.timeout(timeout_seconds):
            while not ids <= self.readable_at.keys():
                self._found.clear()
                await self._found.wait()

    async def stop(self) -> None:
        self._stopping = True
        if self._task is not None:
            await self._task
        for connection in self._connections:
            await connection.close()


async def ingest_to_readable_latency(
    bench: PathwayBench,
    workload: PathwayWorkload,
    count: int,
    rate_per_second: float,
    *,
    timeout_seconds: float = 120.0,
) -> Measurement:
    """POSTs at a steady pace, each request its own task; latency = entry readable - answer received.
    `measure_pathway_assembler` sets the pace at half the lower of the drain and ingestion rates."""
    events = [
        workload.barrier_identified(workload.persons[index % len(workload.persons)], 10 + index / 1000).event
        for index in range(count)
    ]
    answered_at: dict[uuid.UUID, float] = {}
    answer_seconds: list[float] = []
    entries = ReadableEntries(bench.database_url, f"/organisations/{PARTNER}")
    headers = {"Content-Type": CLOUDEVENTS_JSON, "X-API-Key": bench.api_key}

    async def send(session: aiohttp.ClientSession, event: Any) -> None:
        entries.pending.add(event.id)
        begun = now()
        async with session.post(f"{bench.base_url}/events", data=to_structured_json(event)) as answer:
            document = await answer.json(content_type=None)
        answered = now()
        if answer.status != 200 or document["results"][0]["status"] != "accepted":
            raise RuntimeError(f"POST /events answered {answer.status}: {document}")
        answered_at[event.id] = answered
        answer_seconds.append(answered - begun)

    await entries.start()
    try:
        session = aiohttp.ClientSession(headers=headers, timeout=aiohttp.ClientTimeout(total=30))
        async with session:
            started, clock, service_cpu_before = now(), MachineClock(), bench.cpu_seconds()
            async with asyncio.TaskGroup() as requests:
                for index, event in enumerate(events):
                    delay = started + index / rate_per_second - now()
                    if delay > 0:
                        await asyncio.sleep(delay)
                    requests.create_task(send(session, event))
            await entries.wait_for(set(answered_at), timeout_seconds)
            seconds, usage = now() - started, clock.usage()
            service_cpu = bench.cpu_seconds() - service_cpu_before
    finally:
        await entries.stop()
    latencies = [entries.readable_at[event_id] - at for event_id, at in answered_at.items()]
    answer_p50, answer_p99 = measurements.percentiles_ms(answer_seconds)
    return throughput(
        LATENCY_NAME,
        len(latencies),
        seconds,
        latencies_seconds=latencies,
        latency_of="POST answered (broker ack) → entry readable",
        details={
            "target_rate_per_second": round(rate_per_second, 1),
            "max_ms": round(max(latencies) * 1000, 3),
            "min_ms": round(min(latencies) * 1000, 3),
            "post_answer_p50_ms": answer_p50,
            "post_answer_p99_ms": answer_p99,
            "service_cpu_share": round(service_cpu / seconds, 2),
            **usage,
        },
    )


async def ingestion_throughput(
    bench: PathwayBench, workload: PathwayWorkload, count: int, *, timeout_seconds: float = 300.0
) -> Measurement:
    """``count`` POSTs of one event each by `INGESTION_CLIENTS` clients in a loop; rate = count over
    the time to the last answer (the broker has acknowledged every event by then). The assembler takes
    them in meanwhile, in the same process; the time until the last is readable is in details."""
    events = iter(
        workload.barrier_identified(
            workload.persons[index % len(workload.persons)], 20 + index / 10_000
        ).event
        for index in range(count)
    )
    answered: list[float] = []
    before = int(await _scalar(bench.database_url, "SELECT count(*) FROM timeline_entries"))

    async def client(session: aiohttp.ClientSession) -> None:
        for event in events:
            begun = now()
            async with session.post(f"{bench.base_url}/events", data=to_structured_json(event)) as answer:
                document = await answer.json(content_type=None)
            if answer.status != 200 or document["results"][0]["status"] != "accepted":
                raise RuntimeError(f"POST /events answered {answer.status}: {document}")
            answered.append(now() - begun)

    headers = {"Content-Type": CLOUDEVENTS_JSON, "X-API-Key": bench.api_key}
    connector = aiohttp.TCPConnector(limit=INGESTION_CLIENTS)
    async with aiohttp.ClientSession(headers=headers, connector=connector) as session:
        started, clock, service_cpu_before = now(), MachineClock(), bench.cpu_seconds()
        async with asyncio.TaskGroup() as clients:
            for _ in range(INGESTION_CLIENTS):
                clients.create_task(client(session))
        last_answer, usage = now(), clock.usage()
        service_cpu = bench.cpu_seconds() - service_cpu_before
    await wait_for_entries(bench.database_url, before + count, timeout_seconds)
    answer_p50, answer_p99 = measurements.percentiles_ms(answered)
    return throughput(
        INGESTION_NAME,
        count,
        last_answer - started,
        latencies_seconds=answered,
        latency_of="POST → answer (broker ack)",
        details={
            "clients": INGESTION_CLIENTS,
            "last_answer_to_last_entry_seconds": round(now() - last_answer, 2),
            "service_cpu_share": round(service_cpu / (last_answer - started), 2),
            "post_answer_p50_ms": answer_p50,
            "post_answer_p99_ms": answer_p99,
            **usage,
        },
    )


def _default_batch_size() -> int:
    """The service's own setting; 1 (one event per transaction) where it has none."""
    field = PathwaySettings.model_fields.get("assembler_batch_size")
    return int(field.default) if field is not None else 1


def drain_name(batch_size: int) -> str:
    return f"{DRAIN_NAME}, 1 event/tx" if batch_size == 1 else f"{DRAIN_NAME}, batches of ≤ {batch_size}"


def long_timelines_name(prior_entries: int) -> str:
    return f"{drain_name(_default_batch_size())}, persons with {prior_entries} prior entries"


def compared_with_raw_limits(measured: Measurement) -> bool:
    """Issue #4's drains, of persons whose timelines they begin; the drain of long timelines is compared
    with the drain of new persons instead."""
    return measured.name.startswith(DRAIN_NAME) and PRIOR_ENTRIES_DETAIL not in measured.details


def relative_to_the_drain_of_new_persons(long_timelines: Measurement, drain: Measurement) -> Measurement:
    details = {
        **long_timelines.details,
        RELATIVE_RATE_DETAIL: round(long_timelines.rate / drain.rate, 3),
        "drain_of_new_persons_rate": drain.rate,
    }
    return replace(long_timelines, details=details)


def describe_long_timelines(measured: Measurement) -> str:
    """One line for the tables of `run.py` and `pathway_alone.py`."""
    details = measured.details
    return (
        f"{measured.name}: {measured.rate:.1f} events/s = {details[RELATIVE_RATE_DETAIL]:.0%} of the drain "
        f"of new persons ({details['drain_of_new_persons_rate']:.1f}/s); {details['persons']} persons with "
        f"{details[PRIOR_ENTRIES_DETAIL]} entries each before"
    )


async def drain_of_long_timelines(
    bench: PathwayBench, workload: PathwayWorkload, prior_entries: int, timeout_seconds: float
) -> Measurement:
    """The drain with the service's default batches, of persons who each have about ``prior_entries``
    entries already: how the assembler's cost per event depends on the length of a timeline."""
    bench.stop()
    measured = await drain_throughput(bench, workload, timeout_seconds)
    details = {**measured.details, PRIOR_ENTRIES_DETAIL: workload.prior_entries}
    return replace(measured, name=long_timelines_name(prior_entries), details=details)


async def measure_pathway_assembler(
    bootstrap_servers: str,
    database_url: str,
    *,
    persons: int,
    latency_count: int,
    drain_persons: int | None = None,
    long_timeline_persons: int = 0,
    prior_entries: int = 0,
    drain_timeout_seconds: float = 900.0,
) -> list[Measurement]:
    """The drain one event per transaction and, when the service batches, with its default batches;
    then the latency at half the rate of the service as configured by default; last, with
    ``long_timeline_persons``, the drain of persons who have ``prior_entries`` entries already."""
    async with pathway_region(bootstrap_servers, database_url) as bench:
        workloads: list[PathwayWorkload] = []

        async def drain_of_new_persons(batch_size: int) -> Measurement:
            # Each drain needs persons of its own: an earlier drain's are on their timelines already.
            workloads.append(PathwayWorkload(bench.region, drain_persons or persons, seed=len(workloads) + 1))
            bench.stop()
            return await drain_throughput(bench, workloads[-1], drain_timeout_seconds, batch_size=batch_size)

        async def live_drain_of_new_persons(instances: int) -> Measurement:
            workloads.append(PathwayWorkload(bench.region, drain_persons or persons, seed=len(workloads) + 1))
            return await live_drain_throughput(bench, workloads[-1], instances, drain_timeout_seconds)

        async def drain_of_persons_with_long_timelines() -> Measurement:
            workloads.append(
                PathwayWorkload(
                    bench.region, long_timeline_persons, seed=len(workloads) + 1, prior_entries=prior_entries
                )
            )
            return await drain_of_long_timelines(bench, workloads[-1], prior_entries, drain_timeout_seconds)

        timed = persons * PathwayWorkload.TIMED_PER_PERSON
        drained = (drain_persons or persons) * PathwayWorkload.TIMED_PER_PERSON
        drains = []
        for batch_size in sorted({1, _default_batch_size()}):
            print(f"  {drain_name(batch_size)}: {drained} events …", flush=True)
            drains.append(
                await measurements.measure_quietly(functools.partial(drain_of_new_persons, batch_size))
            )
        live = []
        for instances in ASSEMBLER_INSTANCES:
            print(f"  {instances_name(instances)}: {drained} events …", flush=True)
            live.append(
                await measurements.measure_quietly(functools.partial(live_drain_of_new_persons, instances))
            )
        bench.stop()
        bench.env.pop(BATCH_SIZE_VARIABLE, None)
        await bench.start()
        print(f"  {INGESTION_NAME}: {timed} by {INGESTION_CLIENTS} clients …", flush=True)
        ingestion = await measurements.measure_quietly(
            lambda: ingestion_throughput(bench, workloads[-1], timed)
        )
        rate = min(drains[-1].rate, ingestion.rate) / 2
        print(f"  pathway: POST /events → readable at {rate:.0f}/s (half the sustainable rate) …", flush=True)
        latency = await measurements.measure_quietly(
            lambda: ingest_to_readable_latency(bench, workloads[-1], latency_count, rate)
        )
        # Last, so that the seeds, thus the persons and ids, of the figures above stay those of earlier runs.
        long_timelines = []
        if long_timeline_persons:
            print(
                f"  {long_timelines_name(prior_entries)}: set-up of {long_timeline_persons} persons, then "
                f"{long_timeline_persons * PathwayWorkload.TIMED_PER_PERSON} events …",
                flush=True,
            )
            measured = await measurements.measure_quietly(drain_of_persons_with_long_timelines)
            long_timelines.append(relative_to_the_drain_of_new_persons(measured, drains[-1]))
    return [*drains, *long_timelines, *live, ingestion, latency]


async def profile_the_drain(
    bootstrap_servers: str, admin_url: str, persons: int, output: Path, batch_size: int | None
) -> Measurement:
    """Where the assembler's time goes: the drain with `pathway serve` under cProfile (whose overhead
    lowers the rate; the figure to quote is the one of `run.py`)."""
    async with (
        scratch_database(admin_url) as database_url,
        pathway_region(bootstrap_servers, database_url) as bench,
    ):
        workload = PathwayWorkload(bench.region, persons)
        # The set-up's process writes the file first; the drain's process, stopped last, overwrites it.
        bench.profile_to = output
        measured = await drain_throughput(bench, workload, 900, batch_size=batch_size)
        bench.stop()
    return measured


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Profile the pathway assembler's drain on the bench stack.")
    parser.add_argument("--persons", type=int, default=300)
    parser.add_argument("--batch-size", type=int, help="PATHWAY_ASSEMBLER_BATCH_SIZE (the service's default)")
    parser.add_argument("--output", type=Path, default=Path(tempfile.gettempdir()) / "pathway-drain.prof")
    parser.add_argument("--top", type=int, default=40, help="functions to print, by cumulative time")
    parser.add_argument("--home", type=Path, default=DEFAULT_HOME, help="state directory of the bench stack")
    parser.add_argument("--kafka-port", type=int, default=DEFAULT_KAFKA_PORT)
    parser.add_argument("--postgres-port", type=int, default=DEFAULT_POSTGRES_PORT)
    arguments = parser.parse_args(argv)
    with own_durable_stack(arguments.home, arguments.kafka_port, arguments.postgres_port) as endpoints:
        measurements.watch_servers(set(endpoints.server_pids))
        measured = asyncio.run(
            profile_the_drain(
                endpoints.bootstrap_servers,
                endpoints.admin_url,
                arguments.persons,
                arguments.output,
                arguments.batch_size,
            )
        )
    print(f"drain under cProfile: {measured.rate} events/s; details {measured.details}")
    stats = pstats.Stats(str(arguments.output))
    stats.sort_stats(pstats.SortKey.CUMULATIVE).print_stats(arguments.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())

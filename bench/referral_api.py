"""The referral service end to end: `referral serve` as a real process on the bench's durable stack,
referrals created over HTTP, their `referral.sent` events read back from the region's topic.

Two measures (issue #3's last "Done means" item):

* latency: POST /referrals at a steady rate, one new person each time; for each, the time from sending
  the request to its `referral.sent` record being readable on `{region}.referral.events.v1` (a reader
  assigned to every partition from the end, matching records by the referral id in the event data);
* throughput: a fixed number of POSTs by a few concurrent clients: creations/s, and whether the outbox
  relay kept up (time from the last 201 to the last record on the topic; unpublished outbox rows sampled
  during the run).

Set-up goes through the service's own code, never HTTP mocks: `python -m referral migrate`, the region's
topics by `provision_region_topics`, organisations, a workshop and API keys by `load_demo_data` (the use
cases), then `python -m referral serve`, stopped by its pid at the end.
"""

import asyncio
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
import measurements
from aiokafka import AIOKafkaConsumer, TopicPartition
from alone import quiet_stack_of_its_own, section_arguments
from measurements import CpuClock, Measurement, now, throughput
from raw_limits import raw_insert_rate
from serve_process import free_port, start_serve, stop, wait_ready
from stack import (
    TOPIC_PARTITIONS,
    delete_topics,
    describe_machine,
    scratch_database,
    sqlalchemy_url,
)
from workload import EventFactory

from devstack.postgres_urls import plain_url
from event_contracts.topics import topics_for_region
from referral.bootstrap import bootstrap
from referral.config import ReferralSettings
from referral.entrypoints.demo_data import LIRE_ENSEMBLE, WORKSHOP, load_demo_data
from service_kit.provisioning import provision_region_topics, region_topic_names

LATENCY_NAME = "referral API: POST → referral.sent readable"
CREATIONS_NAME = "referral API: creations"
PRESCRIBER_NAME = "France Travail Metz Borny"
RESULTS_DIRECTORY = Path(__file__).resolve().parent / "results"


@dataclass
class ReferralApi:
    """A running `referral serve` of the bench and what a client needs to call it."""

    base_url: str
    api_key: str
    topic: str
    database_url: str
    pid: int
    bootstrap_servers: str
    created: list[str] = field(default_factory=list)


def _service_env(
    region: str, bootstrap_servers: str, database_url: str, port: int, workers: int
) -> dict[str, str]:
    return {
        **os.environ,
        "REFERRAL_ENVIRONMENT": "development",
        "REFERRAL_REGION": region,
        "REFERRAL_KAFKA_BOOTSTRAP_SERVERS": bootstrap_servers,
        "REFERRAL_DATABASE_URL": sqlalchemy_url(database_url),
        "REFERRAL_HTTP_PORT": str(port),
        "REFERRAL_HTTP_WORKERS": str(workers),
        "REFERRAL_LOG_LEVEL": "WARNING",
    }


@asynccontextmanager
async def running_referral_api(
    bootstrap_servers: str, database_url: str, *, workers: int = 1
) -> AsyncIterator[ReferralApi]:
    """Migrates ``database_url`` (an empty database), provisions a fresh region's topics, loads the demo
    organisations, starts `referral serve` with ``workers`` processes behind its port and yields once it
    is ready; stops it and drops the topics. The workers are children of the watched pid, so their CPU
    counts as the service's, not as *other*."""
    region = f"bench-{uuid.uuid4().hex[:8]}"
    port = free_port()
    env = _service_env(region, bootstrap_servers, database_url, port, workers)
    migrated = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "referral", "migrate"],
        env=env,
        capture_output=True,
        check=False,
    )
    if migrated.returncode != 0:
        raise RuntimeError(f"referral migrate failed: {migrated.stderr.decode()[-2000:]}")
    await provision_region_topics(bootstrap_servers, region, partitions=TOPIC_PARTITIONS)
    settings = ReferralSettings(
        region=region,
        kafka_bootstrap_servers=bootstrap_servers,
        database_url=sqlalchemy_url(database_url),
    )
    service = bootstrap(settings)
    try:
        demo = await load_demo_data(service)
    finally:
        await service.engine.dispose()
    log = Path(tempfile.gettempdir()) / f"bench-referral-{region}.log"
    process = start_serve("referral", env, log)
    measurements.WATCHED_PIDS.add(process.pid)
    try:
        base_url = f"http://127.0.0.1:{port}"
        await wait_ready(base_url, process)
        yield ReferralApi(
            base_url=base_url,
            api_key=demo.api_keys[PRESCRIBER_NAME],
            topic=topics_for_region(region).referral_events,
            database_url=database_url,
            pid=process.pid,
            bootstrap_servers=bootstrap_servers,
        )
    finally:
        measurements.WATCHED_PIDS.discard(process.pid)
        stop(process, log)
        await delete_topics(bootstrap_servers, region_topic_names(region))


class SentReader:
    """A reader on every partition of the topic from its end, noting when each referral's `referral.sent`
    record became readable (by the referral id in the event data)."""

    def __init__(self, bootstrap_servers: str, topic: str) -> None:
        self.topic = topic
        self.consumer = AIOKafkaConsumer(
            bootstrap_servers=bootstrap_servers,
            group_id=None,
            enable_auto_commit=False,
            fetch_max_wait_ms=100,
        )
        self.readable_at: dict[str, float] = {}
        self.changed = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self.consumer.start()
        partitions = [TopicPartition(self.topic, partition) for partition in range(TOPIC_PARTITIONS)]
        self.consumer.assign(partitions)
        await self.consumer.seek_to_end(*partitions)
        for partition in partitions:
            await self.consumer.position(partition)
        self._task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        while not self._stopping:
            batches = await self.consumer.getmany(timeout_ms=100)
            arrived = now()
            for batch in batches.values():
                for record in batch:
                    event_type = dict(record.headers).get("ce_type", b"").decode()
                    if not event_type.endswith("referral.sent"):
                        continue
                    referral_id = json.loads(record.value)["referral_id"]
                    self.readable_at.setdefault(referral_id, arrived)
            if batches:
                self.changed.set()

    async def wait_for(self, referral_ids: set[str], timeout_seconds: float) -> None:
        async with asyncio.timeout(timeout_seconds):
            while not referral_ids <= self.readable_at.keys():
                self.changed.clear()
                await self.changed.wait()

    async def stop(self) -> None:
        self._stopping = True
        if self._task is not None:
            await self._task
        await self.consumer.stop()


@asynccontextmanager
async def sent_reader(bootstrap_servers: str, topic: str) -> AsyncIterator[SentReader]:
    reader = SentReader(bootstrap_servers, topic)
    await reader.start()
    try:
        yield reader
    finally:
        await reader.stop()


def _bodies(prefix: str) -> Iterator[dict[str, Any]]:
    """One new person per referral: unique names, so that no possible duplicate is looked for in vain."""
    run = uuid.uuid4().hex[:8]
    index = 0
    while True:
        index += 1
        yield {
            "operator_organisation_id": str(LIRE_ENSEMBLE),
            "workshop_id": str(WORKSHOP),
            "person": {
                "given_names": f"{prefix} {index}",
                "family_name": f"Bench {run} {index}",
                "birth_date": date(1990, 1, 1 + index % 28).isoformat(),
                "phone": f"06 {index % 100:02d} 00 00 {index // 100 % 100:02d}",
                "contact_preference": "sms",
            },
        }


async def _post(session: aiohttp.ClientSession, api: ReferralApi, body: dict[str, Any]) -> str:
    async with session.post(f"{api.base_url}/referrals", json=body) as answer:
        document = await answer.json(content_type=None)
        if answer.status != 201:
            raise RuntimeError(f"POST /referrals answered {answer.status}: {document}")
        return str(document["referral_id"])


def _session(api: ReferralApi, limit: int) -> aiohttp.ClientSession:
    return aiohttp.ClientSession(
        headers={"X-API-Key": api.api_key},
        connector=aiohttp.TCPConnector(limit=limit),
        timeout=aiohttp.ClientTimeout(total=30),
    )


async def warm_up(api: ReferralApi, count: int) -> None:
    """The service's first requests load code and fill pools: throw-away referrals before measuring."""
    bodies = _bodies("Warm")
    async with _session(api, 8) as session:
        for _ in range(count):
            await _post(session, api, next(bodies))


async def post_to_readable_latency(
    api: ReferralApi, count: int, rate_per_second: float, *, timeout_seconds: float = 60.0
) -> Measurement:
    """POSTs at a steady pace (each request its own task, so a slow answer does not delay the next);
    latency = record readable - request sent."""
    bodies = _bodies("Latency")
    sent_at: dict[str, float] = {}
    answered_in: list[float] = []

    async def one(session: aiohttp.ClientSession, body: dict[str, Any]) -> None:
        begun = now()
        referral_id = await _post(session, api, body)
        answered_in.append(now() - begun)
        sent_at[referral_id] = begun

    async with sent_reader(api.bootstrap_servers, api.topic) as reader, _session(api, 64) as session:
        started, cpu = now(), CpuClock()
        async with asyncio.TaskGroup() as requests:
            for index in range(count):
                delay = started + index / rate_per_second - now()
                if delay > 0:
                    await asyncio.sleep(delay)
                requests.create_task(one(session, next(bodies)))
        await reader.wait_for(set(sent_at), timeout_seconds)
        seconds, usage = now() - started, cpu.usage()
        latencies = [reader.readable_at[referral_id] - begun for referral_id, begun in sent_at.items()]
    http_p50, http_p99 = measurements.percentiles_ms(answered_in)
    return throughput(
        LATENCY_NAME,
        len(latencies),
        seconds,
        unit="referrals/s",
        latencies_seconds=latencies,
        latency_of="request sent → record readable",
        details={
            "target_rate_per_second": rate_per_second,
            "max_ms": round(max(latencies) * 1000, 3),
            "min_ms": round(min(latencies) * 1000, 3),
            "http_201_p50_ms": http_p50,
            "http_201_p99_ms": http_p99,
            "http_201_max_ms": round(max(answered_in) * 1000, 3),
            **usage,
        },
    )


async def _backlog_sampler(database_url: str, samples: list[tuple[float, int]], stop: asyncio.Event) -> None:
    connection = await asyncpg.connect(plain_url(database_url))
    try:
        while not stop.is_set():
            count = await connection.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL")
            samples.append((now(), int(count)))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 0.1)
    finally:
        await connection.close()


async def creation_throughput(
    api: ReferralApi, count: int, concurrency: int, *, workers: int = 1, timeout_seconds: float = 120.0
) -> Measurement:
    """``count`` POSTs by ``concurrency`` clients in a loop; rate = count / (last 201 - start)."""
    bodies = _bodies("Throughput")
    created: set[str] = set()
    answered_in: list[float] = []
    remaining = iter(range(count))
    last_201 = 0.0
    backlog: list[tuple[float, int]] = []
    stop_sampling = asyncio.Event()

    async def client(session: aiohttp.ClientSession) -> None:
        nonlocal last_201
        for _ in remaining:
            begun = now()
            referral_id = await _post(session, api, next(bodies))
            last_201 = now()
            answered_in.append(last_201 - begun)
            created.add(referral_id)

    async with sent_reader(api.bootstrap_servers, api.topic) as reader, _session(api, concurrency) as session:
        sampler = asyncio.create_task(_backlog_sampler(api.database_url, backlog, stop_sampling))
        try:
            started, cpu = now(), CpuClock()
            async with asyncio.TaskGroup() as clients:
                for _ in range(concurrency):
                    clients.create_task(client(session))
            usage = cpu.usage()
            await reader.wait_for(created, timeout_seconds)
        finally:
            stop_sampling.set()
            await sampler
        last_record = max(reader.readable_at[referral_id] for referral_id in created)
    http_p50, http_p99 = measurements.percentiles_ms(answered_in)
    during = [n for at, n in backlog if started <= at <= last_201]
    return throughput(
        f"{CREATIONS_NAME} ({concurrency} clients, {workers} worker{'s' if workers > 1 else ''})",
        len(created),
        last_201 - started,
        unit="referrals/s",
        latencies_seconds=answered_in,
        latency_of="POST → 201",
        details={
            "concurrency": concurrency,
            "http_201_p50_ms": http_p50,
            "http_201_p99_ms": http_p99,
            "last_201_to_last_record_ms": round((last_record - last_201) * 1000, 1),
            "creations_to_last_record_per_second": round(len(created) / (last_record - started), 1),
            "outbox_backlog_max": max(during, default=0),
            "outbox_backlog_mean": round(sum(during) / len(during), 1) if during else 0,
            "outbox_backlog_at_last_201": next((n for at, n in reversed(backlog) if at <= last_201), None),
            "outbox_backlog_samples": len(during),
            **usage,
        },
    )


async def measure_referral_api(
    bootstrap_servers: str,
    database_url: str,
    *,
    warm_up_count: int,
    latency_count: int,
    latency_rate: float,
    creations: int,
    concurrency: int,
    workers: int = 1,
) -> list[Measurement]:
    """With ``latency_count`` 0, only the creations are measured."""
    measured = []
    async with running_referral_api(bootstrap_servers, database_url, workers=workers) as api:
        print(f"  referral API: serve pid {api.pid} ({workers} worker(s)), warming up …", flush=True)
        await warm_up(api, warm_up_count)
        if latency_count:
            print(f"  referral API: latency at {latency_rate:.0f}/s …", flush=True)
            measured.append(
                await measurements.measure_quietly(
                    lambda: post_to_readable_latency(api, latency_count, latency_rate)
                )
            )
        print(f"  referral API: {creations} creations by {concurrency} clients …", flush=True)
        measured.append(
            await measurements.measure_quietly(
                lambda: creation_throughput(api, creations, concurrency, workers=workers)
            )
        )
    return measured


async def _measure_alone(bootstrap_servers: str, admin_url: str, quick: bool) -> list[Measurement]:
    """The referral figures with one and with two worker processes, and the raw insert beside them."""
    sizes = measurements.Sizes.quick() if quick else measurements.Sizes.full()
    measured: list[Measurement] = []
    for workers in (1, 2):
        async with scratch_database(admin_url) as database_url:
            measured += await measure_referral_api(
                bootstrap_servers,
                database_url,
                warm_up_count=sizes.referral_warm_up,
                latency_count=sizes.referral_latency if workers == 1 else 0,
                latency_rate=sizes.referral_latency_rate,
                creations=sizes.referral_creations,
                concurrency=sizes.referral_concurrency,
                workers=workers,
            )
    async with scratch_database(admin_url) as database_url:
        events = EventFactory().encoded(sizes.inserts[0][1])
        measured.append(
            await measurements.measure_quietly(
                lambda: raw_insert_rate(plain_url(database_url), events, rows_per_transaction=1)
            )
        )
    return measured


def main(argv: Sequence[str] | None = None) -> int:
    """`uv run python bench/referral_api.py [--quick] [--wait-quiet S] [--retry-disturbed N]`: this section
    alone, on its own durable stack (`run.py` runs it with everything else)."""
    arguments = section_arguments(__doc__, argv)
    with quiet_stack_of_its_own(arguments) as endpoints:
        results = asyncio.run(
            _measure_alone(endpoints.bootstrap_servers, endpoints.admin_url, arguments.quick)
        )
    print("\n".join(measurements.format_measurements(results)))
    for creations in (m for m in results if m.name.startswith(CREATIONS_NAME)):
        details = creations.details
        print(
            f"{creations.name}: last 201 → last record {details['last_201_to_last_record_ms']} ms, outbox"
            f" backlog max {details['outbox_backlog_max']} (mean {details['outbox_backlog_mean']}),"
            f" machine busy {details.get('machine_cpu_busy')}"
        )
    output = RESULTS_DIRECTORY / f"referral-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}.json"
    output.parent.mkdir(exist_ok=True)
    report = {"machine": describe_machine(), "measurements": [asdict(m) for m in results]}
    output.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n")
    print(f"results in {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

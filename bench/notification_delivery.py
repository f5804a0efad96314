"""Issue #5's benchmark: the notification service as a real process (`notification serve`) on the bench's
durable stack, a fresh region's timeline topic and a database of its own, delivering webhooks to a local
receiver (an aiohttp server in this process, on 127.0.0.1, allowed by
`NOTIFICATION_WEBHOOK_ALLOWED_NETWORKS`).

The workload is what the pathway service publishes: per person, `timeline.entry_appended` entries that
put PARTNERS partner organisations in the care team (no delivery), then `pathway.stage_changed` events,
each owed by the default rules to every partner. Each partner registered one endpoint
(`notification add-webhook`), subscribed to stage changes.

* deliveries/s: a backlog of stage changes produced to the timeline topic while the service runs; the rate
  is deliveries received over the time from the first to the last arrival at the receiver, so that the
  router and the dispatcher work together, as in production.
* added latency: stage changes produced one at a time at a steady rate; a sample is the time from the
  broker's acknowledgement of the timeline event to one partner's receiver getting its webhook (matched
  by `webhook-id`, the timeline event's id).

The service runs with its default settings (dispatch interval 1 s, batch 100, 4 requests per endpoint at
once); the routing commit wakes the dispatcher (LISTEN/NOTIFY), so the interval is only a safety net.
"""

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from uuid import UUID, uuid4

import measurements
from aiohttp import web
from aiokafka import AIOKafkaProducer
from measurements import MachineClock, Measurement, throughput
from serve_process import free_port, start_serve, stop, wait_ready
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

from event_contracts.catalogue.base import EventReference
from event_contracts.catalogue.codes import (
    CareTeamJoinReason,
    EntryVisibility,
    OrganisationKind,
    PathwayStage,
)
from event_contracts.catalogue.referral import CareTeamMemberAdded
from event_contracts.catalogue.registry import dataschema_for, event_type_for
from event_contracts.catalogue.timeline import OriginalEvent, PathwayStageChanged, TimelineEntryAppended
from event_contracts.envelope import CloudEvent
from event_contracts.kafka_binding import to_kafka_record
from event_contracts.topics import topics_for_region
from service_kit.provisioning import provision_region_topics, region_topic_names

THROUGHPUT_NAME = "notification: timeline → webhooks received"
LATENCY_NAME = "notification: timeline event acknowledged → webhook received"
PARTNERS = 4
STAGE_CHANGED = "fr.premiere-marche.pathway.stage_changed"
PATHWAY = "/services/pathway"
REFERRAL_SERVICE = "/services/referral"


@dataclass
class Receiver:
    """Every partner's endpoint on one local server: the arrival time of each (path, webhook-id)."""

    arrivals: dict[tuple[str, str], float] = field(default_factory=dict)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    port: int = field(default_factory=free_port)
    expected: int = 0

    async def receive(self, request: web.Request) -> web.Response:
        await request.read()
        self.arrivals.setdefault((request.path, request.headers["webhook-id"]), time.monotonic())
        if len(self.arrivals) >= self.expected:
            self.arrived.set()
        return web.Response(status=204)

    def url(self, partner: UUID) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/{partner}"

    def expect(self, count: int) -> None:
        self.expected = len(self.arrivals) + count
        self.arrived.clear()


@asynccontextmanager
async def receiving(receiver: Receiver) -> AsyncIterator[Receiver]:
    app = web.Application()
    app.router.add_post("/hooks/{partner}", receiver.receive)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", receiver.port).start()
    try:
        yield receiver
    finally:
        await runner.cleanup()


@dataclass
class NotificationBench:
    region: str
    env: dict[str, str]
    base_url: str
    bootstrap_servers: str
    partners: list[UUID]
    log: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def timeline_topic(self) -> str:
        return topics_for_region(self.region).pathway_timeline

    async def start(self) -> None:
        self.stop()
        self.process = start_serve("notification", self.env, self.log)
        measurements.WATCHED_PIDS.add(self.process.pid)
        await wait_ready(self.base_url, self.process)

    def stop(self) -> None:
        if self.process is not None:
            measurements.WATCHED_PIDS.discard(self.process.pid)
            stop(self.process, self.log)
            self.process = None


async def notification_command(env: dict[str, str], *arguments: str) -> str:
    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "notification", *arguments],
        env=env,
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"notification {arguments[0]} failed: {done.stderr.decode()[-2000:]}")
    return done.stdout.decode()


@asynccontextmanager
async def notification_region(
    bootstrap_servers: str, database_url: str, receiver: Receiver
) -> AsyncIterator[NotificationBench]:
    """Migrates ``database_url`` (an empty database), provisions a fresh region's topics and registers one
    endpoint per partner; stops `notification serve` and drops the topics on the way out."""
    region = f"bench-{uuid.uuid4().hex[:8]}"
    port = free_port()
    env = {
        **os.environ,
        "NOTIFICATION_ENVIRONMENT": "development",
        "NOTIFICATION_REGION": region,
        "NOTIFICATION_KAFKA_BOOTSTRAP_SERVERS": bootstrap_servers,
        "NOTIFICATION_DATABASE_URL": sqlalchemy_url(database_url),
        "NOTIFICATION_HTTP_PORT": str(port),
        "NOTIFICATION_LOG_LEVEL": "WARNING",
        "NOTIFICATION_WEBHOOK_ALLOWED_NETWORKS": '["127.0.0.0/8"]',
    }
    await notification_command(env, "migrate")
    await provision_region_topics(bootstrap_servers, region, partitions=TOPIC_PARTITIONS)
    partners = [uuid4() for _ in range(PARTNERS)]
    for partner in partners:
        await notification_command(
            env, "add-webhook", "--organisation", str(partner), "--url", receiver.url(partner),
            "--event-types", STAGE_CHANGED,
        )  # fmt: skip
    bench = NotificationBench(
        region=region,
        env=env,
        base_url=f"http://127.0.0.1:{port}",
        bootstrap_servers=bootstrap_servers,
        partners=partners,
        log=Path(tempfile.gettempdir()) / f"bench-notification-{region}.log",
    )
    try:
        yield bench
    finally:
        bench.stop()
        await delete_topics(bootstrap_servers, region_topic_names(region))


def care_team_of(person_id: UUID, partners: Sequence[UUID]) -> list[CloudEvent]:
    """The entries that put every partner in the person's care team (they owe nothing themselves)."""
    entries = []
    for seq, partner in enumerate(partners, start=1):
        joined = CareTeamMemberAdded(
            organisation_id=partner,
            organisation_kind=OrganisationKind.SUPPORT_PARTNER,
            reason_code=CareTeamJoinReason.ADDED_BY_REFERENT,
            member_since=date(2026, 11, 27),
        )
        original = OriginalEvent(
            type=event_type_for(CareTeamMemberAdded),
            source=REFERRAL_SERVICE,
            id=uuid4(),
            time=datetime.now(UTC),
            dataschema=dataschema_for(CareTeamMemberAdded),
            data=joined.model_dump(mode="json"),
        )
        entry = TimelineEntryAppended(
            seq=seq,
            original_event=original,
            visibility=EntryVisibility.FULL,
            audience=(OrganisationKind.SUPPORT_PARTNER,),
        )
        entries.append(CloudEvent.build(entry, source=PATHWAY, subject=person_id, region="grand-est"))
    return entries


def stage_changed(person_id: UUID) -> CloudEvent:
    changed = PathwayStageChanged(
        previous_stage=PathwayStage.REFERRED,
        stage=PathwayStage.IN_WORKSHOP,
        triggered_by=EventReference(source=REFERRAL_SERVICE, id=uuid4()),
    )
    return CloudEvent.build(changed, source=PATHWAY, subject=person_id, region="grand-est")


@asynccontextmanager
async def producing(bootstrap_servers: str) -> AsyncIterator[AIOKafkaProducer]:
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap_servers, enable_idempotence=True, acks="all", linger_ms=5
    )
    await producer.start()
    try:
        yield producer
    finally:
        await producer.stop()


async def produce(producer: AIOKafkaProducer, topic: str, events: Sequence[CloudEvent]) -> None:
    acknowledgements = []
    for event in events:
        record = to_kafka_record(event)
        acknowledgements.append(
            await producer.send(topic, key=record.key, value=record.value, headers=list(record.headers))
        )
    await asyncio.gather(*acknowledgements)


async def set_up_care_teams(
    bench: NotificationBench, receiver: Receiver, persons: int, timeout_seconds: float
) -> list[UUID]:
    """Care teams for `persons` persons, then one stage change each to warm up (and to know the router has
    taken every care team in: per person, the stage change comes after the entries)."""
    person_ids = [uuid4() for _ in range(persons)]
    async with producing(bench.bootstrap_servers) as producer:
        for person_id in person_ids:
            await produce(producer, bench.timeline_topic, care_team_of(person_id, bench.partners))
        receiver.expect(persons * len(bench.partners))
        await produce(producer, bench.timeline_topic, [stage_changed(person) for person in person_ids])
    await asyncio.wait_for(receiver.arrived.wait(), timeout_seconds)
    return person_ids


async def delivery_throughput(
    bench: NotificationBench,
    receiver: Receiver,
    person_ids: Sequence[UUID],
    per_person: int,
    timeout_seconds: float,
) -> Measurement:
    events = [stage_changed(person) for _ in range(per_person) for person in person_ids]
    expected = len(events) * len(bench.partners)
    before = set(receiver.arrivals)
    receiver.expect(expected)
    clock = MachineClock()
    async with producing(bench.bootstrap_servers) as producer:
        produced_at = time.monotonic()
        await produce(producer, bench.timeline_topic, events)
        produced_in = time.monotonic() - produced_at
    await asyncio.wait_for(receiver.arrived.wait(), timeout_seconds)
    arrivals = sorted(at for key, at in receiver.arrivals.items() if key not in before)
    seconds = arrivals[-1] - arrivals[0]
    return throughput(
        THROUGHPUT_NAME,
        len(arrivals),
        seconds,
        unit="deliveries/s",
        details={
            "timeline_events": len(events),
            "partners": len(bench.partners),
            "produced_in_seconds": round(produced_in, 3),
            "first_arrival_after_produce_start_seconds": round(arrivals[0] - produced_at, 3),
            **clock.usage(),
        },
    )


async def added_latency(
    bench: NotificationBench, receiver: Receiver, person_ids: Sequence[UUID], count: int, rate: float
) -> Measurement:
    """`count` stage changes at `rate` per second; a sample per event: acknowledgement → first partner's
    receipt."""
    first_partner = f"/hooks/{bench.partners[0]}"
    acknowledged: dict[str, float] = {}
    receiver.expect(count * len(bench.partners))
    clock = MachineClock()
    started = time.monotonic()
    async with producing(bench.bootstrap_servers) as producer:
        for number in range(count):
            await asyncio.sleep(max(0.0, started + number / rate - time.monotonic()))
            event = stage_changed(person_ids[number % len(person_ids)])
            record = to_kafka_record(event)
            await producer.send_and_wait(
                bench.timeline_topic, key=record.key, value=record.value, headers=list(record.headers)
            )
            acknowledged[str(event.id)] = time.monotonic()
    await asyncio.wait_for(receiver.arrived.wait(), 120)
    samples = [receiver.arrivals[(first_partner, event_id)] - at for event_id, at in acknowledged.items()]
    return throughput(
        LATENCY_NAME,
        count,
        time.monotonic() - started,
        unit="events/s",
        latencies_seconds=samples,
        latency_of="timeline event acknowledged → webhook received",
        details={"rate_per_second": rate, **clock.usage()},
    )


async def measure_notification_delivery(
    bootstrap_servers: str,
    database_url: str,
    *,
    persons: int,
    stage_changes_per_person: int,
    latency_count: int,
    latency_rate: float,
    timeout_seconds: float = 600.0,
) -> list[Measurement]:
    """Deliveries per second, then the added latency, with the service's default settings."""
    receiver = Receiver()
    async with receiving(receiver), notification_region(bootstrap_servers, database_url, receiver) as bench:
        await bench.start()
        person_ids = await set_up_care_teams(bench, receiver, persons, timeout_seconds)
        events = persons * stage_changes_per_person
        print(f"  {THROUGHPUT_NAME}: {events} events × {PARTNERS} partners …", flush=True)
        measured = [
            await measurements.measure_quietly(
                lambda: delivery_throughput(
                    bench, receiver, person_ids, stage_changes_per_person, timeout_seconds
                )
            )
        ]
        print(f"  {LATENCY_NAME}: {latency_count} events at {latency_rate}/s …", flush=True)
        measured.append(
            await measurements.measure_quietly(
                lambda: added_latency(bench, receiver, person_ids, latency_count, latency_rate)
            )
        )
    return measured


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="The notification delivery benchmark alone, on the bench stack."
    )
    parser.add_argument("--persons", type=int, default=500)
    parser.add_argument("--stage-changes-per-person", type=int, default=4)
    parser.add_argument("--latency-count", type=int, default=300)
    parser.add_argument("--latency-rate", type=float, default=20.0)
    parser.add_argument("--home", type=Path, default=DEFAULT_HOME, help="state directory of the bench stack")
    parser.add_argument("--kafka-port", type=int, default=DEFAULT_KAFKA_PORT)
    parser.add_argument("--postgres-port", type=int, default=DEFAULT_POSTGRES_PORT)
    arguments = parser.parse_args(argv)

    async def run(bootstrap_servers: str, admin_url: str) -> list[Measurement]:
        async with scratch_database(admin_url) as database_url:
            return await measure_notification_delivery(
                bootstrap_servers,
                database_url,
                persons=arguments.persons,
                stage_changes_per_person=arguments.stage_changes_per_person,
                latency_count=arguments.latency_count,
                latency_rate=arguments.latency_rate,
            )

    with own_durable_stack(arguments.home, arguments.kafka_port, arguments.postgres_port) as endpoints:
        measurements.watch_servers(set(endpoints.server_pids))
        measured = asyncio.run(run(endpoints.bootstrap_servers, endpoints.admin_url))
    print("\n".join(measurements.format_measurements(measured)))
    for measurement in measured:
        print(measurement.name, measurement.details)
    return 0


if __name__ == "__main__":
    sys.exit(main())

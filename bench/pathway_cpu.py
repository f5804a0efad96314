"""Diagnostic, not a figure of issue #4: the CPU the pathway service's own code spends per event, measured
in this process, so that a change to the assembler or the relay can be told from the noise of a drain.

A drain's rate and its service CPU per event move by up to 25 % between runs of the same code on this VM
(the sixth session's bisect). Here nothing competes with the code for the event loop: the same workload
as the drain (`PathwayWorkload`, 3,000 persons by default) is set up through the assembler's batch
handler, then its 12,000 timed events are decoded from their Kafka records and applied in batches of 200,
each in one transaction, exactly as `BatchEventConsumer` does it (without an inbox claim, since the
tenth session: the timeline keeps each event once), on the durable
bench stack. Then the outbox relay publishes the rows they wrote, to the real broker. The process CPU time
of each part is divided by the events; the process runs like `pathway serve` (uvloop, the service's
garbage collection settings). FastStream's per-batch work and the offset commits are not in it.

`uv run python bench/pathway_cpu.py [--persons N] [--repeats N] [--profile FILE]`
"""

import argparse
import cProfile
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import uvloop
from pathway_assembler import kafka_records, pathway_region
from pathway_workload import PathwayWorkload, Routed
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from stack import own_durable_stack, scratch_database, sqlalchemy_url

from event_contracts.kafka_binding import from_kafka_record
from pathway.entrypoints.consumers import when_events_received_assemble_the_pathways
from service_kit.batch_consumer import ConsumedEvent, DeduplicatingBatchHandler
from service_kit.database import create_database_engine, create_session_factory
from service_kit.garbage_collection import tune_for_a_long_running_service
from service_kit.metrics import ServiceMetrics
from service_kit.outbox_relay import OutboxRelay
from service_kit.producer import EventProducer

BATCH = 200


@dataclass(frozen=True)
class CpuPerEvent:
    assembler_us: float
    relay_us: float

    @property
    def total_us(self) -> float:
        return self.assembler_us + self.relay_us


async def _apply(
    session_factory: async_sessionmaker[AsyncSession],
    handler: DeduplicatingBatchHandler,
    consumed: Sequence[ConsumedEvent],
) -> None:
    async with session_factory() as session, session.begin():
        await handler.apply(consumed, session)


async def cpu_per_event(
    bootstrap_servers: str, admin_url: str, persons: int, metrics: ServiceMetrics, profile: Path | None
) -> CpuPerEvent:
    async with (
        scratch_database(admin_url) as database_url,
        pathway_region(bootstrap_servers, database_url) as bench,
    ):
        engine = create_database_engine(sqlalchemy_url(database_url))
        session_factory = create_session_factory(engine)
        handler = when_events_received_assemble_the_pathways(bench.region, bench.topics)
        topic_of = {"referral": bench.topics.referral_events, "partner": bench.topics.partner_events}

        def consumed(routed: Sequence[Routed]) -> list[ConsumedEvent]:
            return [ConsumedEvent(item.event, topic_of[item.topic]) for item in routed]

        workload = PathwayWorkload(bench.region, persons)
        set_up = workload.set_up()
        for topic in ("referral", "partner"):
            events = [item for item in set_up if item.topic == topic]
            for first in range(0, len(events), BATCH):
                await _apply(session_factory, handler, consumed(events[first : first + BATCH]))
        async with EventProducer(bootstrap_servers, client_id="bench-pathway-cpu") as producer:
            relay = OutboxRelay(engine, producer, metrics)
            while await relay.publish_pending():
                pass
            records = kafka_records(bench, workload.timed())
            profiler = cProfile.Profile(time.process_time) if profile else None
            started = time.process_time()
            if profiler:
                profiler.enable()
            for first in range(0, len(records), BATCH):
                batch = [
                    ConsumedEvent(from_kafka_record(key, value, headers), topic)
                    for topic, key, value, headers in records[first : first + BATCH]
                ]
                await _apply(session_factory, handler, batch)
            assembled = time.process_time()
            while await relay.publish_pending():
                pass
            relayed = time.process_time()
            if profiler and profile:
                profiler.disable()
                profiler.dump_stats(profile)
        await engine.dispose()
    return CpuPerEvent(
        assembler_us=(assembled - started) / len(records) * 1e6,
        relay_us=(relayed - assembled) / len(records) * 1e6,
    )


async def measure(persons: int, repeats: int, profile: Path | None) -> list[CpuPerEvent]:
    metrics = ServiceMetrics()
    with own_durable_stack() as endpoints:
        return [
            await cpu_per_event(endpoints.bootstrap_servers, endpoints.admin_url, persons, metrics, profile)
            for _ in range(repeats)
        ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--persons", type=int, default=3000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--profile", type=Path, help="cProfile the last repeat's timed part into this file")
    arguments = parser.parse_args(argv)
    tune_for_a_long_running_service()
    results = uvloop.run(measure(arguments.persons, arguments.repeats, arguments.profile))
    for result in results:
        print(f"assembler {result.assembler_us:6.1f} µs/event, relay {result.relay_us:5.1f}", end="")
        print(f", total {result.total_us:6.1f}")
    print(
        f"median: assembler {statistics.median(r.assembler_us for r in results):.1f} µs/event, "
        f"relay {statistics.median(r.relay_us for r in results):.1f}, "
        f"total {statistics.median(r.total_us for r in results):.1f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

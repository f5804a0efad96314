"""Every benchmark in one run, on a durable stack of its own, next to the raw limits of the same run.

    uv run python bench/run.py            # full run (figures for bench/README.md)
    uv run python bench/run.py --quick    # smoke-sized run

Starts Kafka and PostgreSQL (fsync on) under /tmp/bench-stack on ports 29092/25432, beside the shared
stack of the repository, runs the raw limits then the kit's messaging paths, prints two tables, writes
bench/results/<timestamp>.json, and stops what it started.
"""

import argparse
import asyncio
import json
import logging
import resource
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import kit_messaging as kit
import measurements
import notification_delivery
import pathway_assembler
import raw_limits as raw
import referral_api
import timeline_query
from measurements import Measurement, Sizes, format_measurements, median_of
from stack import (
    CREATED_TOPICS,
    DEFAULT_HOME,
    DEFAULT_KAFKA_PORT,
    DEFAULT_POSTGRES_PORT,
    KAFKA_DURABILITY,
    Endpoints,
    delete_topics,
    describe_machine,
    fdatasync_probe,
    forget_leftovers,
    kafka_facts,
    new_topic,
    own_durable_stack,
    postgres_facts,
    scratch_database,
)
from workload import EncodedEvent, EventFactory

from event_contracts.envelope import CloudEvent

RESULTS_DIRECTORY = Path(__file__).resolve().parent / "results"


@dataclass(frozen=True)
class Comparison:
    """A kit figure set against the raw limits it cannot exceed; ``share`` is of the lower one."""

    kit: str
    kit_rate: float
    limits: dict[str, float]
    note: str = ""
    design_bound: tuple[str, float] | None = None
    """A tighter raw figure the kit's design commits to (e.g. one offset commit per event)."""

    @property
    def lower_limit(self) -> tuple[str, float]:
        return min(self.limits.items(), key=lambda item: item[1])

    @property
    def share(self) -> float:
        return self.kit_rate / self.lower_limit[1]

    def as_json(self) -> dict[str, Any]:
        name, _ = self.lower_limit
        return {
            "kit": self.kit,
            "kit_rate": self.kit_rate,
            "limits": self.limits,
            "lower_limit": name,
            "share_of_lower_limit": round(self.share, 3),
            "design_bound": None if self.design_bound is None else dict([self.design_bound]),
            "share_of_design_bound": (
                None if self.design_bound is None else round(self.kit_rate / self.design_bound[1], 3)
            ),
            "note": self.note,
        }


async def run_everything(endpoints: Endpoints, sizes: Sizes, *, wait_quiet_seconds: float) -> dict[str, Any]:
    measurements.watch_servers(set(endpoints.server_pids))
    await forget_leftovers(endpoints.bootstrap_servers, endpoints.admin_url)
    postgres = await postgres_facts(endpoints.admin_url, require_durable=True)
    kafka = await kafka_facts(endpoints.bootstrap_servers)
    foreign_before = await measurements.wait_until_quiet(wait_quiet_seconds)
    if foreign_before is not None and foreign_before > measurements.QUIET.threshold:
        print(f"  WARNING: other processes keep {foreign_before:.2f} cores busy; figures will be disturbed")
    factory = EventFactory()
    bootstrap = endpoints.bootstrap_servers
    async with scratch_database(endpoints.admin_url) as database_url:
        await warm_up(bootstrap, database_url, factory, sizes.warm_up)
        measured = await raw.measure_all(bootstrap, database_url, sizes, factory)
        for events_per_transaction, count in sizes.inserts:
            print(f"  kit outbox, {events_per_transaction} event(s)/tx …", flush=True)
            events = factory.events(count)
            measured.append(
                await median_of(
                    sizes.repeats,
                    lambda k=events_per_transaction, events=events: kit_outbox(  # type: ignore[misc]
                        database_url, bootstrap, events, k
                    ),
                )
            )
        print("  kit relay drain …", flush=True)
        events = factory.events(sizes.relay_drain)
        measured.append(
            await median_of(
                sizes.repeats,
                lambda: kit_relay_drain(database_url, bootstrap, events),
            )
        )
        print("  kit event consumer …", flush=True)
        consumed = factory.encoded(sizes.kit_consumer)
        measured.append(
            await measurements.measure_quietly(lambda: kit_consumer(database_url, bootstrap, consumed))
        )
        print("  diagnostics: outbox writer breakdown …", flush=True)
        for events_per_transaction in sizes.breakdown_transaction_sizes:
            measured += await breakdown_quietly(
                database_url, factory.events(sizes.breakdown), events_per_transaction
            )
        print("  kit outbox latency …", flush=True)
        latency_events = factory.encoded(sizes.latency)
        measured.append(
            await measurements.measure_quietly(
                lambda: kit_latency(database_url, bootstrap, latency_events, sizes.latency_rate)
            )
        )
    print("  referral API (referral serve as a process) …", flush=True)
    async with scratch_database(endpoints.admin_url) as referral_database_url:
        measured += await referral_api.measure_referral_api(
            bootstrap,
            referral_database_url,
            warm_up_count=sizes.referral_warm_up,
            latency_count=sizes.referral_latency,
            latency_rate=sizes.referral_latency_rate,
            creations=sizes.referral_creations,
            concurrency=sizes.referral_concurrency,
        )
    async with scratch_database(endpoints.admin_url) as referral_database_url:
        measured += await referral_api.measure_referral_api(
            bootstrap,
            referral_database_url,
            warm_up_count=sizes.referral_warm_up,
            latency_count=0,
            latency_rate=sizes.referral_latency_rate,
            creations=sizes.referral_creations,
            concurrency=sizes.referral_concurrency,
            workers=2,
        )
    print("  pathway assembler (pathway serve as a process) …", flush=True)
    async with scratch_database(endpoints.admin_url) as pathway_database_url:
        measured += await pathway_assembler.measure_pathway_assembler(
            bootstrap,
            pathway_database_url,
            persons=sizes.pathway_persons,
            latency_count=sizes.pathway_latency,
            drain_persons=sizes.pathway_drain_persons,
            long_timeline_persons=sizes.pathway_long_timeline_persons,
            prior_entries=sizes.pathway_prior_entries,
        )
    async with scratch_database(endpoints.admin_url) as timeline_database_url:
        measured += await timeline_query.measure_timeline_query(
            timeline_database_url, total_rows=sizes.timeline_rows, reads=sizes.timeline_reads
        )
    # --- issue #5: notification delivery (bench/notification_delivery.py), sized from the pathway sizes ---
    print("  notification delivery (notification serve as a process) …", flush=True)
    async with scratch_database(endpoints.admin_url) as notification_database_url:
        measured += await notification_delivery.measure_notification_delivery(
            bootstrap,
            notification_database_url,
            persons=max(50, sizes.pathway_persons // 2),
            stage_changes_per_person=4,
            latency_count=max(40, sizes.pathway_latency // 4),
            latency_rate=20.0,
        )
    # --- end of issue #5 ---
    await delete_topics(bootstrap, CREATED_TOPICS)
    return {
        "foreign_cpu_cores_before": foreign_before,
        "postgres": postgres,
        "kafka": {"version": describe_machine()["kafka"], "broker": kafka, **KAFKA_DURABILITY},
        "measurements": measured,
        "comparisons": compare(measured, sizes),
    }


async def kit_outbox(
    database_url: str, bootstrap: str, events: Sequence[CloudEvent], events_per_transaction: int
) -> Measurement:
    topic = await new_topic(bootstrap, f"kit-outbox-{events_per_transaction}")
    return await kit.outbox_write_and_relay(
        database_url, bootstrap, topic, events, events_per_transaction=events_per_transaction
    )


async def kit_relay_drain(database_url: str, bootstrap: str, events: Sequence[CloudEvent]) -> Measurement:
    topic = await new_topic(bootstrap, "kit-relay-drain")
    return await kit.relay_drain(database_url, bootstrap, topic, events)


async def kit_consumer(database_url: str, bootstrap: str, events: Sequence[EncodedEvent]) -> Measurement:
    topic = await new_topic(bootstrap, "kit-consumer")
    return await kit.event_consumer_throughput(database_url, bootstrap, topic, events)


async def kit_latency(
    database_url: str, bootstrap: str, events: Sequence[EncodedEvent], rate_per_second: float
) -> Measurement:
    topic = await new_topic(bootstrap, "kit-latency")
    return await kit.outbox_to_topic_latency(
        database_url, bootstrap, topic, events, rate_per_second=rate_per_second
    )


async def breakdown_quietly(
    database_url: str, events: Sequence[CloudEvent], events_per_transaction: int
) -> list[Measurement]:
    """The diagnostics come as a group: take the whole group again if any of them was disturbed."""
    policy = measurements.QUIET
    for attempt in range(policy.retries + 1):
        group = await kit.outbox_writer_breakdown(
            database_url, events, events_per_transaction=events_per_transaction
        )
        worst = max((m.details.get("foreign_cpu_cores") or 0.0) for m in group)
        if worst <= policy.threshold or attempt == policy.retries:
            return group
        print(f"    diagnostics disturbed ({worst:.2f} other cores); taking them again", flush=True)
        await measurements.wait_until_quiet(policy.wait_seconds)
    raise AssertionError("unreachable")


async def warm_up(bootstrap: str, database_url: str, factory: EventFactory, count: int) -> None:
    """The broker's JIT and PostgreSQL's caches warm up on throw-away work, not on the first measure."""
    print("  warming up …", flush=True)
    encoded = factory.encoded(count)
    topic = await new_topic(bootstrap, "warm-up")
    await raw.raw_producer_throughput(bootstrap, topic, [e.record for e in encoded])
    await raw.raw_consumer_throughput(bootstrap, topic, count, group_id=f"{topic}.warm-up")
    await raw.raw_insert_rate(database_url, encoded[: count // 5], rows_per_transaction=1, topic="warm-up")
    async with asyncio.timeout(120):
        await kit.event_consumer_throughput(
            database_url, bootstrap, await new_topic(bootstrap, "warm-up-kit"), encoded[: count // 10]
        )


def compare(measured: Sequence[Measurement], sizes: Sizes) -> list[Comparison]:
    by_name = {m.name: m for m in measured}

    def rate(name: str) -> float:
        return by_name[name].rate

    comparisons = []
    for k, _count in sizes.inserts:
        comparisons.append(
            Comparison(
                kit=f"kit outbox write + relay, {k} event(s)/tx",
                kit_rate=rate(f"kit outbox write + relay, {k} event(s)/tx"),
                limits={
                    "raw producer": rate("raw producer"),
                    f"raw insert, {k} row(s)/tx": rate(f"raw insert, {k} row(s)/tx"),
                },
                note="writer and relay share the database; each event is also UPDATEd by the relay",
            )
        )
    comparisons.append(
        Comparison(
            kit="kit relay drain (backlog, 500/batch)",
            kit_rate=rate("kit relay drain (backlog, 500/batch)"),
            limits={
                "raw producer": rate("raw producer"),
                "raw producer, windows of 500": rate("raw producer, windows of 500"),
            },
        )
    )
    comparisons.append(
        Comparison(
            kit="kit event consumer (subscribe, 1 row/event)",
            kit_rate=rate("kit event consumer (subscribe, 1 row/event)"),
            limits={
                "raw consumer, commit per batch": rate("raw consumer, commit per batch"),
                "raw insert, 1 row(s)/tx": rate("raw insert, 1 row(s)/tx"),
            },
            note="offsets committed every 100 events or 200 ms, only past events whose transaction committed",
            design_bound=("raw consumer, commit per record", rate("raw consumer, commit per record")),
        )
    )
    for drain in (m for m in measured if pathway_assembler.compared_with_raw_limits(m)):
        comparisons.append(pathway_comparison(drain, sizes, rate))
    for creations in (m for m in measured if m.name.startswith(referral_api.CREATIONS_NAME)):
        comparisons.append(
            Comparison(
                kit=creations.name,
                kit_rate=creations.rate,
                limits={
                    "raw producer": rate("raw producer"),
                    "raw insert, 1 row(s)/tx": rate("raw insert, 1 row(s)/tx"),
                },
                note="one durable transaction per referral (API key, idempotency, person, referral, "
                "outbox), then the relay's UPDATE; HTTP and the use case in each worker process",
            )
        )
    return comparisons


def pathway_comparison(drain: Measurement, sizes: Sizes, rate: Callable[[str], float]) -> Comparison:
    """Issue #4: the assembler against the raw consumer and the raw insert at its transaction size (the
    largest measured size not above the events it put in each transaction)."""
    # Across several processes the events per transaction are not counted; the batch setting bounds them,
    # and a larger transaction size only raises the raw insert rate compared with.
    per_transaction = (
        drain.details.get("events_per_transaction") or drain.details.get("batch_size_setting") or 1
    )
    k = max(size for size, _count in sizes.inserts if size <= max(per_transaction, 1))
    return Comparison(
        kit=drain.name,
        kit_rate=drain.rate,
        limits={
            "raw consumer, commit per batch": rate("raw consumer, commit per batch"),
            f"raw insert, {k} row(s)/tx": rate(f"raw insert, {k} row(s)/tx"),
        },
        note=f"issue #4: at least half of the lower raw limit; {per_transaction} events per transaction, "
        "each writing its entry, pathway row and outbox rows",
    )


def disturbed(measured: Sequence[Measurement]) -> list[str]:
    """Measures during which other processes used more CPU than the quiet threshold."""
    threshold = measurements.QUIET.threshold
    return [m.name for m in measured if (m.details.get("foreign_cpu_cores") or 0.0) > threshold]


def print_tables(measured: Sequence[Measurement], comparisons: Sequence[Comparison]) -> None:
    print()
    print("\n".join(format_measurements(measured)))
    print()
    marked = set(disturbed(measured))

    def mark(name: str) -> str:
        return f"{name} *" if name in marked else name

    print(f"{'kit':<48} {'rate':>10}  {'lower raw limit':<36} {'rate':>10} {'share':>6}")
    for c in comparisons:
        name, limit = c.lower_limit
        print(f"{mark(c.kit):<48} {c.kit_rate:>10.1f}  {mark(name):<36} {limit:>10.1f} {c.share:>6.0%}")
        if c.design_bound is not None:
            bound_name, bound = c.design_bound
            print(f"{'':<48} {'':>10}  {mark(bound_name):<36} {bound:>10.1f} {c.kit_rate / bound:>6.0%}")
    by_name = {m.name: m for m in measured}
    kit_latency, raw_latency = by_name["kit outbox commit → readable"], by_name["raw produce → readable"]
    print(
        f"{'outbox commit → readable':<48} p50 {kit_latency.p50_ms:.1f} ms, p99 {kit_latency.p99_ms:.1f} ms"
        f"  (raw send → readable p50 {raw_latency.p50_ms:.1f} ms, p99 {raw_latency.p99_ms:.1f} ms)"
    )
    api_latency = by_name[referral_api.LATENCY_NAME]
    print(
        f"{'referral POST → referral.sent readable':<48} p50 {api_latency.p50_ms:.1f} ms, "
        f"p99 {api_latency.p99_ms:.1f} ms, max {api_latency.details['max_ms']:.1f} ms  "
        f"(goal p99 < 100 ms: {'met' if (api_latency.p99_ms or 0) < 100 else 'NOT met'})"
    )
    for api_creations in (m for m in measured if m.name.startswith(referral_api.CREATIONS_NAME)):
        workers = api_creations.name.rsplit(", ", 1)[-1].rstrip(")")
        print(
            f"{'referral creations, ' + workers:<48} {api_creations.rate:.1f}/s, last 201 → last record "
            f"{api_creations.details['last_201_to_last_record_ms']:.0f} ms, outbox backlog max "
            f"{api_creations.details['outbox_backlog_max']}  "
            f"(goal ≥ 300/s: {'met' if api_creations.rate >= 300 else 'NOT met'})"
        )
    for comparison in (c for c in comparisons if c.kit.startswith(pathway_assembler.DRAIN_NAME)):
        lower_name, _ = comparison.lower_limit
        print(
            f"{comparison.kit:<48} {comparison.kit_rate:.1f} events/s = {comparison.share:.0%} of "
            f"{lower_name} (goal ≥ 50%: {'met' if comparison.share >= 0.5 else 'NOT met'})"
        )
    for long_timelines in (m for m in measured if pathway_assembler.PRIOR_ENTRIES_DETAIL in m.details):
        print(pathway_assembler.describe_long_timelines(long_timelines))
    posts = by_name[pathway_assembler.INGESTION_NAME]
    print(
        f"{'POST /events (1 event each, 32 clients)':<48} {posts.rate:.1f}/s, answer p50 {posts.p50_ms:.1f} "
        f"ms, p99 {posts.p99_ms:.1f} ms; last answer → last entry "
        f"{posts.details['last_answer_to_last_entry_seconds']} s"
    )
    ingest = by_name[pathway_assembler.LATENCY_NAME]
    print(
        f"{'POST /events answer → entry readable':<48} p50 {ingest.p50_ms:.1f} ms, "
        f"p99 {ingest.p99_ms:.1f} ms at {ingest.details['target_rate_per_second']}/s (half the "
        "sustainable rate)"
    )
    for read in (m for m in measured if m.name.startswith("timeline read")):
        print(
            f"{read.name:<48} p50 {read.p50_ms:.2f} ms, p99 {read.p99_ms:.2f} ms "
            f"({read.details['person_entries']} entries of {read.details['table_rows']:,} rows)"
        )
    if marked:
        print(
            f"* disturbed: other processes used more than {measurements.QUIET.threshold} cores during "
            f"{len(marked)} measure(s) (column 'other'); see --wait-quiet and --retry-disturbed"
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="smoke-sized run (about a minute)")
    parser.add_argument("--keep-stack", action="store_true", help="leave the bench stack running afterwards")
    parser.add_argument("--home", type=Path, default=DEFAULT_HOME, help="state directory of the bench stack")
    parser.add_argument("--kafka-port", type=int, default=DEFAULT_KAFKA_PORT)
    parser.add_argument("--postgres-port", type=int, default=DEFAULT_POSTGRES_PORT)
    parser.add_argument(
        "--broker-property",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="experiment: extra server.properties entry for the bench broker (it must start fresh)",
    )
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="wait up to this long for other processes to leave the CPUs idle before measuring",
    )
    parser.add_argument(
        "--retry-disturbed",
        type=int,
        default=0,
        metavar="N",
        help="take a measure again (up to N times) when other processes used the CPUs during it",
    )
    parser.add_argument("--output", type=Path, help="JSON file (default bench/results/<timestamp>.json)")
    arguments = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)  # group-join chatter, not failures
    logging.getLogger("faststream").setLevel(logging.WARNING)

    sizes = Sizes.quick() if arguments.quick else Sizes.full()
    measurements.QUIET.retries = arguments.retry_disturbed
    measurements.QUIET.wait_seconds = max(arguments.wait_quiet, 60.0)
    extra = dict(entry.split("=", 1) for entry in arguments.broker_property)
    started_at = datetime.now(UTC)
    began = time.monotonic()
    with own_durable_stack(
        arguments.home,
        arguments.kafka_port,
        arguments.postgres_port,
        keep=arguments.keep_stack,
        extra_broker_properties=extra,
    ) as endpoints:
        print(f"stack: {endpoints.provider}", flush=True)
        disk = fdatasync_probe(arguments.home)
        print(f"disk: 8 kB write + fdatasync {disk['ops_per_second']:.0f}/s (p50 {disk['p50_ms']} ms)")
        outcome = asyncio.run(run_everything(endpoints, sizes, wait_quiet_seconds=arguments.wait_quiet))
    run_seconds = time.monotonic() - began
    measured: list[Measurement] = outcome["measurements"]
    comparisons: list[Comparison] = outcome["comparisons"]
    print_tables(measured, comparisons)
    report = {
        "date": started_at.isoformat(timespec="seconds"),
        "command": "uv run python bench/run.py " + " ".join(sys.argv[1:] if argv is None else argv),
        "quick": arguments.quick,
        "run_seconds": round(run_seconds, 1),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "stack": {"provider": endpoints.provider, "start_seconds": endpoints.start_seconds},
        "extra_broker_properties": extra,
        "machine": {**describe_machine(), "disk_fdatasync": disk},
        "foreign_cpu_cores_before": outcome["foreign_cpu_cores_before"],
        "postgres": outcome["postgres"],
        "kafka": outcome["kafka"],
        "sizes": sizes.as_json(),
        "measurements": [m.as_json() for m in measured],
        "comparisons": [c.as_json() for c in comparisons],
        "disturbed": disturbed(measured),
    }
    output = (
        arguments.output
        or RESULTS_DIRECTORY / f"{started_at:%Y%m%dT%H%M%SZ}{'-quick' if arguments.quick else ''}.json"
    )
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(f"\nrun took {run_seconds:.0f} s; results in {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Issue #4's assembler figures alone, on their own durable stack, with the raw limits they are compared
with taken in the same run: the raw consumer (commit per batch) and the raw insert at 1 and at 100 rows
per transaction. `run.py` measures the same with everything else.

`uv run python bench/pathway_alone.py [--quick] [--wait-quiet S] [--retry-disturbed N]`
"""

import asyncio
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict

import measurements
from alone import quiet_stack_of_its_own, section_arguments
from measurements import Measurement, Sizes, median_of
from pathway_assembler import (
    PRIOR_ENTRIES_DETAIL,
    compared_with_raw_limits,
    describe_long_timelines,
    measure_pathway_assembler,
)
from raw_limits import fill_topic, raw_consumer_throughput, raw_insert_rate
from run import RESULTS_DIRECTORY, pathway_comparison
from stack import describe_machine, new_topic, scratch_database
from workload import EventFactory

from devstack.postgres_urls import plain_url


async def raw_limits(bootstrap_servers: str, admin_url: str, sizes: Sizes) -> list[Measurement]:
    factory = EventFactory()
    topic = await new_topic(bootstrap_servers, "raw-consume")
    await fill_topic(
        bootstrap_servers, topic, [encoded.record for encoded in factory.encoded(sizes.producer)]
    )
    groups = iter(range(sizes.repeats))
    results = [
        await median_of(
            sizes.repeats,
            lambda: raw_consumer_throughput(
                bootstrap_servers, topic, sizes.consumer_batch, group_id=f"batch-{next(groups)}"
            ),
        )
    ]
    async with scratch_database(admin_url) as database_url:
        for rows_per_transaction, count in sizes.inserts:
            rows = factory.encoded(count)
            results.append(
                await median_of(
                    sizes.repeats,
                    lambda k=rows_per_transaction, rows=rows: raw_insert_rate(  # type: ignore[misc]
                        plain_url(database_url), rows, rows_per_transaction=k
                    ),
                )
            )
    return results


async def measure_alone(bootstrap_servers: str, admin_url: str, sizes: Sizes) -> list[Measurement]:
    measured = await raw_limits(bootstrap_servers, admin_url, sizes)
    async with scratch_database(admin_url) as database_url:
        measured += await measure_pathway_assembler(
            bootstrap_servers,
            database_url,
            persons=sizes.pathway_persons,
            latency_count=sizes.pathway_latency,
            drain_persons=sizes.pathway_drain_persons,
            long_timeline_persons=sizes.pathway_long_timeline_persons,
            prior_entries=sizes.pathway_prior_entries,
        )
    return measured


def main(argv: Sequence[str] | None = None) -> int:
    arguments = section_arguments(__doc__, argv)
    sizes = Sizes.quick() if arguments.quick else Sizes.full()
    with quiet_stack_of_its_own(arguments) as endpoints:
        measured = asyncio.run(measure_alone(endpoints.bootstrap_servers, endpoints.admin_url, sizes))
    print("\n".join(measurements.format_measurements(measured)))
    rates = {m.name: m.rate for m in measured}
    comparisons = [
        pathway_comparison(drain, sizes, rates.__getitem__)
        for drain in measured
        if compared_with_raw_limits(drain)
    ]
    for comparison in comparisons:
        lower_name, lower = comparison.lower_limit
        print(
            f"{comparison.kit}: {comparison.kit_rate:.1f} events/s = {comparison.share:.0%} of {lower_name} "
            f"({lower:.1f}/s; goal ≥ 50%: {'met' if comparison.share >= 0.5 else 'NOT met'})"
        )
    for long_timelines in (m for m in measured if PRIOR_ENTRIES_DETAIL in m.details):
        print(describe_long_timelines(long_timelines))
    output = RESULTS_DIRECTORY / f"pathway-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}.json"
    output.parent.mkdir(exist_ok=True)
    report = {
        "command": "uv run python bench/pathway_alone.py " + " ".join(sys.argv[1:] if argv is None else argv),
        "machine": describe_machine(),
        "measurements": [asdict(m) for m in measured],
        "comparisons": [comparison.as_json() for comparison in comparisons],
    }
    output.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n")
    print(f"results in {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

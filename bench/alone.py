"""What a bench section run on its own shares: its options, and a durable stack of its own on which the
machine is left to quieten before measuring (`run.py` runs every section on one stack)."""

import argparse
import asyncio
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import measurements
from stack import Endpoints, own_durable_stack


def section_arguments(description: str | None, argv: Sequence[str] | None) -> argparse.Namespace:
    """`--quick`, `--wait-quiet S` and `--retry-disturbed N`, with the quiet policy they ask for set."""
    parser = argparse.ArgumentParser(
        description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="smoke-sized (its figures mean little)")
    parser.add_argument("--wait-quiet", type=float, default=0.0, metavar="SECONDS")
    parser.add_argument("--retry-disturbed", type=int, default=0, metavar="N")
    arguments = parser.parse_args(argv)
    measurements.QUIET.retries = arguments.retry_disturbed
    measurements.QUIET.wait_seconds = max(arguments.wait_quiet, 60.0)
    return arguments


@contextmanager
def quiet_stack_of_its_own(arguments: argparse.Namespace) -> Iterator[Endpoints]:
    with own_durable_stack() as endpoints:
        measurements.watch_servers(set(endpoints.server_pids))
        if arguments.wait_quiet:
            asyncio.run(measurements.wait_until_quiet(arguments.wait_quiet))
        yield endpoints

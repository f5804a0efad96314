"""`devstack`: run real Kafka and PostgreSQL on loopback without Docker."""

import argparse
import sys
from collections.abc import Sequence

from devstack.kafka_class_archive import ensure_class_archive
from devstack.kafka_distribution import ensure_kafka_distribution
from devstack.kafka_layout import KafkaClusterLayout
from devstack.local_stack import LocalStack
from devstack.locations import cache_root, stack_home
from devstack.postgres_server import PostgresSettings
from devstack.providers import DATABASE_URL_VARIABLE, KAFKA_BOOTSTRAP_VARIABLE


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="devstack", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    up = commands.add_parser("up", help="start (or reuse) Kafka and PostgreSQL")
    up.add_argument("--nodes", type=int, choices=(1, 3), default=1, help="Kafka nodes (3 runs beside 1)")
    up.add_argument("--only", choices=("kafka", "postgres"))
    up.add_argument(
        "--durable",
        action="store_true",
        help="keep fsync, synchronous_commit and full_page_writes on (benchmarks)",
    )
    commands.add_parser("status", help="show each component: pid, port, up or down")
    stop = commands.add_parser("stop", help="stop every process the tool started")
    stop.add_argument("--only", choices=("kafka", "postgres"))
    commands.add_parser("fetch", help="download the Kafka jars into the cache")
    env = commands.add_parser("env", help="print the export lines for the running stack")
    env.add_argument("--nodes", type=int, choices=(1, 3), default=1)
    return parser


def _up(stack: LocalStack, arguments: argparse.Namespace) -> None:
    kafka = KafkaClusterLayout.for_node_count(arguments.nodes) if arguments.only != "postgres" else None
    postgres = (
        PostgresSettings(relaxed_durability=not arguments.durable) if arguments.only != "kafka" else None
    )
    report = stack.up(kafka, postgres)
    for name in report.started:
        print(f"started {name}")
    for name in report.reused:
        print(f"reused  {name}")
    if not report.started:
        print("nothing to start: everything already answers")
    elif report.preparation_seconds is None:
        print(f"cold start: {report.start_seconds:.1f} s")
    else:
        preparation = report.preparation_seconds
        print(
            f"cold start: {report.start_seconds:.1f} s; {report.start_seconds + preparation:.1f} s including"
            f" one-time preparation (jar fetch {report.fetch_seconds or 0:.1f} s,"
            f" class archive {report.class_archive_seconds or 0:.1f} s)"
        )
    _env(arguments.nodes)


def _status(stack: LocalStack) -> int:
    statuses = stack.status()
    if not statuses:
        print(f"nothing recorded in {stack.home}")
        return 0
    print(f"{'component':<22} {'pid':>8} {'port':>6}  state")
    for status in statuses:
        if status.up:
            state = "up"
        elif status.process_alive:
            state = "down (process alive, port not answering)"
        else:
            state = "down (process gone)"
        print(f"{status.name:<22} {status.pid:>8} {status.port:>6}  {state}")
    return 0 if all(status.up for status in statuses) else 1


def _stop(stack: LocalStack, only: str | None) -> None:
    names = None
    if only is not None:
        names = [status.name for status in stack.status() if status.kind.value == only]
    stopped = stack.stop(names)
    print("stopped " + ", ".join(stopped) if stopped else "nothing to stop")


def _fetch() -> None:
    distribution = ensure_kafka_distribution(cache_root())
    if distribution.fetch_seconds is None:
        print(f"Kafka {distribution.version} already cached in {distribution.directory}")
    else:
        seconds = distribution.fetch_seconds
        print(f"fetched Kafka {distribution.version} into {distribution.directory} in {seconds:.1f} s")
    archive_seconds = ensure_class_archive(distribution)
    if archive_seconds is not None:
        print(f"built the broker class archive {distribution.class_archive} in {archive_seconds:.1f} s")


def _env(nodes: int) -> None:
    print(f"export {KAFKA_BOOTSTRAP_VARIABLE}={KafkaClusterLayout.for_node_count(nodes).bootstrap_servers}")
    print(f"export {DATABASE_URL_VARIABLE}={PostgresSettings().admin_url}")


def main(argv: Sequence[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    stack = LocalStack(stack_home())
    match arguments.command:
        case "up":
            _up(stack, arguments)
        case "status":
            return _status(stack)
        case "stop":
            _stop(stack, arguments.only)
        case "fetch":
            _fetch()
        case "env":
            _env(arguments.nodes)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The benchmark's own durable stack, beside any other: its own state directory, its own ports.

The shared stack of the repository (`.devstack`, ports 19092/15432) may be serving other people's test
runs, and its PostgreSQL runs with fsync off. The benchmark starts a private one with fsync on and stops
exactly what it started (by the pids devstack recorded), never anything else.
"""

import asyncio
import os
import platform
import time
import uuid
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any
from unittest import mock

import asyncpg
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from measurements import percentiles_ms

from devstack import kafka_nodes
from devstack.kafka_config import server_properties
from devstack.kafka_distribution import KAFKA_VERSION
from devstack.kafka_layout import KafkaClusterLayout, KafkaNodeAddress
from devstack.kafka_topics import TopicAdmin
from devstack.local_stack import LocalStack
from devstack.postgres_databases import create_database, drop_database, unique_database_name
from devstack.postgres_server import PostgresSettings
from devstack.postgres_urls import asyncpg_url, plain_url

DEFAULT_HOME = Path(os.environ.get("BENCH_STACK_HOME", "/tmp/bench-stack"))
DEFAULT_KAFKA_PORT = 29092  # controller on 29093
DEFAULT_POSTGRES_PORT = 25432
TOPIC_PARTITIONS = 12  # the project's default for every event topic

KAFKA_DURABILITY = {
    "acks": "all (idempotent producer)",
    "replication_factor": 1,
    "min_insync_replicas": 1,
    "log_flush": "broker default: no fsync per message (page cache; durability comes from replication)",
}


class NotDurableError(RuntimeError):
    pass


@dataclass
class Endpoints:
    bootstrap_servers: str
    admin_url: str
    provider: str
    started: list[str] = field(default_factory=list)
    start_seconds: float | None = None
    server_pids: list[int] = field(default_factory=list)


@contextmanager
def own_durable_stack(
    home: Path = DEFAULT_HOME,
    kafka_port: int = DEFAULT_KAFKA_PORT,
    postgres_port: int = DEFAULT_POSTGRES_PORT,
    *,
    keep: bool = False,
    extra_broker_properties: Mapping[str, str] | None = None,
) -> Iterator[Endpoints]:
    """One Kafka node and a PostgreSQL with fsync, synchronous_commit and full_page_writes on.

    What answers already (a stack kept by an earlier `--keep-stack`) is reused and left running; what this
    call starts is stopped on the way out unless ``keep``. ``extra_broker_properties`` (experiments only)
    are added to the broker's server.properties, so the broker must be started by this call.
    """
    stack = LocalStack(home)
    layout = KafkaClusterLayout.for_node_count(1, base_port=kafka_port)
    settings = PostgresSettings(port=postgres_port, relaxed_durability=False)
    with _broker_properties_added(extra_broker_properties or {}):
        report = stack.up(layout, settings)
    try:
        if extra_broker_properties and any(name.startswith("kafka") for name in report.reused):
            raise RuntimeError(
                "extra broker properties apply only to a broker started now; stop the kept bench stack first "
                f"(DEVSTACK_HOME={home} uv run devstack stop)"
            )
        yield Endpoints(
            bootstrap_servers=layout.bootstrap_servers,
            admin_url=settings.admin_url,
            provider=(
                f"own devstack in {home}: started {', '.join(report.started) or 'nothing'}; "
                f"reused {', '.join(report.reused) or 'nothing'}"
            ),
            started=list(report.started),
            start_seconds=round(report.start_seconds, 1) if report.started else None,
            server_pids=[status.pid for status in stack.status()],
        )
    finally:
        if not keep and report.started:
            stack.stop(report.started)


@contextmanager
def _broker_properties_added(extra: Mapping[str, str]) -> Iterator[None]:
    """devstack writes server.properties from `server_properties` at each launch: extend it meanwhile."""
    if not extra:
        yield
        return

    def with_extra(layout: KafkaClusterLayout, node: KafkaNodeAddress, log_directory: Path) -> dict[str, str]:
        return {**server_properties(layout, node, log_directory), **extra}

    with mock.patch.object(kafka_nodes, "server_properties", with_extra):
        yield


async def postgres_facts(
    admin_url: str, *, require_durable: bool, wait_seconds: float = 10.0
) -> dict[str, str]:
    """Server version and durability settings as the server reports them.

    A reused server gets its durable settings by a reload (SIGHUP), which lands a moment later: wait for it.
    """
    names = (
        "server_version",
        "fsync",
        "synchronous_commit",
        "full_page_writes",
        "wal_sync_method",
        "shared_buffers",
    )
    deadline = asyncio.get_running_loop().time() + wait_seconds
    while True:
        connection = await asyncpg.connect(plain_url(admin_url))
        try:
            facts = {name: str(await connection.fetchval(f"SHOW {name}")) for name in names}
        finally:
            await connection.close()
        durable = facts["fsync"] == "on" and facts["synchronous_commit"] == "on"
        if durable or not require_durable:
            return facts
        if asyncio.get_running_loop().time() > deadline:
            raise NotDurableError(
                f"PostgreSQL runs with fsync={facts['fsync']}, "
                f"synchronous_commit={facts['synchronous_commit']}: durability claims need both on"
            )
        await asyncio.sleep(0.2)


@asynccontextmanager
async def scratch_database(admin_url: str) -> AsyncIterator[str]:
    """A new database for one run, dropped afterwards; yields its plain postgresql:// URL."""
    name = unique_database_name("bench")
    url = await create_database(admin_url, name)
    try:
        yield url
    finally:
        await drop_database(admin_url, name)


async def forget_leftovers(bootstrap_servers: str, admin_url: str) -> None:
    """An interrupted run leaves its scratch database and topics behind: drop them (own stack only)."""
    connection = await asyncpg.connect(plain_url(admin_url))
    try:
        names = await connection.fetch("SELECT datname FROM pg_database WHERE datname LIKE 'bench\\_%'")
    finally:
        await connection.close()
    for row in names:
        await drop_database(admin_url, row["datname"])
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        topics = [name for name in await admin.list_topics() if name.startswith("bench.")]
        if topics:
            await admin.delete_topics(topics)
    finally:
        await admin.close()


def sqlalchemy_url(url: str) -> str:
    return asyncpg_url(url)


CREATED_TOPICS: list[str] = []
"""Every topic `new_topic` made in this process, for `delete_topics` at the end of a run."""


async def new_topic(bootstrap_servers: str, prefix: str, partitions: int = TOPIC_PARTITIONS) -> str:
    name = f"bench.{prefix}.{uuid.uuid4().hex[:10]}"
    CREATED_TOPICS.append(name)
    admin = TopicAdmin(bootstrap_servers)
    await admin.start()
    try:
        await admin.create([name], partitions, replication_factor=1)
    finally:
        await admin.close()
    return name


async def delete_topics(bootstrap_servers: str, names: list[str]) -> None:
    admin = TopicAdmin(bootstrap_servers)
    await admin.start()
    try:
        await admin.delete(names)
    finally:
        await admin.close()


_BROKER_FACTS = (
    "default.replication.factor",
    "min.insync.replicas",
    "num.partitions",
    "log.flush.interval.messages",
    "log.flush.interval.ms",
    "group.coordinator.append.linger.ms",
)


async def kafka_facts(bootstrap_servers: str) -> dict[str, str | None]:
    """The broker settings that bear on the figures, as the broker reports them."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        description = await admin.describe_cluster()
        broker_id = str(description["brokers"][0]["node_id"])
        responses = await admin.describe_configs([ConfigResource(ConfigResourceType.BROKER, broker_id)])
    finally:
        await admin.close()
    facts: dict[str, str | None] = {}
    for response in responses:
        for resource in response.resources:
            for entry in resource[4]:
                if entry[0] in _BROKER_FACTS:
                    facts[entry[0]] = entry[1]
    return facts


def fdatasync_probe(directory: Path, seconds: float = 1.0) -> dict[str, Any]:
    """How fast this disk makes an 8 kB write durable (what each durable COMMIT waits for, roughly),
    measured on the filesystem that holds the bench stack's data."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"fdatasync-probe-{uuid.uuid4().hex[:8]}"
    block = os.urandom(8192)
    samples: list[float] = []
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            begun = time.perf_counter()
            os.pwrite(descriptor, block, 0)
            os.fdatasync(descriptor)
            samples.append(time.perf_counter() - begun)
    finally:
        os.close(descriptor)
        path.unlink(missing_ok=True)
    p50, p99 = percentiles_ms(samples)
    return {
        "directory": str(directory),
        "ops_per_second": round(len(samples) / sum(samples), 1),
        "p50_ms": p50,
        "p99_ms": p99,
    }


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def describe_machine() -> dict[str, Any]:
    return {
        "nproc": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "memory_gib": _memory_gib(),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "kafka": KAFKA_VERSION,
        "libraries": {name: _version(name) for name in ("aiokafka", "asyncpg", "faststream", "sqlalchemy")},
    }

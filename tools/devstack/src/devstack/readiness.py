"""Is a server answering? A TCP accept for status; a real metadata request before Kafka counts as ready."""

import asyncio
import socket
from dataclasses import dataclass

from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError

from devstack.private_loop import run_in_private_loop


def port_accepts(host: str, port: int, timeout_seconds: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout_seconds):
            return True
    except OSError:
        return False


@dataclass(frozen=True)
class KafkaClusterDescription:
    cluster_id: str
    broker_ids: tuple[int, ...]
    controller_id: int


async def describe_kafka_cluster(
    bootstrap_servers: str, timeout_seconds: float = 5.0
) -> KafkaClusterDescription:
    admin = AIOKafkaAdminClient(
        bootstrap_servers=bootstrap_servers, request_timeout_ms=int(timeout_seconds * 1000)
    )
    try:
        async with asyncio.timeout(timeout_seconds):
            await admin.start()
            description = await admin.describe_cluster()
    finally:
        await admin.close()
    return KafkaClusterDescription(
        cluster_id=str(description["cluster_id"]),
        broker_ids=tuple(sorted(int(broker["node_id"]) for broker in description["brokers"])),
        controller_id=int(description["controller_id"]),
    )


def kafka_metadata_answers(bootstrap_servers: str, expected_brokers: int) -> bool:
    try:
        description = run_in_private_loop(lambda: describe_kafka_cluster(bootstrap_servers))
    except (KafkaError, OSError, TimeoutError):
        return False
    return len(description.broker_ids) >= expected_brokers

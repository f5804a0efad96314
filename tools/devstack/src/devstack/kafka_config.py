"""server.properties for one combined broker+controller node in KRaft mode."""

import base64
import uuid
from pathlib import Path

from devstack.kafka_layout import KafkaClusterLayout, KafkaNodeAddress

DEFAULT_PARTITIONS = 12


def new_cluster_id() -> str:
    """The same format as `kafka-storage random-uuid`: URL-safe base64 of 16 random bytes, unpadded."""
    while True:
        candidate = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        # Kafka's own generator rejects ids starting with "-" since they read as command-line options.
        if not candidate.startswith("-"):
            return candidate


def server_properties(
    layout: KafkaClusterLayout, node: KafkaNodeAddress, log_directory: Path
) -> dict[str, str]:
    host = layout.host
    replication = str(layout.replication_factor)
    min_insync = str(layout.min_insync_replicas)
    return {
        "process.roles": "broker,controller",
        "node.id": str(node.node_id),
        "controller.quorum.voters": layout.controller_quorum_voters,
        "listeners": f"PLAINTEXT://{host}:{node.broker_port},CONTROLLER://{host}:{node.controller_port}",
        "advertised.listeners": f"PLAINTEXT://{host}:{node.broker_port}",
        "inter.broker.listener.name": "PLAINTEXT",
        "controller.listener.names": "CONTROLLER",
        "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
        "log.dirs": str(log_directory),
        "auto.create.topics.enable": "false",
        "num.partitions": str(DEFAULT_PARTITIONS),
        "default.replication.factor": replication,
        "min.insync.replicas": min_insync,
        "offsets.topic.replication.factor": replication,
        "offsets.topic.num.partitions": "1",
        "transaction.state.log.replication.factor": replication,
        "transaction.state.log.min.isr": min_insync,
        "transaction.state.log.num.partitions": "1",
        "share.coordinator.state.topic.replication.factor": replication,
        "share.coordinator.state.topic.min.isr": min_insync,
        "share.coordinator.state.topic.num.partitions": "1",
        "group.initial.rebalance.delay.ms": "0",
        # A killed broker that never deregistered restarts only once its session expires (9 s by default).
        "broker.heartbeat.interval.ms": "1000",
        "broker.session.timeout.ms": "4000",
    }


def render_properties(properties: dict[str, str]) -> str:
    return "".join(f"{key}={value}\n" for key, value in properties.items())

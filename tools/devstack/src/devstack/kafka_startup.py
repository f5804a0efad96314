"""Launching the missing nodes of a Kafka cluster and waiting until the cluster answers metadata requests."""

import time
from dataclasses import dataclass
from pathlib import Path

from devstack.errors import DevstackError
from devstack.kafka_distribution import KafkaDistribution
from devstack.kafka_layout import KafkaClusterLayout, KafkaNodeAddress
from devstack.kafka_nodes import KafkaNodeFiles, launch_node, prepare_nodes
from devstack.log_files import log_tail
from devstack.process_identity import ProcessIdentity, is_running
from devstack.readiness import kafka_metadata_answers, port_accepts

KAFKA_READY_TIMEOUT_SECONDS = 90.0


class KafkaStartError(DevstackError):
    pass


@dataclass(frozen=True)
class LaunchedKafkaNode:
    name: str
    node: KafkaNodeAddress
    files: KafkaNodeFiles
    process: ProcessIdentity


def ensure_ports_free(
    layout: KafkaClusterLayout, nodes: list[KafkaNodeAddress], timeout_seconds: float = 10.0
) -> None:
    """A killed JVM shows as gone a moment before its sockets close, so give taken ports a little time."""
    ports = [port for node in nodes for port in (node.broker_port, node.controller_port)]
    deadline = time.monotonic() + timeout_seconds
    while taken := [port for port in ports if port_accepts(layout.host, port)]:
        if time.monotonic() > deadline:
            raise KafkaStartError(f"ports {taken} for {layout.name} are taken by another process")
        time.sleep(0.1)


def launch_kafka_nodes(
    distribution: KafkaDistribution,
    layout: KafkaClusterLayout,
    cluster_directory: Path,
    nodes: list[KafkaNodeAddress],
) -> list[LaunchedKafkaNode]:
    prepared = prepare_nodes(distribution, layout, cluster_directory, nodes)
    return [
        LaunchedKafkaNode(
            name=layout.component_name(node),
            node=node,
            files=prepared[node.node_id],
            process=launch_node(distribution, prepared[node.node_id]),
        )
        for node in nodes
    ]


def wait_until_kafka_ready(
    layout: KafkaClusterLayout,
    launched: list[LaunchedKafkaNode],
    timeout_seconds: float = KAFKA_READY_TIMEOUT_SECONDS,
) -> None:
    """Ready means every broker port accepts and a metadata request lists every node of the cluster."""
    deadline = time.monotonic() + timeout_seconds
    while time.monotonic() < deadline:
        for node in launched:
            if not is_running(node.process):
                raise KafkaStartError(f"Kafka node {node.name} exited:\n{log_tail(node.files.log)}")
        ports_open = all(port_accepts(layout.host, node.node.broker_port) for node in launched)
        if ports_open and kafka_metadata_answers(
            layout.bootstrap_servers, expected_brokers=len(layout.nodes)
        ):
            return
        time.sleep(0.2)
    logs = "\n".join(f"--- {node.name}\n{log_tail(node.files.log, 1500)}" for node in launched)
    raise KafkaStartError(f"Kafka did not answer within {timeout_seconds:.0f} s:\n{logs}")

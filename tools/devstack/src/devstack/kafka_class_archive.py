"""A class-data-sharing archive of the broker's classes, built once: brokers then boot in half the time.

The JVM writes the archive when a broker started with -XX:ArchiveClassesAtExit exits, so one throw-away
broker is booted and stopped. An archive made by another JVM build is ignored by the JVM (with a warning),
never fatal, because -Xshare:auto is the default.
"""

import fcntl
import os
import socket
import tempfile
import time
from pathlib import Path

from devstack.kafka_distribution import KafkaDistribution
from devstack.kafka_layout import KafkaClusterLayout, KafkaNodeAddress
from devstack.kafka_nodes import JVM_OPTIONS, launch_node, prepare_nodes
from devstack.kafka_startup import KafkaStartError, LaunchedKafkaNode, wait_until_kafka_ready
from devstack.process_identity import terminate

_FAILED_MARKER = "broker-classes.failed"


def _free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def ensure_class_archive(distribution: KafkaDistribution) -> float | None:
    """Seconds spent building the archive, or None when it existed (or a previous attempt failed)."""
    directory = distribution.directory
    with (directory / ".class-archive.lock").open("a") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        if distribution.class_archive.exists() or (directory / _FAILED_MARKER).exists():
            return None
        started = time.monotonic()
        with tempfile.TemporaryDirectory(prefix="devstack-class-archive-") as work:
            _train(distribution, Path(work))
        return time.monotonic() - started


def _train(distribution: KafkaDistribution, work: Path) -> None:
    partial = distribution.class_archive.with_suffix(".partial")
    node = KafkaNodeAddress(1, broker_port=_free_loopback_port(), controller_port=_free_loopback_port())
    layout = KafkaClusterLayout(name="class-archive-training", nodes=(node,))
    files = prepare_nodes(distribution, layout, work, [node])[node.node_id]
    process = launch_node(distribution, files, (*JVM_OPTIONS, f"-XX:ArchiveClassesAtExit={partial}"))
    try:
        wait_until_kafka_ready(layout, [LaunchedKafkaNode("training", node, files, process)])
    except KafkaStartError as failure:
        (distribution.directory / _FAILED_MARKER).write_text(f"{failure}\n")
    finally:
        terminate([process])
    if partial.exists() and partial.stat().st_size > 0:
        os.replace(partial, distribution.class_archive)

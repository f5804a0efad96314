"""Formatting and launching the JVM of each Kafka node."""

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from devstack.detached_launch import launch_detached
from devstack.errors import DevstackError
from devstack.kafka_config import new_cluster_id, render_properties, server_properties
from devstack.kafka_distribution import KafkaDistribution
from devstack.kafka_layout import KafkaClusterLayout, KafkaNodeAddress
from devstack.process_identity import ProcessIdentity, identify

JVM_OPTIONS = ("-Xms256m", "-Xmx512m", "-XX:+UseG1GC", "-Djava.awt.headless=true")
# The storage tool runs for a second: the quick compiler and the simplest collector start fastest.
_SHORT_LIVED_TOOL_OPTIONS = ("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")
_STORAGE_TOOL = "kafka.tools.StorageTool"
_BROKER_MAIN = "kafka.Kafka"


class KafkaLaunchError(DevstackError):
    pass


@dataclass(frozen=True)
class KafkaNodeFiles:
    directory: Path

    @property
    def config(self) -> Path:
        return self.directory / "server.properties"

    @property
    def data(self) -> Path:
        return self.directory / "data"

    @property
    def log(self) -> Path:
        return self.directory / "server.log"

    @property
    def is_formatted(self) -> bool:
        return (self.data / "meta.properties").exists()


def java_executable() -> str:
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").exists():
        return str(Path(java_home) / "bin" / "java")
    found = shutil.which("java")
    if found is None:
        raise KafkaLaunchError("no java on PATH and JAVA_HOME unset; Kafka needs Java 17 or newer")
    return found


def node_files(cluster_directory: Path, node: KafkaNodeAddress) -> KafkaNodeFiles:
    return KafkaNodeFiles(cluster_directory / f"node-{node.node_id}")


def cluster_id_for(cluster_directory: Path) -> str:
    """One id per cluster directory, kept so that reformatting a lost node joins the same cluster."""
    id_file = cluster_directory / "cluster.id"
    if id_file.exists():
        return id_file.read_text().strip()
    cluster_directory.mkdir(parents=True, exist_ok=True)
    cluster_id = new_cluster_id()
    id_file.write_text(cluster_id + "\n")
    return cluster_id


def _java_command(
    distribution: KafkaDistribution, jvm_options: tuple[str, ...], *arguments: str
) -> list[str]:
    return [
        java_executable(),
        *jvm_options,
        f"-Dlog4j2.configurationFile={distribution.log4j_configuration}",
        "-cp",
        distribution.classpath,
        *arguments,
    ]


def _start_formatting(
    distribution: KafkaDistribution, cluster_id: str, files: KafkaNodeFiles
) -> subprocess.Popen[bytes]:
    # A static voter set needs no --standalone; with it every node would form a cluster of its own.
    command = _java_command(
        distribution,
        _SHORT_LIVED_TOOL_OPTIONS,
        _STORAGE_TOOL,
        "format",
        "-t",
        cluster_id,
        "-c",
        str(files.config),
    )
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def prepare_nodes(
    distribution: KafkaDistribution,
    layout: KafkaClusterLayout,
    cluster_directory: Path,
    nodes: list[KafkaNodeAddress],
) -> dict[int, KafkaNodeFiles]:
    """Writes each node's configuration and formats its storage once, all nodes in parallel."""
    cluster_id = cluster_id_for(cluster_directory)
    prepared: dict[int, KafkaNodeFiles] = {}
    formatting: list[tuple[KafkaNodeFiles, subprocess.Popen[bytes]]] = []
    for node in nodes:
        files = node_files(cluster_directory, node)
        files.directory.mkdir(parents=True, exist_ok=True)
        files.config.write_text(render_properties(server_properties(layout, node, files.data)))
        prepared[node.node_id] = files
        if not files.is_formatted:
            formatting.append((files, _start_formatting(distribution, cluster_id, files)))
    for files, process in formatting:
        output, _ = process.communicate()
        if process.returncode != 0:
            details = output.decode(errors="replace")[-4000:]
            raise KafkaLaunchError(f"formatting {files.data} failed:\n{details}")
    return prepared


def broker_jvm_options(distribution: KafkaDistribution) -> tuple[str, ...]:
    if distribution.class_archive.exists():
        return (*JVM_OPTIONS, f"-XX:SharedArchiveFile={distribution.class_archive}")
    return JVM_OPTIONS


def launch_node(
    distribution: KafkaDistribution, files: KafkaNodeFiles, jvm_options: tuple[str, ...] | None = None
) -> ProcessIdentity:
    options = broker_jvm_options(distribution) if jvm_options is None else jvm_options
    command = _java_command(distribution, options, _BROKER_MAIN, str(files.config))
    pid = launch_detached(command, files.log, files.directory)
    identity = identify(pid, command_marker=str(files.config))
    if identity is None:
        raise KafkaLaunchError(f"the broker for {files.config} exited at once; see {files.log}")
    return identity

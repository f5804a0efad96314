"""How node configuration, ports and the broker classpath are rendered."""

import re

import pytest

from devstack.kafka_config import new_cluster_id, server_properties
from devstack.kafka_distribution import KAFKA_VERSION, is_complete, render_classpath_pom
from devstack.kafka_layout import KafkaClusterLayout


def test_a_single_node_listens_on_19092_with_its_controller_on_19093(tmp_path) -> None:
    layout = KafkaClusterLayout.for_node_count(1)
    properties = server_properties(layout, layout.nodes[0], tmp_path)

    assert layout.bootstrap_servers == "127.0.0.1:19092"
    assert properties["process.roles"] == "broker,controller"
    assert properties["controller.quorum.voters"] == "1@127.0.0.1:19093"
    assert properties["listeners"] == "PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093"
    assert properties["advertised.listeners"] == "PLAINTEXT://127.0.0.1:19092"
    assert properties["log.dirs"] == str(tmp_path)


def test_a_single_node_replicates_internal_topics_once_and_is_tuned_for_fast_tests(tmp_path) -> None:
    layout = KafkaClusterLayout.for_node_count(1)
    properties = server_properties(layout, layout.nodes[0], tmp_path)

    for key in (
        "offsets.topic.replication.factor",
        "transaction.state.log.replication.factor",
        "transaction.state.log.min.isr",
        "share.coordinator.state.topic.replication.factor",
        "share.coordinator.state.topic.min.isr",
        "default.replication.factor",
        "min.insync.replicas",
    ):
        assert properties[key] == "1", key
    assert properties["offsets.topic.num.partitions"] == "1"
    assert properties["group.initial.rebalance.delay.ms"] == "0"
    assert properties["auto.create.topics.enable"] == "false"
    assert properties["num.partitions"] == "12"


def test_three_nodes_share_a_static_voter_set_and_require_two_in_sync_replicas(tmp_path) -> None:
    layout = KafkaClusterLayout.for_node_count(3)
    rendered = [server_properties(layout, node, tmp_path / str(node.node_id)) for node in layout.nodes]

    assert layout.bootstrap_servers == "127.0.0.1:19192,127.0.0.1:19292,127.0.0.1:19392"
    assert {properties["controller.quorum.voters"] for properties in rendered} == {
        "1@127.0.0.1:19193,2@127.0.0.1:19293,3@127.0.0.1:19393"
    }
    assert [properties["node.id"] for properties in rendered] == ["1", "2", "3"]
    assert all(properties["default.replication.factor"] == "3" for properties in rendered)
    assert all(properties["min.insync.replicas"] == "2" for properties in rendered)
    assert all(properties["offsets.topic.replication.factor"] == "3" for properties in rendered)
    assert all(properties["transaction.state.log.min.isr"] == "2" for properties in rendered)


def test_the_three_node_cluster_uses_ports_apart_from_the_single_node() -> None:
    single = KafkaClusterLayout.for_node_count(1)
    trio = KafkaClusterLayout.for_node_count(3)
    single_ports = {port for node in single.nodes for port in (node.broker_port, node.controller_port)}
    trio_ports = {port for node in trio.nodes for port in (node.broker_port, node.controller_port)}

    assert not single_ports & trio_ports
    assert single.name != trio.name


def test_a_private_cluster_can_move_to_another_base_port() -> None:
    layout = KafkaClusterLayout.for_node_count(3, base_port=30000)

    assert [(node.broker_port, node.controller_port) for node in layout.nodes] == [
        (30000, 30001),
        (30100, 30101),
        (30200, 30201),
    ]


def test_only_one_or_three_nodes_are_offered() -> None:
    with pytest.raises(ValueError, match="1 or 3"):
        KafkaClusterLayout.for_node_count(2)


def test_cluster_ids_look_like_kafkas_own() -> None:
    ids = {new_cluster_id() for _ in range(200)}

    assert len(ids) == 200
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{22}", cluster_id) for cluster_id in ids)
    assert not any(cluster_id.startswith("-") for cluster_id in ids)


def test_the_classpath_project_brings_the_broker_and_a_log4j2_backend() -> None:
    pom = render_classpath_pom(KAFKA_VERSION, "2.24.3")

    assert "<packaging>pom</packaging>" in pom
    assert f"<artifactId>kafka_2.13</artifactId><version>{KAFKA_VERSION}</version>" in pom
    assert "<artifactId>log4j-core</artifactId><version>2.24.3</version>" in pom
    assert "<artifactId>log4j-slf4j-impl</artifactId><version>2.24.3</version>" in pom


def test_a_cache_without_its_completion_marker_is_fetched_again(tmp_path) -> None:
    (tmp_path / "libs").mkdir()
    (tmp_path / "libs" / f"kafka_2.13-{KAFKA_VERSION}.jar").write_bytes(b"")

    assert not is_complete(tmp_path)
    (tmp_path / "COMPLETE").write_text("")
    assert is_complete(tmp_path)

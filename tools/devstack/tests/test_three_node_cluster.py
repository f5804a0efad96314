"""Three combined nodes on loopback keep acks=all writes flowing with one node down."""

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from devstack.kafka_layout import KafkaClusterLayout
from devstack.kafka_reading import read_topic_to_end
from devstack.kafka_topics import TopicAdmin, unique_topic_name
from devstack.local_stack import LocalStack
from devstack.readiness import describe_kafka_cluster

pytestmark = pytest.mark.slow


@pytest.fixture
async def three_nodes(
    private_home: Path, free_kafka_base_port: int
) -> AsyncIterator[tuple[LocalStack, KafkaClusterLayout]]:
    stack = LocalStack(private_home)
    layout = KafkaClusterLayout.for_node_count(3, base_port=free_kafka_base_port)
    await asyncio.to_thread(stack.up, layout)
    try:
        yield stack, layout
    finally:
        await asyncio.to_thread(stack.stop)


async def _produce(bootstrap: str, topic: str, values: range) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    await producer.start()
    try:
        for value in values:
            await producer.send_and_wait(topic, str(value).encode(), key=str(value % 5).encode())
    finally:
        await producer.stop()


async def _consume_with_group(bootstrap: str, topic: str, expected: int) -> list[bytes]:
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, group_id=f"group-{topic}", auto_offset_reset="earliest"
    )
    await consumer.start()
    values: list[bytes] = []
    try:
        async with asyncio.timeout(60):
            while len(values) < expected:
                for batch in (await consumer.getmany(timeout_ms=500)).values():
                    values.extend(record.value for record in batch)
        await consumer.commit()
    finally:
        await consumer.stop()
    return values


async def test_a_replicated_topic_survives_one_node_stopping(
    three_nodes: tuple[LocalStack, KafkaClusterLayout],
) -> None:
    stack, layout = three_nodes
    bootstrap = layout.bootstrap_servers
    topic = unique_topic_name("replicated")
    admin = TopicAdmin(bootstrap)
    await admin.start()
    try:
        await admin.create([topic], partitions=3, replication_factor=3, config={"min.insync.replicas": "2"})
    finally:
        await admin.close()
    assert (await describe_kafka_cluster(bootstrap)).broker_ids == (1, 2, 3)

    await _produce(bootstrap, topic, range(50))
    stopped = await asyncio.to_thread(stack.stop, [layout.component_name(layout.nodes[2])])
    await _produce(bootstrap, topic, range(50, 100))
    everything = await read_topic_to_end(bootstrap, topic)
    consumed = await _consume_with_group(bootstrap, topic, expected=100)

    assert stopped == ["kafka-3-nodes/node-3"]
    assert sorted(int(record.value) for record in everything) == list(range(100))
    assert sorted(int(value) for value in consumed) == list(range(100))

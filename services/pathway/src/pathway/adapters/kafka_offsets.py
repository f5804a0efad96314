"""What the broker says about offsets: where topics begin and end now, and where a consumer group is."""

from collections.abc import Mapping, Sequence
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

Partition = tuple[str, int]


class UnknownTopicError(LookupError):
    pass


async def topic_bounds(
    bootstrap_servers: str, topics: Sequence[str]
) -> tuple[dict[Partition, int], dict[Partition, int]]:
    """(first offset, end offset) of every partition of `topics`, as they are now."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        described: list[dict[str, Any]] = await admin.describe_topics(list(topics))
    finally:
        await admin.close()
    partitions = []
    for topic in described:
        if topic["error_code"] != 0:
            raise UnknownTopicError(
                f"topic {topic['topic']} cannot be described: error {topic['error_code']}"
            )
        partitions += [
            TopicPartition(topic["topic"], partition["partition"]) for partition in topic["partitions"]
        ]
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap_servers, enable_auto_commit=False)
    await consumer.start()
    try:
        beginning = await consumer.beginning_offsets(partitions)
        end = await consumer.end_offsets(partitions)
    finally:
        await consumer.stop()
    return _by_partition(beginning), _by_partition(end)


async def committed_offsets(bootstrap_servers: str, group: str) -> dict[Partition, int]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        committed = await admin.list_consumer_group_offsets(group)
    finally:
        await admin.close()
    return {(tp.topic, tp.partition): meta.offset for tp, meta in committed.items() if meta.offset >= 0}


def _by_partition(offsets: Mapping[TopicPartition, int]) -> dict[Partition, int]:
    return {(tp.topic, tp.partition): offset for tp, offset in offsets.items()}

"""Reading a whole topic as it stands, without a consumer group: what a test asserts against."""

import asyncio
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient


async def read_topic_to_end(
    bootstrap_servers: str, topic: str, timeout_seconds: float = 30.0
) -> list[ConsumerRecord[bytes, bytes]]:
    """Every record of every partition, from the beginning up to the high watermark at call time.

    Records come partition by partition, each partition in offset order.
    """
    async with asyncio.timeout(timeout_seconds):
        partitions = [
            TopicPartition(topic, partition) for partition in await _partition_ids(bootstrap_servers, topic)
        ]
        # "earliest" too: assign() starts a position lookup of its own that may land after seek_to_beginning.
        consumer = AIOKafkaConsumer(
            bootstrap_servers=bootstrap_servers,
            group_id=None,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
        )
        await consumer.start()
        try:
            return await _read_to_end(consumer, partitions)
        finally:
            await consumer.stop()


async def _partition_ids(bootstrap_servers: str, topic: str) -> list[int]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        described: list[dict[str, Any]] = await admin.describe_topics([topic])
    finally:
        await admin.close()
    if not described or described[0]["error_code"] != 0:
        raise LookupError(f"topic {topic} does not exist")
    return sorted(partition["partition"] for partition in described[0]["partitions"])


async def _read_to_end(
    consumer: AIOKafkaConsumer, partitions: list[TopicPartition]
) -> list[ConsumerRecord[bytes, bytes]]:
    consumer.assign(partitions)
    end_offsets: dict[TopicPartition, int] = await consumer.end_offsets(partitions)
    await consumer.seek_to_beginning(*partitions)
    records: dict[TopicPartition, list[ConsumerRecord[bytes, bytes]]] = {
        partition: [] for partition in partitions
    }
    unfinished = [partition for partition in partitions if end_offsets[partition] > 0]
    while unfinished:
        batches = await consumer.getmany(*unfinished, timeout_ms=200)
        for partition, batch in batches.items():
            records[partition].extend(record for record in batch if record.offset < end_offsets[partition])
        # Positions, not record counts: transaction markers and compaction leave gaps in the offsets.
        unfinished = [
            partition
            for partition in unfinished
            if await consumer.position(partition) < end_offsets[partition]
        ]
    return [record for partition in partitions for record in records[partition]]

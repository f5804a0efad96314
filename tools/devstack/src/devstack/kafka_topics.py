"""Creating uniquely named topics for tests and waiting until the cluster's metadata shows them."""

import asyncio
import uuid
from collections.abc import Mapping
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import for_code

DEAD_LETTER_SUFFIX = ".dlq"
_MAX_DEFAULT_REPLICATION = 3


def unique_topic_name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


class TopicAdmin:
    def __init__(self, bootstrap_servers: str) -> None:
        self._bootstrap_servers = bootstrap_servers
        self._admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)

    async def start(self) -> None:
        await self._admin.start()

    async def close(self) -> None:
        await self._admin.close()

    async def broker_count(self) -> int:
        description: dict[str, Any] = await self._admin.describe_cluster()
        return len(description["brokers"])

    async def create(
        self,
        names: list[str],
        partitions: int,
        replication_factor: int | None = None,
        config: Mapping[str, str] | None = None,
        timeout_seconds: float = 30.0,
    ) -> None:
        """Creates the topics and returns once every partition has a leader."""
        if replication_factor is None:
            replication_factor = min(_MAX_DEFAULT_REPLICATION, await self.broker_count())
        topics = [
            NewTopic(name, partitions, replication_factor, topic_configs=dict(config or {})) for name in names
        ]
        response = await self._admin.create_topics(topics)
        for topic_error in response.topic_errors:
            name, error_code = topic_error[0], topic_error[1]
            if error_code != 0:
                raise for_code(error_code)(f"creating topic {name}: {topic_error[2:]}")
        async with asyncio.timeout(timeout_seconds):
            while not await self._all_partitions_led(names, partitions):  # noqa: ASYNC110 - nothing to await but polling
                await asyncio.sleep(0.05)
            await self._wait_until_leaders_serve(names, partitions)

    async def delete(self, names: list[str]) -> None:
        if names:
            await self._admin.delete_topics(names)

    async def _wait_until_leaders_serve(self, names: list[str], partitions: int) -> None:
        """Metadata names a leader a moment before that broker serves the partition; offsets prove it does."""
        consumer = AIOKafkaConsumer(bootstrap_servers=self._bootstrap_servers, group_id=None)
        await consumer.start()
        try:
            await consumer.end_offsets(
                [TopicPartition(name, index) for name in names for index in range(partitions)]
            )
        finally:
            await consumer.stop()

    async def _all_partitions_led(self, names: list[str], partitions: int) -> bool:
        described: list[dict[str, Any]] = await self._admin.describe_topics(names)
        return len(described) == len(names) and all(
            topic["error_code"] == 0
            and len(topic["partitions"]) == partitions
            and all(partition["leader"] >= 0 for partition in topic["partitions"])
            for topic in described
        )

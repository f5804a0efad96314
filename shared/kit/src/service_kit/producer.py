"""The one way services write to Kafka: an idempotent producer that waits for every in-sync replica."""

import asyncio
from collections.abc import Sequence
from functools import lru_cache
from types import TracebackType
from typing import Any, Self

from aiokafka import AIOKafkaProducer
from aiokafka.partitioner import DefaultPartitioner, murmur2
from aiokafka.structs import RecordMetadata

Headers = Sequence[tuple[str, bytes]]
Record = tuple[str, bytes | None, bytes | None, Headers]

# Below this many records for one partition, a call's records join the batch the producer is filling
# anyway (concurrent callers share it); from it on, a batch of the call's own costs far less per record.
OWN_BATCH_FROM_RECORDS = 8
# A relay's wave of a few hundred events fits in one batch per partition: a partition's second batch would
# wait for the first to leave. Below the broker's default limit for a message batch (1 MiB).
MAX_BATCH_BYTES = 262_144


class EventProducer:
    def __init__(self, bootstrap_servers: str, *, client_id: str, linger_ms: int = 5) -> None:
        self._bootstrap_servers = bootstrap_servers
        self._client_id = client_id
        self._linger_ms = linger_ms
        self._started: AIOKafkaProducer | None = None

    @property
    def _producer(self) -> AIOKafkaProducer:
        if self._started is None:
            raise RuntimeError("the producer is used before start()")
        return self._started

    async def start(self) -> None:
        """Starting a started producer does nothing: the relay may share one the service started."""
        if self._started is not None:
            return
        # aiokafka binds a producer to the running loop, so it is made here rather than at wiring time.
        # enable_idempotence forces acks=all: a send succeeds only once every in-sync replica has it.
        producer = AIOKafkaProducer(
            bootstrap_servers=self._bootstrap_servers,
            client_id=self._client_id,
            enable_idempotence=True,
            acks="all",
            linger_ms=self._linger_ms,
            request_timeout_ms=15_000,
            max_batch_size=MAX_BATCH_BYTES,
            partitioner=partition_of,
        )
        await producer.start()
        self._started = producer

    async def stop(self) -> None:
        if self._started is not None:
            await self._started.stop()
            self._started = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    async def send(
        self, topic: str, *, key: bytes | None, value: bytes | None, headers: Headers
    ) -> RecordMetadata:
        """Send one record and wait until the broker has acknowledged it."""
        return await self._producer.send_and_wait(topic, value=value, key=key, headers=list(headers))

    async def send_all(self, records: Sequence[Record]) -> None:
        """Send records, in order within each partition, and wait until the broker has acknowledged every
        one. Records go to the partition `send` would choose: the default partitioner's, by key."""
        pending: list[asyncio.Future[Any]] = []
        for (topic, partition), in_order in (await self._by_partition(records)).items():
            if len(in_order) < OWN_BATCH_FROM_RECORDS:
                for _, key, value, headers in in_order:
                    pending.append(
                        await self._producer.send(
                            topic, value=value, key=key, partition=partition, headers=list(headers)
                        )
                    )
            else:
                pending.extend(await self._send_in_batches(topic, partition, in_order))
        for acknowledgement in pending:
            await acknowledgement

    async def _by_partition(self, records: Sequence[Record]) -> dict[tuple[str, int], list[Record]]:
        partitions: dict[str, list[int]] = {}
        by_partition: dict[tuple[str, int], list[Record]] = {}
        for record in records:
            topic, key = record[0], record[1]
            if topic not in partitions:
                partitions[topic] = sorted(await self._producer.partitions_for(topic))
            partition = partition_of(key, partitions[topic], partitions[topic])
            by_partition.setdefault((topic, partition), []).append(record)
        return by_partition

    async def _send_in_batches(
        self, topic: str, partition: int, records: Sequence[Record]
    ) -> list[asyncio.Future[Any]]:
        sent = []
        batch = self._producer.create_batch()
        for _, key, value, headers in records:
            if batch.append(key=key, value=value, timestamp=None, headers=list(headers)) is None:
                sent.append(await self._producer.send_batch(batch, topic, partition=partition))
                batch = self._producer.create_batch()
                # An empty batch takes any one record, however large.
                batch.append(key=key, value=value, timestamp=None, headers=list(headers))
        sent.append(await self._producer.send_batch(batch, topic, partition=partition))
        return sent

    async def is_reachable(self) -> bool:
        if self._started is None:
            return False
        try:
            await self._producer.client.fetch_all_metadata()
        except Exception:
            return False
        return True


def partition_of(key: bytes | None, all_partitions: list[int], available: list[int]) -> int:
    """The default partitioner's choice, with each key's hash remembered: a person's events leave in
    runs, and hashing a key in pure Python cost more than the rest of sending it."""
    if key is None:
        return int(DefaultPartitioner()(key, all_partitions, available))
    return all_partitions[_key_hash(key) % len(all_partitions)]


@lru_cache(maxsize=65_536)
def _key_hash(key: bytes) -> int:
    return int(murmur2(key)) & 0x7FFFFFFF

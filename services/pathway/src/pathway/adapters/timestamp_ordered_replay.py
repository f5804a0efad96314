"""The referral and partner topics read again from their beginning, in the order their records reached
the broker across every partition of both topics (their timestamps), which is the order a live assembler
that keeps up takes them in. A person's seq and the care team an event is checked against depend on
that order across the two topics; Kafka keeps it only within a partition.

Up to the end offsets given, the next record is always the earliest head among the partitions not yet
at their end; past them (tailing) records are handed over as they come, earliest first in each fetch.
They come in batches of consecutive records, as many as are fetched already, to be assembled together."""

import asyncio
from collections import deque
from collections.abc import AsyncIterator, Mapping
from typing import TypeAlias

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition

Partition = tuple[str, int]
Record: TypeAlias = ConsumerRecord[bytes, bytes]
_FETCH_TIMEOUT_MS = 500


class TimestampOrderedReplay:
    def __init__(
        self,
        bootstrap_servers: str,
        *,
        group: str,
        beginning: Mapping[Partition, int],
        end: Mapping[Partition, int],
    ) -> None:
        self.consumer = AIOKafkaConsumer(
            bootstrap_servers=bootstrap_servers,
            group_id=group,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
        )
        self._partitions = [TopicPartition(topic, number) for topic, number in sorted(beginning)]
        self._end = {TopicPartition(*partition): offset for partition, offset in end.items()}
        self._buffers: dict[TopicPartition, deque[Record]] = {tp: deque() for tp in self._partitions}
        self.stopping = asyncio.Event()

    async def start(self) -> None:
        await self.consumer.start()
        # Assigned by hand, not by the group: the group only keeps the offsets the serving instances
        # take over from once this generation is live.
        self.consumer.assign(self._partitions)
        await self.consumer.seek_to_beginning(*self._partitions)

    async def batches(self, max_records: int) -> AsyncIterator[list[Record]]:
        """Consecutive records in replay order, as many as are there without waiting (up to
        `max_records`), until `stopping` is set."""
        async for batch in self._up_to_the_end_offsets(max_records):
            yield batch
        while not self.stopping.is_set():
            merged = self._earliest_first(list(self._partitions))
            for start in range(0, len(merged), max_records):
                yield merged[start : start + max_records]
            await self._fetch(self._partitions)

    async def stop(self) -> None:
        await self.consumer.stop()

    async def _up_to_the_end_offsets(self, max_records: int) -> AsyncIterator[list[Record]]:
        batch: list[Record] = []
        while not self.stopping.is_set():
            unfinished = [tp for tp in self._partitions if not await self._at_end(tp)]
            empty = [tp for tp in unfinished if not self._buffers[tp]]
            if batch and (len(batch) == max_records or empty or not unfinished):
                yield batch
                batch = []
            if not unfinished:
                return
            if empty:
                await self._fetch(empty)
                continue
            earliest = min(
                unfinished, key=lambda tp: (self._buffers[tp][0].timestamp, tp.topic, tp.partition)
            )
            batch.append(self._buffers[earliest].popleft())

    async def _at_end(self, tp: TopicPartition) -> bool:
        buffered = self._buffers[tp]
        next_offset: int = buffered[0].offset if buffered else await self.consumer.position(tp)
        return next_offset >= self._end[tp]

    def _earliest_first(self, partitions: list[TopicPartition]) -> list[Record]:
        records = [record for tp in partitions for record in self._buffers[tp]]
        for tp in partitions:
            self._buffers[tp].clear()
        return _merge_by_timestamp(records)

    async def _fetch(self, partitions: list[TopicPartition]) -> None:
        fetched: dict[TopicPartition, list[Record]] = await self.consumer.getmany(
            *partitions, timeout_ms=_FETCH_TIMEOUT_MS
        )
        for tp, records in fetched.items():
            self._buffers[tp].extend(records)


def _merge_by_timestamp(records: list[Record]) -> list[Record]:
    """Earliest head first, so each partition keeps its own order even where its timestamps step back."""
    by_partition: dict[tuple[str, int], deque[Record]] = {}
    for record in records:
        by_partition.setdefault((record.topic, record.partition), deque()).append(record)
    merged: list[Record] = []
    while by_partition:
        key = min(by_partition, key=lambda partition: (by_partition[partition][0].timestamp, partition))
        merged.append(by_partition[key].popleft())
        if not by_partition[key]:
            del by_partition[key]
    return merged

"""Committing a consumer group's offsets every n events or t ms instead of after each event.

An OffsetCommit round trip costs about 5 ms on Kafka 4 (the group coordinator lingers before writing
`__consumer_offsets`), several times the work of an event. The inbox makes a redelivery harmless, so an
offset may lag behind the events applied; it must never run ahead of them. Only explicit offsets are
committed, each the one after the last record this instance finished on its partition: the consumer's
own position also counts records fetched but not yet applied.

The same finished offsets give each partition's lag: the records after them as of the consumer's last fetch.
It is measured when records finish, from what aiokafka already holds (no request to the broker), and only
for the partitions this instance owns, so that an instance never reports a partition that moved on.
"""

import asyncio
from collections.abc import Iterable, Mapping, Set
from contextlib import suppress
from dataclasses import dataclass
from typing import Any, Protocol

import structlog
from aiokafka import ConsumerRebalanceListener, TopicPartition
from aiokafka.errors import CommitFailedError, IllegalStateError, KafkaError
from prometheus_client import Gauge

_log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class OffsetCommitPolicy:
    every_events: int = 100
    every_seconds: float = 0.2

    def __post_init__(self) -> None:
        if self.every_events < 1 or self.every_seconds <= 0:
            raise ValueError("an offset commit policy needs at least one event and a positive interval")


class KafkaOffsets(Protocol):
    """What committing and measuring lag need of aiokafka's consumer."""

    def assignment(self) -> Set[TopicPartition]: ...

    def highwater(self, partition: TopicPartition) -> int | None: ...

    async def commit(self, offsets: Mapping[TopicPartition, int]) -> Any: ...


class PartitionLag:
    """One consumer group's series of the lag gauge in this instance, one per partition it owns."""

    def __init__(self, gauge: Gauge, *, consumer_name: str) -> None:
        self._gauge = gauge
        self._consumer_name = consumer_name
        self._series: dict[TopicPartition, Gauge] = {}

    def measure(self, consumer: KafkaOffsets, partition: TopicPartition, next_offset: int) -> None:
        # aiokafka asserts on the highwater of a partition it no longer owns: a record finished during a
        # rebalance must not revive the series that the revocation removed.
        if partition not in consumer.assignment():
            return
        highwater = consumer.highwater(partition)
        if highwater is None:
            return
        series = self._series.get(partition)
        if series is None:
            series = self._gauge.labels(self._consumer_name, partition.topic, str(partition.partition))
            self._series[partition] = series
        series.set(max(highwater - next_offset, 0))

    def forget(self, partitions: Iterable[TopicPartition]) -> None:
        for partition in [tp for tp in partitions if tp in self._series]:
            del self._series[partition]
            # Another committer of the same group and metrics may have removed it already.
            with suppress(KeyError):
                self._gauge.remove(self._consumer_name, partition.topic, str(partition.partition))

    def forget_all_but(self, kept: Set[TopicPartition]) -> None:
        self.forget([tp for tp in self._series if tp not in kept])

    def forget_all(self) -> None:
        self.forget(list(self._series))


class OffsetCommitter(ConsumerRebalanceListener):  # type: ignore[misc]
    """Commits the offsets of finished records after `every_events` of them (without holding up the
    records after them), `every_seconds` after the first one left uncommitted, before its partitions are
    revoked, and on `close()`; sets the lag of each partition as its records finish, and removes it when
    the partition is revoked or on `close()`."""

    def __init__(self, policy: OffsetCommitPolicy, *, consumer_name: str, lag: Gauge) -> None:
        self._policy = policy
        self._consumer_name = consumer_name
        self._lag = PartitionLag(lag, consumer_name=consumer_name)
        self._consumer: KafkaOffsets | None = None
        self._pending: dict[TopicPartition, int] = {}
        self._finished_since_commit = 0
        self._commit_lock = asyncio.Lock()
        self._timer: asyncio.Task[None] | None = None
        self._closing = False

    @property
    def pending(self) -> Mapping[TopicPartition, int]:
        return dict(self._pending)

    async def finished(self, consumer: KafkaOffsets, *, topic: str, partition: int, offset: int) -> None:
        """The record at `offset` is applied or safely dead-lettered, and so is every record before it on
        its partition (a partition is consumed in order, one record at a time)."""
        await self.finished_together(consumer, {TopicPartition(topic, partition): offset}, records=1)

    async def finished_together(
        self, consumer: KafkaOffsets, last_offsets: Mapping[TopicPartition, int], *, records: int
    ) -> None:
        """`finished` for `records` records of one fetch, given the last offset of each partition among
        them: the lag is measured once per partition, not once per record."""
        if consumer is not self._consumer:
            # A restarted subscriber builds a new consumer; the old one's offsets were committed on close.
            self._consumer = consumer
            self._pending.clear()
            self._lag.forget_all()
            self._finished_since_commit = 0
            self._closing = False
        for partition, offset in last_offsets.items():
            self._pending[partition] = offset + 1
            if not self._closing:  # a record finishing after close() must not revive its removed series
                self._lag.measure(consumer, partition, offset + 1)
        self._finished_since_commit += records
        if self._finished_since_commit >= self._policy.every_events:
            self._commit_in_background()
        else:
            self._arm_timer()

    async def commit(self) -> None:
        """Commit what is finished now; a commit refused because of a rebalance is dropped, not raised,
        since the partition's next owner starts again from the last committed offset."""
        self._cancel_timer()
        async with self._commit_lock:
            consumer = self._consumer
            if consumer is None or not self._pending:
                return
            self._finished_since_commit = 0
            assigned = consumer.assignment()
            for partition in [tp for tp in self._pending if tp not in assigned]:
                del self._pending[partition]
            offsets = dict(self._pending)
            if offsets:
                await self._send(consumer, offsets)
        if self._pending:
            self._arm_timer()

    async def _send(self, consumer: KafkaOffsets, offsets: dict[TopicPartition, int]) -> None:
        try:
            await consumer.commit(offsets)
        except (CommitFailedError, IllegalStateError):
            _log.warning("offset commit refused after a rebalance", consumer=self._consumer_name)
            self._forget(offsets)
        except KafkaError as error:
            # Kept for the next commit: the offsets are still right, only this round trip failed.
            _log.warning(
                "offset commit failed; retrying later",
                consumer=self._consumer_name,
                error_class=type(error).__name__,
            )
        else:
            self._forget(offsets)

    def _forget(self, offsets: Mapping[TopicPartition, int]) -> None:
        for partition, offset in offsets.items():
            if self._pending.get(partition) == offset:
                del self._pending[partition]

    async def close(self) -> None:
        """Commit before the consumer stops, while it still belongs to the group."""
        self._closing = True
        await self.commit()
        self._lag.forget_all()

    async def on_partitions_revoked(self, revoked: Set[TopicPartition]) -> None:
        await self.commit()
        for partition in revoked:
            self._pending.pop(partition, None)
        self._lag.forget(revoked)

    async def on_partitions_assigned(self, assigned: Set[TopicPartition]) -> None:
        # aiokafka keeps the old assignment until the new one comes: a record finished in between may
        # have set the lag of a partition revoked meanwhile.
        self._lag.forget_all_but(assigned)

    def _commit_in_background(self) -> None:
        # The consumer goes on with the next records meanwhile: what is committed is only ever what was
        # finished, and a commit that has begun is never cancelled (it leaves the timer slot first).
        self._cancel_timer()
        self._timer = asyncio.create_task(self.commit(), name=f"{self._consumer_name}-offsets")

    def _arm_timer(self) -> None:
        if self._timer is None and not self._closing:
            self._timer = asyncio.create_task(self._commit_later(), name=f"{self._consumer_name}-offsets")

    def _cancel_timer(self) -> None:
        timer, self._timer = self._timer, None
        if timer is not None and timer is not asyncio.current_task():
            timer.cancel()

    async def _commit_later(self) -> None:
        await asyncio.sleep(self._policy.every_seconds)
        await self.commit()

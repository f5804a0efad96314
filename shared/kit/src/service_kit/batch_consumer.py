"""Applying the records of one fetch in a single transaction, for consumers whose cost is per transaction.

The events of a fetch are claimed in the inbox together and handed to the handler together, so that a
handler can read and write for many events in a few statements. Nothing else changes in what is
guaranteed: if the batch fails as a whole (an undecodable record, a refused event, a database error), its
transaction rolls back and the same records go through the event consumer one at a time, which retries,
dead-letters and applies each once exactly as it always does. Offsets are committed only after that.

A handler whose own rows keep each event once (a unique key on its source and id) may say so by being a
`DeduplicatingBatchHandler`: the events of a fetch are then handed to it without an inbox claim, and it
skips those its rows already hold. The inbox row would be a second record of the same fact, and its
insert was the costliest statement of such a batch after the handler's own. The fallback one event at a
time still claims each event in the inbox: its handler must skip what its rows hold as well, since an event
applied in a batch has no inbox row.
"""

import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import structlog
from aiokafka import TopicPartition
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from event_contracts.envelope import CloudEvent
from event_contracts.errors import InvalidEvent
from event_contracts.kafka_binding import from_kafka_record
from service_kit.event_consumer import AfterCommit, EventConsumer
from service_kit.inbox import claim_events
from service_kit.metrics import ServiceMetrics

_log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class ConsumedEvent:
    event: CloudEvent
    topic: str


BatchHandler = Callable[[Sequence[ConsumedEvent], AsyncSession], Awaitable[None]]
"""Applies the events of a fetch that its transaction has claimed in the inbox."""


@dataclass(frozen=True)
class DeduplicatingBatchHandler:
    """Applies the events of a fetch that its own rows do not hold yet, and returns the idempotency keys
    of those it skipped as applied before."""

    apply: Callable[[Sequence[ConsumedEvent], AsyncSession], Awaitable[set[tuple[str, str]]]]


class BatchMessage(Protocol):
    """What the consumer needs of FastStream's batch KafkaMessage: the records, and their consumer."""

    @property
    def raw_message(self) -> Any: ...

    @property
    def consumer(self) -> Any: ...


class BatchEventConsumer:
    def __init__(
        self,
        *,
        one_at_a_time: EventConsumer,
        handler: BatchHandler | DeduplicatingBatchHandler,
        session_factory: async_sessionmaker[AsyncSession],
        metrics: ServiceMetrics,
        after_commit: AfterCommit | None = None,
    ) -> None:
        self.name = one_at_a_time.name
        self.offsets = one_at_a_time.offsets
        self._one_at_a_time = one_at_a_time
        self._handler = handler
        self._session_factory = session_factory
        self._metrics = metrics
        self._after_commit = after_commit

    async def __call__(self, message: BatchMessage) -> None:
        records: Sequence[Any] = tuple(message.raw_message)
        consumed = _decoded(records)
        if consumed is None or not await self._applied_together(consumed):
            for record in records:
                await self._one_at_a_time.consume(record)
        await self.offsets.finished_together(message.consumer, _last_offsets(records), records=len(records))

    async def _applied_together(self, consumed: Sequence[ConsumedEvent]) -> bool:
        started = time.perf_counter()
        try:
            async with self._session_factory() as session, session.begin():
                fresh = await self._apply(consumed, session)
        except Exception as error:
            _log.warning(
                "batch failed as a whole; applying its events one at a time",
                consumer=self.name,
                events=len(consumed),
                error_class=type(error).__name__,
            )
            return False
        events_consumed = self._metrics.events_consumed
        events_consumed.labels(consumer=self.name, outcome="applied").inc(len(fresh))
        events_consumed.labels(consumer=self.name, outcome="duplicate").inc(len(consumed) - len(fresh))
        self._metrics.handler_duration.labels(consumer=self.name).observe(time.perf_counter() - started)
        if self._after_commit is not None:
            for item in fresh:
                await self._after_commit(item.event)
        return True

    async def _apply(self, consumed: Sequence[ConsumedEvent], session: AsyncSession) -> list[ConsumedEvent]:
        """The events this transaction applied, each once, in the order they came."""
        keys = [item.event.idempotency_key for item in consumed]
        if isinstance(self._handler, DeduplicatingBatchHandler):
            once = _first_of_each(consumed, keys, set(keys))
            skipped = await self._handler.apply(once, session)
            return [item for item in once if item.event.idempotency_key not in skipped] if skipped else once
        claimed = await claim_events(session, consumer=self.name, keys=keys)
        fresh = _first_of_each(consumed, keys, claimed)
        if fresh:
            await self._handler(fresh, session)
        return fresh


def _decoded(records: Sequence[Any]) -> list[ConsumedEvent] | None:
    """The batch's events, or None when one record is not an event (the fallback dead-letters it)."""
    consumed = []
    for record in records:
        try:
            event = from_kafka_record(record.key, record.value, tuple(record.headers or ()))
        except InvalidEvent:
            return None
        consumed.append(ConsumedEvent(event, record.topic))
    return consumed


def _last_offsets(records: Sequence[Any]) -> dict[TopicPartition, int]:
    """The offset of the last of the records on each partition (a fetch holds a partition's in order)."""
    return {TopicPartition(record.topic, record.partition): record.offset for record in records}


def _first_of_each(
    consumed: Sequence[ConsumedEvent], keys: Sequence[tuple[str, str]], wanted: set[tuple[str, str]]
) -> list[ConsumedEvent]:
    """The first of the events whose keys (`keys`, one per event) are wanted, in the order they came."""
    unclaimed = set(wanted)
    fresh = []
    for item, key in zip(consumed, keys, strict=True):
        if key in unclaimed:
            unclaimed.remove(key)
            fresh.append(item)
    return fresh

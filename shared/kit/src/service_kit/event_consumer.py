"""The one way services consume events: decode, apply once with the inbox, retry or dead-letter, then ack.

Subscribe with `ack_policy=AckPolicy.MANUAL` (`subscriptions.subscribe` does): a record counts as finished
only once the handler's transaction has committed or the record has been safely set aside as a dead
letter, and only finished records' offsets are committed, a batch at a time (`offset_commits`).
"""

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from event_contracts.envelope import CloudEvent
from event_contracts.errors import InvalidEvent
from event_contracts.kafka_binding import from_kafka_record
from service_kit.dead_letters import DeadLetters, FailedMessage
from service_kit.errors import FailureKind, classify_failure, failure_reason
from service_kit.inbox import claim_event
from service_kit.metrics import ServiceMetrics
from service_kit.offset_commits import OffsetCommitPolicy, OffsetCommitter
from service_kit.retry import Backoff
from service_kit.trace_context import trace_context

EventHandler = Callable[[CloudEvent, AsyncSession], Awaitable[None]]
AfterCommit = Callable[[CloudEvent], Awaitable[None]]

_log = structlog.get_logger(__name__)


class AckableMessage(Protocol):
    """What the consumer needs of FastStream's KafkaMessage: the record, and the aiokafka consumer that
    fetched it (FastStream types it as a narrower protocol than the consumer it hands over)."""

    @property
    def raw_message(self) -> Any: ...

    @property
    def consumer(self) -> Any: ...


class EventConsumer:
    def __init__(
        self,
        *,
        name: str,
        handler: EventHandler,
        session_factory: async_sessionmaker[AsyncSession],
        dead_letters: DeadLetters,
        metrics: ServiceMetrics,
        permanent_errors: tuple[type[BaseException], ...] = (),
        backoff: Backoff = Backoff(),  # noqa: B008 - frozen value object
        after_commit: AfterCommit | None = None,
        offset_commits: OffsetCommitPolicy = OffsetCommitPolicy(),  # noqa: B008 - frozen value object
    ) -> None:
        self.name = name
        self._handler = handler
        self._session_factory = session_factory
        self._dead_letters = dead_letters
        self._metrics = metrics
        self._permanent_errors = permanent_errors
        self._backoff = backoff
        self._after_commit = after_commit
        self.offsets = OffsetCommitter(offset_commits, consumer_name=name, lag=metrics.consumer_lag)

    async def __call__(self, message: AckableMessage) -> None:
        record = message.raw_message
        await self.consume(record)
        await self.offsets.finished(
            message.consumer, topic=record.topic, partition=record.partition, offset=record.offset
        )

    async def consume(self, record: Any) -> None:
        """Applies one record once, or sets it aside as a dead letter; its offset is the caller's."""
        failed = FailedMessage(
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
            key=record.key,
            value=record.value,
            headers=tuple(record.headers or ()),
        )
        try:
            event = from_kafka_record(failed.key, failed.value, failed.headers)
        except InvalidEvent as error:
            await self._set_aside(failed, error)
            return
        # The handler, what it emits and every log line meanwhile belong to the event's trace.
        with (
            trace_context(event.traceparent),
            structlog.contextvars.bound_contextvars(consumer=self.name, event_id=str(event.id)),
        ):
            await self._apply_with_retries(event, failed)

    async def _apply_with_retries(self, event: CloudEvent, failed: FailedMessage) -> None:
        unexpected_failures = 0
        attempt = 0
        while True:
            attempt += 1
            try:
                await self._apply_once(event)
            except Exception as error:
                kind = classify_failure(error, self._permanent_errors)
                if kind is FailureKind.PERMANENT:
                    await self._set_aside(failed, error)
                    return
                if kind is FailureKind.UNEXPECTED:
                    unexpected_failures += 1
                    _log.exception("handler failed")
                    if unexpected_failures >= self._backoff.unexpected_error_attempts:
                        await self._set_aside(failed, error)
                        return
                else:
                    _log.warning(
                        "transient failure; retrying in place",
                        error_class=type(error).__name__,
                        attempt=attempt,
                    )
                self._metrics.transient_retries.labels(consumer=self.name).inc()
                await asyncio.sleep(self._backoff.delay(attempt))
            else:
                if self._after_commit is not None:
                    await self._after_commit(event)
                return

    async def _apply_once(self, event: CloudEvent) -> None:
        started = time.perf_counter()
        source, event_id = event.idempotency_key
        async with self._session_factory() as session, session.begin():
            first_time = await claim_event(session, consumer=self.name, source=source, event_id=event_id)
            if first_time:
                await self._handler(event, session)
        outcome = "applied" if first_time else "duplicate"
        self._metrics.events_consumed.labels(consumer=self.name, outcome=outcome).inc()
        self._metrics.handler_duration.labels(consumer=self.name).observe(time.perf_counter() - started)

    async def _set_aside(self, failed: FailedMessage, error: BaseException) -> None:
        error_class = type(error).__name__
        # A dead letter must be acknowledged by the broker before the offset moves on, or it is lost.
        attempt = 0
        while True:
            attempt += 1
            try:
                await self._dead_letters.set_aside(
                    failed, consumer=self.name, error_class=error_class, reason=failure_reason(error)
                )
            except Exception:
                _log.exception("dead-letter publish failed; retrying", consumer=self.name)
                await asyncio.sleep(self._backoff.delay(attempt))
            else:
                break
        self._metrics.events_consumed.labels(consumer=self.name, outcome="dead_lettered").inc()

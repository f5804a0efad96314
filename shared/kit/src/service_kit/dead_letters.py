"""Setting a message aside on `{topic}.dlq`, with where it came from and why, so it can be replayed."""

from dataclasses import dataclass
from datetime import UTC, datetime

import structlog

from event_contracts.topics import dead_letter_topic
from service_kit.metrics import ServiceMetrics
from service_kit.producer import EventProducer, Headers

ORIGIN_TOPIC = "dlq-origin-topic"
ORIGIN_PARTITION = "dlq-origin-partition"
ORIGIN_OFFSET = "dlq-origin-offset"
ORIGIN_CONSUMER = "dlq-origin-consumer"
ERROR_CLASS = "dlq-error-class"
REASON = "dlq-reason"
FAILED_AT = "dlq-failed-at"
DEAD_LETTER_HEADERS = frozenset(
    {ORIGIN_TOPIC, ORIGIN_PARTITION, ORIGIN_OFFSET, ORIGIN_CONSUMER, ERROR_CLASS, REASON, FAILED_AT}
)

_log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class FailedMessage:
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: Headers


class DeadLetters:
    def __init__(self, producer: EventProducer, metrics: ServiceMetrics) -> None:
        self._producer = producer
        self._metrics = metrics

    async def set_aside(
        self, message: FailedMessage, *, consumer: str, error_class: str, reason: str
    ) -> None:
        origin = [
            (ORIGIN_TOPIC, message.topic),
            (ORIGIN_PARTITION, str(message.partition)),
            (ORIGIN_OFFSET, str(message.offset)),
            (ORIGIN_CONSUMER, consumer),
            (ERROR_CLASS, error_class),
            (REASON, reason),
            (FAILED_AT, datetime.now(UTC).isoformat()),
        ]
        kept = [(name, value) for name, value in message.headers if name not in DEAD_LETTER_HEADERS]
        headers = kept + [(name, value.encode()) for name, value in origin]
        await self._producer.send(
            dead_letter_topic(message.topic), key=message.key, value=message.value, headers=headers
        )
        self._metrics.dead_letters.labels(topic=message.topic, error_class=error_class).inc()
        _log.warning(
            "message dead-lettered",
            topic=message.topic,
            partition=message.partition,
            offset=message.offset,
            consumer=consumer,
            error_class=error_class,
            reason=reason,
        )

"""Registering event consumers on a FastStream Kafka broker with the project's delivery guarantees."""

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from typing import Any

from aiokafka import ConsumerRecord
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from faststream.kafka.subscriber.usecase import DefaultSubscriber
from faststream.message import StreamMessage

from service_kit.event_consumer import EventConsumer
from service_kit.offset_commits import OffsetCommitter

OriginalParser = Callable[[ConsumerRecord[Any, Any]], Awaitable[StreamMessage[Any]]]


async def parse_without_failing(
    record: ConsumerRecord[Any, Any], original_parser: OriginalParser
) -> StreamMessage[Any]:
    """FastStream decodes every header as UTF-8 and would drop a message whose headers are not;
    give it a readable copy and keep the untouched record for the consumer (and its dead letter)."""
    readable_headers = [(name, value.decode(errors="replace").encode()) for name, value in record.headers]
    message = await original_parser(replace(record, headers=readable_headers))
    message.raw_message = record
    return message


async def keep_raw_body(message: StreamMessage[Any], _original_decoder: object) -> bytes:
    """The event consumer decodes CloudEvents itself, so a bad body becomes a dead letter, not a crash."""
    return message.body


def subscribe(broker: KafkaBroker, consumer: EventConsumer, *, topics: Sequence[str]) -> None:
    """One subscriber per consumer: its name is the consumer group, offsets move only after the
    handler's transaction commits or the message is dead-lettered (never FastStream's ACK_FIRST), and
    the finished records' offsets are committed before a rebalance takes partitions away and before the
    subscriber stops."""
    subscriber = broker.subscriber(
        *topics,
        group_id=consumer.name,
        ack_policy=AckPolicy.MANUAL,
        auto_offset_reset="earliest",
        listener=consumer.offsets,
        parser=parse_without_failing,
        decoder=keep_raw_body,
        title=consumer.name,
    )

    @subscriber
    async def consume(message: KafkaMessage) -> None:
        await consumer(message)

    _commit_offsets_before_stopping(subscriber, consumer.offsets)


def _commit_offsets_before_stopping(subscriber: DefaultSubscriber, offsets: OffsetCommitter) -> None:
    # FastStream stops the consume loop and the Kafka consumer in one call and offers no hook between;
    # committing first, while the consumer is still in its group, is the last moment that works.
    stop_consuming = subscriber.stop

    async def commit_offsets_then_stop() -> None:
        await offsets.close()
        await stop_consuming()

    subscriber.stop = commit_offsets_then_stop  # type: ignore[method-assign]

"""Registering event consumers on a FastStream Kafka broker with the project's delivery guarantees."""

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from typing import Any

from aiokafka import ConsumerRecord
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from faststream.message import StreamMessage

from service_kit.event_consumer import EventConsumer

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
    handler's transaction commits or the message is dead-lettered (never FastStream's ACK_FIRST)."""

    @broker.subscriber(
        *topics,
        group_id=consumer.name,
        ack_policy=AckPolicy.MANUAL,
        auto_offset_reset="earliest",
        parser=parse_without_failing,
        decoder=keep_raw_body,
        title=consumer.name,
    )
    async def consume(message: KafkaMessage) -> None:
        await consumer(message)

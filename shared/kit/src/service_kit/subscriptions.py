"""Registering event consumers on a FastStream Kafka broker with the project's delivery guarantees."""

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from typing import Any

from aiokafka import ConsumerRecord
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.subscriber.usecase import LogicSubscriber
from faststream.message import StreamMessage

from service_kit.batch_consumer import BatchEventConsumer
from service_kit.event_consumer import EventConsumer
from service_kit.offset_commits import OffsetCommitter

OriginalParser = Callable[[ConsumerRecord[Any, Any]], Awaitable[StreamMessage[Any]]]
OriginalBatchParser = Callable[[tuple[ConsumerRecord[Any, Any], ...]], Awaitable[StreamMessage[Any]]]


async def parse_without_failing(
    record: ConsumerRecord[Any, Any], original_parser: OriginalParser
) -> StreamMessage[Any]:
    """FastStream decodes every header as UTF-8 and would drop a message whose headers are not;
    give it a readable copy and keep the untouched record for the consumer (and its dead letter)."""
    message = await original_parser(_with_readable_headers(record))
    message.raw_message = record
    return message


async def parse_batch_without_failing(
    records: tuple[ConsumerRecord[Any, Any], ...], original_parser: OriginalBatchParser
) -> StreamMessage[Any]:
    """`parse_without_failing` for the records of one fetch. FastStream is handed the first and the last
    of them only: it would decode every record's headers into a dictionary, which the batch consumer
    never reads (it decodes each record itself), and the two give the message its id and its headers."""
    ends = records if len(records) <= 2 else (records[0], records[-1])
    message = await original_parser(tuple(_with_readable_headers(record) for record in ends))
    message.raw_message = records
    return message


def _with_readable_headers(record: ConsumerRecord[Any, Any]) -> ConsumerRecord[Any, Any]:
    # Copying every record cost more than the rest of handing it over: only unreadable ones are copied.
    try:
        for _, value in record.headers:
            value.decode()
    except UnicodeDecodeError:
        readable = [(name, value.decode(errors="replace").encode()) for name, value in record.headers]
        return replace(record, headers=readable)
    return record


async def hand_over_the_message(message: StreamMessage[Any], _original_decoder: object) -> StreamMessage[Any]:
    """The consumers decode CloudEvents themselves, so that a bad body becomes a dead letter, not a crash:
    the handler's argument is FastStream's message as it is. Asked for through FastStream's `Context`
    instead, the message would be looked up in a worker thread, a round trip between threads that
    doubled FastStream's cost for each message."""
    return message


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
        decoder=hand_over_the_message,
        title=consumer.name,
    )
    _hand_messages_to(consumer, subscriber)


def subscribe_batches(
    broker: KafkaBroker,
    consumer: BatchEventConsumer,
    *,
    topics: Sequence[str],
    max_records: int,
    wait_ms: int = 10,
) -> None:
    """`subscribe`, handing the consumer up to `max_records` records of one fetch at a time. `wait_ms` is
    how long an idle subscriber waits between fetches: the delay it may add to the first event after a
    pause."""
    subscriber = broker.subscriber(
        *topics,
        batch=True,
        max_records=max_records,
        batch_timeout_ms=wait_ms,
        group_id=consumer.name,
        ack_policy=AckPolicy.MANUAL,
        auto_offset_reset="earliest",
        listener=consumer.offsets,
        parser=parse_batch_without_failing,
        decoder=hand_over_the_message,
        title=consumer.name,
    )
    _hand_messages_to(consumer, subscriber)


def _hand_messages_to(consumer: EventConsumer | BatchEventConsumer, subscriber: LogicSubscriber[Any]) -> None:
    @subscriber
    async def consume(message: Any) -> None:
        await consumer(message)

    _commit_offsets_before_stopping(subscriber, consumer.offsets)


def _commit_offsets_before_stopping(subscriber: LogicSubscriber[Any], offsets: OffsetCommitter) -> None:
    # FastStream stops the consume loop and the Kafka consumer in one call and offers no hook between;
    # committing first, while the consumer is still in its group, is the last moment that works.
    stop_consuming = subscriber.stop

    async def commit_offsets_then_stop() -> None:
        await offsets.close()
        await stop_consuming()

    subscriber.stop = commit_offsets_then_stop  # type: ignore[method-assign]

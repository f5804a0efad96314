"""Sending dead letters back to the topic they came from, once their cause is fixed.

Replaying is safe: consumers are idempotent, so an event that was in fact applied changes nothing.
The replayer's own consumer group remembers how far it got, so a second run replays only newer letters.
"""

import argparse
import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, ConsumerRecord, TopicPartition

from service_kit.dead_letters import DEAD_LETTER_HEADERS, ERROR_CLASS, ORIGIN_TOPIC
from service_kit.producer import EventProducer

REPLAY_GROUP_SUFFIX = ".replay"


@dataclass(frozen=True)
class ReplayReport:
    replayed: int
    skipped_without_origin: int


async def replay_dead_letters(
    bootstrap_servers: str, dead_letter_topic: str, *, error_class: str | None = None
) -> ReplayReport:
    """Replay every letter not replayed yet (optionally only those of one error class), up to now."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap_servers,
        group_id=dead_letter_topic + REPLAY_GROUP_SUFFIX,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    producer = EventProducer(bootstrap_servers, client_id="dead-letter-replay")
    assigned = asyncio.Event()
    consumer.subscribe([dead_letter_topic], listener=_SetWhenAssigned(assigned))
    await consumer.start()
    await producer.start()
    replayed = skipped = 0
    try:
        await assigned.wait()
        partitions = list(consumer.assignment())
        end_offsets: dict[TopicPartition, int] = await consumer.end_offsets(partitions)
        while await _behind(consumer, end_offsets):
            batches = await consumer.getmany(timeout_ms=500)
            for records in batches.values():
                for record in records:
                    outcome = await _replay(producer, record, error_class)
                    replayed += outcome == "replayed"
                    skipped += outcome == "no_origin"
            await consumer.commit()
    finally:
        await producer.stop()
        await consumer.stop()
    return ReplayReport(replayed=replayed, skipped_without_origin=skipped)


class _SetWhenAssigned(ConsumerRebalanceListener):  # type: ignore[misc]
    def __init__(self, assigned: asyncio.Event) -> None:
        self._assigned = assigned

    async def on_partitions_revoked(self, revoked: object) -> None:
        self._assigned.clear()

    async def on_partitions_assigned(self, assigned: object) -> None:
        self._assigned.set()


async def _behind(consumer: AIOKafkaConsumer, end_offsets: dict[TopicPartition, int]) -> bool:
    positions = [await consumer.position(partition) for partition in end_offsets]
    return any(position < end for position, end in zip(positions, end_offsets.values(), strict=True))


async def _replay(
    producer: EventProducer, record: ConsumerRecord[bytes, bytes], error_class: str | None
) -> str:
    headers = dict(record.headers)
    origin = headers.get(ORIGIN_TOPIC)
    if origin is None:
        return "no_origin"
    if error_class is not None and headers.get(ERROR_CLASS, b"").decode() != error_class:
        return "filtered"
    original_headers = [(name, value) for name, value in record.headers if name not in DEAD_LETTER_HEADERS]
    await producer.send(origin.decode(), key=record.key, value=record.value, headers=original_headers)
    return "replayed"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bootstrap-servers", required=True)
    parser.add_argument("--dead-letter-topic", required=True)
    parser.add_argument("--error-class", help="replay only the letters of this error class")
    args = parser.parse_args(argv)
    report = asyncio.run(
        replay_dead_letters(args.bootstrap_servers, args.dead_letter_topic, error_class=args.error_class)
    )
    parser.exit(
        message=f"{report.replayed} replayed, {report.skipped_without_origin} without an origin header\n"
    )

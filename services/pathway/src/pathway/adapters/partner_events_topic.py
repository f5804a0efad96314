"""Partner events accepted over HTTP go onto `{region}.partner.events.v1`, acknowledged by every in-sync
replica before the partner is answered, or not at all within a bounded time."""

import asyncio
from collections.abc import Sequence

from aiokafka.errors import KafkaError

from event_contracts.envelope import CloudEvent
from event_contracts.kafka_binding import to_kafka_record
from service_kit.producer import EventProducer, Headers


class PartnerTopicUnavailableError(Exception):
    """The broker did not acknowledge every event in time; the partner must send them again."""


class PartnerEventsTopic:
    def __init__(self, producer: EventProducer, *, topic: str, ack_timeout_seconds: float) -> None:
        self._producer = producer
        self._topic = topic
        self._ack_timeout_seconds = ack_timeout_seconds
        self._started = False
        self._starting = asyncio.Lock()

    async def put(self, events: Sequence[CloudEvent]) -> None:
        """Returns once the broker holds every event; raise `PartnerTopicUnavailableError` otherwise."""
        records: list[tuple[str, bytes | None, bytes | None, Headers]] = []
        for event in events:
            record = to_kafka_record(event)
            records.append((self._topic, record.key, record.value, record.headers))
        try:
            async with asyncio.timeout(self._ack_timeout_seconds):
                await self._start_once()
                await self._producer.send_all(records)
        except (TimeoutError, KafkaError, OSError) as error:
            raise PartnerTopicUnavailableError(type(error).__name__) from error

    async def stop(self) -> None:
        async with self._starting:
            await self._producer.stop()
            self._started = False

    async def _start_once(self) -> None:
        # Started on first use rather than with the service, so that the API answers 503 while the broker
        # is away instead of the service failing to start.
        async with self._starting:
            if self._started:
                return
            try:
                await self._producer.start()
            except BaseException:
                await self._producer.stop()
                raise
            self._started = True

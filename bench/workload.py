"""Realistic events: `referral.sent` CloudEvents, each with its own id and referral, spread over persons."""

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from event_contracts.catalogue import ReferralSent
from event_contracts.envelope import CloudEvent
from event_contracts.examples import EXAMPLE_TRACEPARENT, OPERATOR_ID, PRESCRIBER_ID, WORKSHOP_ID
from event_contracts.kafka_binding import KafkaRecord, to_kafka_record

REGION = "grand-est"
SOURCE = "/services/referral"
PARTITIONS = 12
PERSONS = 5_000


@dataclass(frozen=True)
class EncodedEvent:
    event: CloudEvent
    record: KafkaRecord

    @property
    def id(self) -> str:
        return str(self.event.id)


class EventFactory:
    """Deterministic for a seed, so two runs send the same shapes of events."""

    def __init__(self, seed: int = 20_250_303, persons: int = PERSONS) -> None:
        self._random = random.Random(seed)
        self._persons = [uuid.UUID(int=self._random.getrandbits(128), version=4) for _ in range(persons)]
        self._day = date(2025, 3, 3)

    def event(self) -> CloudEvent:
        data = ReferralSent(
            referral_id=uuid.UUID(int=self._random.getrandbits(128), version=4),
            prescriber_organisation_id=PRESCRIBER_ID,
            operator_organisation_id=OPERATOR_ID,
            workshop_id=WORKSHOP_ID,
            reminder_due_on=self._day + timedelta(days=10),
            expires_on=self._day + timedelta(days=30),
        )
        return CloudEvent.build(
            data,
            source=SOURCE,
            subject=self._random.choice(self._persons),
            region=REGION,
            id=uuid.UUID(int=self._random.getrandbits(128), version=4),
            time=datetime.now(UTC),
            traceparent=EXAMPLE_TRACEPARENT,
        )

    def events(self, count: int) -> list[CloudEvent]:
        return [self.event() for _ in range(count)]

    def encoded(self, count: int) -> list[EncodedEvent]:
        return [EncodedEvent(event, to_kafka_record(event)) for event in self.events(count)]


def record_size(record: KafkaRecord) -> dict[str, int]:
    """Bytes the application hands to the client (Kafka adds its own batch and record framing)."""
    header_bytes = sum(len(name.encode()) + len(value) for name, value in record.headers)
    return {
        "key_bytes": len(record.key),
        "value_bytes": len(record.value),
        "header_bytes": header_bytes,
        "headers": len(record.headers),
        "total_bytes": len(record.key) + len(record.value) + header_bytes,
    }

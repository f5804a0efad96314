"""A person's timeline: entries in arrival order, each with a gapless per-person sequence number."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID


@dataclass(frozen=True)
class RecordedEvent:
    """What the timeline keeps of an event: who said what happened to whom, and when."""

    person_id: str
    event_type: str
    source: str
    event_id: UUID
    occurred_at: datetime
    dataschema: str
    data: Mapping[str, object]


@dataclass(frozen=True)
class TimelineEntry:
    event: RecordedEvent
    seq: int


def next_entry(event: RecordedEvent, last_seq: int) -> TimelineEntry:
    return TimelineEntry(event=event, seq=last_seq + 1)

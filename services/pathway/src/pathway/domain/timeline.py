"""A person's timeline: entries numbered by a gapless per-person `seq` in arrival order, read in
order of occurrence."""

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cached_property
from uuid import UUID

from pathway.domain.event_types import event_name


@dataclass(frozen=True)
class EventReference:
    """An event's idempotency key: the source that emitted it and the id it gave it."""

    source: str
    event_id: UUID


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

    @cached_property
    def name(self) -> str:
        return event_name(self.event_type)

    @cached_property
    def reference(self) -> EventReference:
        return EventReference(self.source, self.event_id)


@dataclass(frozen=True)
class TimelineEntry:
    event: RecordedEvent
    seq: int
    arrived_late: bool = False
    retracted: bool = False

    @property
    def occurrence_order(self) -> tuple[datetime, int]:
        return (self.event.occurred_at, self.seq)

    def as_retracted(self) -> "TimelineEntry":
        return replace(self, retracted=True)


def retracted_reference(retraction: RecordedEvent) -> EventReference:
    """The event an `event.retracted` names (its data was validated against the catalogue on arrival)."""
    named = retraction.data["retracted_event"]
    if not isinstance(named, Mapping):
        raise TypeError("retracted_event must be an object")
    return EventReference(source=str(named["source"]), event_id=UUID(str(named["id"])))

"""What the timeline keeps of a CloudEvent of the catalogue."""

from collections.abc import Iterable

from event_contracts.envelope import CloudEvent
from pathway.domain.timeline import EventReference, RecordedEvent


def recorded(event: CloudEvent) -> RecordedEvent:
    return RecordedEvent(
        person_id=event.subject,
        event_type=event.type,
        source=event.source,
        event_id=event.id,
        occurred_at=event.time,
        dataschema=event.dataschema,
        data=event.data.model_dump(mode="json"),
    )


def traceparents_of(events: Iterable[CloudEvent]) -> dict[EventReference, str]:
    """The trace context of each event that has one, for the events it will cause."""
    return {
        EventReference(event.source, event.id): event.traceparent for event in events if event.traceparent
    }

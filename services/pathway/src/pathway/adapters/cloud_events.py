"""What the timeline keeps of a CloudEvent of the catalogue."""

from event_contracts.envelope import CloudEvent
from pathway.domain.timeline import RecordedEvent


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

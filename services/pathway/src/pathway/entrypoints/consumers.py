"""The pathway service's subscriptions, in one readable list."""

from sqlalchemy.ext.asyncio import AsyncSession

from event_contracts.envelope import CloudEvent
from pathway.adapters.timeline_publisher import OutboxTimelinePublisher
from pathway.adapters.timeline_repository import SqlTimelines
from pathway.domain.timeline import RecordedEvent
from pathway.service.append_to_timeline import append_to_timeline
from service_kit.event_consumer import EventHandler


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


def when_event_received_append_to_timeline(region: str, timeline_topic: str) -> EventHandler:
    async def handle(event: CloudEvent, session: AsyncSession) -> None:
        await append_to_timeline(
            recorded(event),
            SqlTimelines(session),
            OutboxTimelinePublisher(session, region=region, topic=timeline_topic),
        )

    return handle

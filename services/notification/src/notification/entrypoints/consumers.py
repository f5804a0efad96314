"""The notification service's subscriptions, in one readable list: the timeline router reads the
canonical timeline, keeps its routing projection, and records what each event owes to whom."""

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from event_contracts.envelope import CloudEvent
from notification.adapters.routing_store import SqlRoutingStore
from notification.adapters.timeline_events import NotATimelineEventError, timeline_event_of
from notification.service.route_timeline_event import route_timeline_event
from service_kit.errors import PermanentError
from service_kit.event_consumer import EventHandler


def utc_now() -> datetime:
    return datetime.now(UTC)


def when_timeline_event_received_owe_its_deliveries(clock: Callable[[], datetime] = utc_now) -> EventHandler:
    async def handle(event: CloudEvent, session: AsyncSession) -> None:
        try:
            timeline_event = timeline_event_of(event)
        except NotATimelineEventError as refused:
            raise PermanentError("not_a_timeline_event", str(refused)) from refused
        await route_timeline_event(timeline_event, SqlRoutingStore(session), clock())

    return handle

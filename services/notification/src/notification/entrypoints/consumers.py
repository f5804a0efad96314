"""The notification service's subscriptions, in one readable list: the timeline router reads the
canonical timeline, keeps its routing projection, records what each event owes to whom, and keeps the
persons' session reminders in step, all in the event's transaction."""

from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from event_contracts.envelope import CloudEvent
from notification.adapters.routing_store import SqlRoutingStore
from notification.adapters.session_reminders import SqlReminderBook
from notification.adapters.timeline_events import NotATimelineEventError, timeline_event_of
from notification.service.keep_session_reminders import keep_session_reminders
from notification.service.route_timeline_event import route_timeline_event
from service_kit.errors import PermanentError
from service_kit.event_consumer import EventHandler

PARIS = ZoneInfo("Europe/Paris")


def utc_now() -> datetime:
    return datetime.now(UTC)


def when_timeline_event_received_owe_its_deliveries(
    clock: Callable[[], datetime] = utc_now, time_zone: ZoneInfo = PARIS
) -> EventHandler:
    """`time_zone` is the one whose wall clocks say when a reminder is due."""

    async def handle(event: CloudEvent, session: AsyncSession) -> None:
        try:
            timeline_event = timeline_event_of(event)
        except NotATimelineEventError as refused:
            raise PermanentError("not_a_timeline_event", str(refused)) from refused
        now = clock()
        await route_timeline_event(timeline_event, SqlRoutingStore(session), now)
        if timeline_event.reminder_change is not None:
            await keep_session_reminders(
                timeline_event.person_id,
                timeline_event.reminder_change,
                SqlReminderBook(session),
                time_zone=time_zone,
                now=now,
            )

    return handle

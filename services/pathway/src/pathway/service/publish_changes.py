"""What changed in a pathway goes out as integration events; retractions travel as their own entry."""

from collections.abc import Sequence

from pathway.domain.events import AlertRaised, AlertWithdrawn, EntryAppended, PathwayEvent, StageChanged
from pathway.service.ports import TimelinePublisher


async def publish(changes: Sequence[PathwayEvent], publisher: TimelinePublisher) -> None:
    for change in changes:
        if isinstance(change, EntryAppended):
            await publisher.entry_appended(change.entry)
        elif isinstance(change, StageChanged):
            await publisher.stage_changed(change)
        elif isinstance(change, AlertRaised):
            await publisher.alert_raised(change)
        elif isinstance(change, AlertWithdrawn):
            await publisher.alert_withdrawn(change)

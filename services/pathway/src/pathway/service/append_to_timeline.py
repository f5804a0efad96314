"""Use case: an event about a person becomes the next entry of that person's timeline."""

from pathway.domain.timeline import RecordedEvent, TimelineEntry, next_entry
from pathway.service.ports import TimelinePublisher, Timelines


async def append_to_timeline(
    event: RecordedEvent, timelines: Timelines, publisher: TimelinePublisher
) -> TimelineEntry:
    entry = next_entry(event, await timelines.last_seq_for_update(event.person_id))
    await timelines.append(entry)
    await publisher.entry_appended(entry)
    return entry

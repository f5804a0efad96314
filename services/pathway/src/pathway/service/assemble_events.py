"""Use case: the accepted events of one fetch take their places on their persons' timelines together.

Each event is judged and recorded exactly as `assemble_event` does it, in the order the events came; only
the reads and writes are shared, a pathway being read once and written once however many of the events
concern it. Raises `RefusedEventError` like `assemble_event`: the caller then goes one event at a time.

An event already on a timeline is skipped, as `assemble_event` skips it: the timeline keeps each event
once, so the caller needs no other record of what was applied.
"""

from collections.abc import Sequence

from pathway.domain.events import PathwayEvent
from pathway.domain.senders import Channel, Organisation, refuse_what_only_the_pathway_emits
from pathway.domain.timeline import EventReference, RecordedEvent
from pathway.service.assemble_event import check_sender
from pathway.service.ports import PathwayBatches, Senders, TimelinePublisher
from pathway.service.publish_changes import publish


async def assemble_events(
    events: Sequence[tuple[RecordedEvent, Channel]],
    pathways: PathwayBatches,
    organisations: Senders,
    publisher: TimelinePublisher,
) -> set[EventReference]:
    """The events skipped as recorded already."""
    for event, _ in events:
        refuse_what_only_the_pathway_emits(event.name)
    locked = await pathways.load_many_for_update([event for event, _ in events])
    senders = RememberedOrganisations(organisations)
    changed: dict[str, list[PathwayEvent]] = {}
    skipped: set[EventReference] = set()
    for event, channel in events:
        pathway = locked.pathways[event.person_id]
        if event.reference in locked.recorded or pathway.entry_for(event.reference) is not None:
            skipped.add(event.reference)
            continue
        await check_sender(event, channel, pathway.state, senders)
        changes = pathway.record(event)
        changed.setdefault(event.person_id, []).extend(changes)
        await publish(changes, publisher)
    await pathways.save_many([(locked.pathways[person], changes) for person, changes in changed.items()])
    return skipped


class RememberedOrganisations:
    """Reads each sender once per batch: a fetch often holds many events from the same partner."""

    def __init__(self, organisations: Senders) -> None:
        self._organisations = organisations
        self._known: dict[str, Organisation | None] = {}

    async def get(self, organisation_id: str) -> Organisation | None:
        if organisation_id not in self._known:
            self._known[organisation_id] = await self._organisations.get(organisation_id)
        return self._known[organisation_id]

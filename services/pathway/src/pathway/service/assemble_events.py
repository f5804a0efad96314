"""Use case: the accepted events of one fetch take their places on their persons' timelines together.

Each event is judged and recorded exactly as `assemble_event` does it, in the order the events came; only
the reads and writes are shared, a pathway being read once and written once however many of the events
concern it. Raises `RefusedEventError` like `assemble_event`: the caller then goes one event at a time.
"""

from collections.abc import Sequence

from pathway.domain.events import PathwayEvent
from pathway.domain.senders import Channel, Organisation, refuse_what_only_the_pathway_emits
from pathway.domain.timeline import RecordedEvent
from pathway.service.assemble_event import check_sender
from pathway.service.ports import PathwayBatches, Senders, TimelinePublisher
from pathway.service.publish_changes import publish


async def assemble_events(
    events: Sequence[tuple[RecordedEvent, Channel]],
    pathways: PathwayBatches,
    organisations: Senders,
    publisher: TimelinePublisher,
) -> None:
    for event, _ in events:
        refuse_what_only_the_pathway_emits(event.name)
    loaded = await pathways.load_many_for_update([event for event, _ in events])
    senders = RememberedOrganisations(organisations)
    changed: dict[str, list[PathwayEvent]] = {}
    for event, channel in events:
        pathway = loaded[event.person_id]
        if pathway.entry_for(event.reference) is not None:
            continue
        await check_sender(event, channel, pathway.state, senders)
        changes = pathway.record(event)
        changed.setdefault(event.person_id, []).extend(changes)
        await publish(changes, publisher)
    await pathways.save_many([(loaded[person_id], changes) for person_id, changes in changed.items()])


class RememberedOrganisations:
    """Reads each sender once per batch: a fetch often holds many events from the same partner."""

    def __init__(self, organisations: Senders) -> None:
        self._organisations = organisations
        self._known: dict[str, Organisation | None] = {}

    async def get(self, organisation_id: str) -> Organisation | None:
        if organisation_id not in self._known:
            self._known[organisation_id] = await self._organisations.get(organisation_id)
        return self._known[organisation_id]

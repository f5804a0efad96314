"""Use case: an accepted event about a person takes its place on their timeline and in their pathway."""

from pathway.domain.events import PathwayEvent
from pathway.domain.pathway_state import PathwayState
from pathway.domain.senders import (
    Channel,
    is_trusted,
    organisation_id_from_source,
    refuse_unless_organisation_may_emit,
    refuse_what_only_the_pathway_emits,
)
from pathway.domain.timeline import RecordedEvent
from pathway.service.ports import Organisations, Pathways, Senders, TimelinePublisher
from pathway.service.publish_changes import publish


async def assemble_event(
    event: RecordedEvent,
    pathways: Pathways,
    organisations: Organisations,
    publisher: TimelinePublisher,
    *,
    channel: Channel,
) -> list[PathwayEvent]:
    """Raise `RefusedEventError` when the sender may not say this about this person."""
    refuse_what_only_the_pathway_emits(event.name)
    pathway = await pathways.load_for_update(event.person_id)
    # On another person's timeline, it is the same event again: a source and an id name one event.
    if pathway.entry_for(event.reference) is not None or await pathways.is_recorded(event.reference):
        return []
    await check_sender(event, channel, pathway.state, organisations)
    changes = pathway.record(event)
    await pathways.save(pathway, changes)
    await publish(changes, publisher)
    return changes


async def check_sender(
    event: RecordedEvent, channel: Channel, state: PathwayState, organisations: Senders
) -> None:
    if is_trusted(event.source, channel):
        return
    organisation_id = organisation_id_from_source(event.source)
    organisation = await organisations.get(organisation_id)
    refuse_unless_organisation_may_emit(event.name, organisation_id, organisation, state)

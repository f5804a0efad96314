"""Use case: say, for each event a partner sends over HTTP, whether it is accepted, a duplicate or
rejected and why, reading the registry, the care teams and the timelines as they are now."""

from collections.abc import Sequence

from pathway.domain.event_types import EVENT_RETRACTED
from pathway.domain.ingestion import Outcome, Verdict, verdict_on
from pathway.domain.timeline import EventReference, RecordedEvent, TimelineEntry, retracted_reference
from pathway.service.ports import IngestionReads, Organisations

REPEATED_IN_REQUEST = "this (source, id) came earlier in the same request"


async def judge_partner_events(
    events: Sequence[RecordedEvent],
    caller_organisation_id: str,
    organisations: Organisations,
    reads: IngestionReads,
) -> list[Verdict]:
    """One verdict per event, in order; the checks the assembler will make again when it consumes them."""
    caller = await organisations.get(caller_organisation_id)
    care_teams = await reads.care_teams({event.person_id for event in events})
    named = {event.reference for event in events}
    named |= {retracted for event in events if (retracted := _retracted(event)) is not None}
    recorded = await reads.recorded_entries(named)
    verdicts: list[Verdict] = []
    # The assembler takes a person's events in the order sent: one accepted earlier in the request may
    # be retracted later in it, as if it were already on the timeline.
    accepted: dict[EventReference, TimelineEntry] = {}
    for event in events:
        if event.reference in accepted:
            verdicts.append(Verdict(Outcome.DUPLICATE, detail=REPEATED_IN_REQUEST))
            continue
        retracted = _retracted(event)
        verdict = verdict_on(
            event,
            caller_organisation_id=caller_organisation_id,
            caller=caller,
            care_team=care_teams.get(event.person_id, {}),
            on_a_timeline=event.reference in recorded,
            retraction_target=None if retracted is None else accepted.get(retracted, recorded.get(retracted)),
        )
        if verdict.outcome is Outcome.ACCEPTED:
            accepted[event.reference] = TimelineEntry(event, seq=0)
        verdicts.append(verdict)
    return verdicts


def _retracted(event: RecordedEvent) -> EventReference | None:
    return retracted_reference(event) if event.name == EVENT_RETRACTED else None

"""Use case: say, for each event a partner sends over HTTP, whether it is accepted, a duplicate or
rejected and why, reading the registry, the care teams and the timelines as they are now."""

from collections.abc import Sequence

from pathway.domain.ingestion import Outcome, Verdict, verdict_on
from pathway.domain.timeline import EventReference, RecordedEvent
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
    on_timelines = await reads.already_recorded({event.reference for event in events})
    verdicts: list[Verdict] = []
    accepted: set[EventReference] = set()
    for event in events:
        if event.reference in accepted:
            verdicts.append(Verdict(Outcome.DUPLICATE, detail=REPEATED_IN_REQUEST))
            continue
        verdict = verdict_on(
            event,
            caller_organisation_id=caller_organisation_id,
            caller=caller,
            care_team=care_teams.get(event.person_id, {}),
            on_a_timeline=event.reference in on_timelines,
        )
        if verdict.outcome is Outcome.ACCEPTED:
            accepted.add(event.reference)
        verdicts.append(verdict)
    return verdicts

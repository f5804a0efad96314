"""Whether a partner's event sent over HTTP goes on to the partner topic: the assembler's own sender
and retraction checks, made at the door so that the partner hears the answer instead of finding a
dead letter later."""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from pathway.domain.errors import RefusalReason, RefusedEventError
from pathway.domain.event_types import EVENT_RETRACTED
from pathway.domain.pathway_state import PathwayState
from pathway.domain.retractions import refuse_unless_retractable
from pathway.domain.senders import (
    Organisation,
    organisation_id_from_source,
    refuse_unless_organisation_may_emit,
    refuse_what_only_the_pathway_emits,
)
from pathway.domain.timeline import RecordedEvent, TimelineEntry, retracted_reference


class Outcome(StrEnum):
    ACCEPTED = "accepted"
    DUPLICATE = "duplicate"
    REJECTED = "rejected"


@dataclass(frozen=True)
class Verdict:
    outcome: Outcome
    reason: str | None = None
    detail: str | None = None

    @classmethod
    def rejected(cls, reason: str, detail: str | None = None) -> "Verdict":
        return cls(Outcome.REJECTED, reason, detail or None)


ACCEPTED = Verdict(Outcome.ACCEPTED)


def verdict_on(
    event: RecordedEvent,
    *,
    caller_organisation_id: str,
    caller: Organisation | None,
    care_team: Mapping[str, str],
    on_a_timeline: bool,
    retraction_target: TimelineEntry | None = None,
) -> Verdict:
    """`caller` is the registry entry of the organisation whose API key sent the event;
    `retraction_target` the entry an `event.retracted` names, if it is recorded (or accepted before it)."""
    try:
        refuse_what_only_the_pathway_emits(event.name)
        sender = organisation_id_from_source(event.source)
        if sender != caller_organisation_id:
            raise RefusedEventError(
                RefusalReason.SOURCE_OF_ANOTHER_ORGANISATION,
                "an API key sends only the events of its own organisation's source",
            )
        if on_a_timeline:
            return Verdict(Outcome.DUPLICATE, detail="this (source, id) is already on a timeline")
        refuse_unless_organisation_may_emit(event.name, sender, caller, PathwayState(care_team=care_team))
        if event.name == EVENT_RETRACTED:
            refuse_unless_retractable(event, retracted_reference(event), retraction_target)
    except RefusedEventError as refused:
        return Verdict.rejected(refused.reason, refused.detail)
    return ACCEPTED

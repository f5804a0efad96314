"""Which events a retraction may take back: one on the same person's timeline, from the retraction's
own source, not retracted before, and not itself a retraction."""

from pathway.domain.errors import RefusalReason, RefusedEventError
from pathway.domain.event_types import EVENT_RETRACTED
from pathway.domain.timeline import EventReference, RecordedEvent, TimelineEntry


def refuse_unless_retractable(
    retraction: RecordedEvent, retracted: EventReference, target: TimelineEntry | None
) -> TimelineEntry:
    """`target` is the entry of `retracted` on the person's timeline, if there is one; it is returned."""
    if retracted.source != retraction.source:
        raise RefusedEventError(
            RefusalReason.RETRACTED_EVENT_OF_ANOTHER_SOURCE, "only an event's own source may retract it"
        )
    if target is None or target.event.person_id != retraction.person_id:
        raise RefusedEventError(
            RefusalReason.RETRACTED_EVENT_UNKNOWN, "no such event on this person's timeline"
        )
    if target.retracted:
        raise RefusedEventError(RefusalReason.RETRACTED_EVENT_ALREADY_RETRACTED, "it was retracted before")
    if target.event.name == EVENT_RETRACTED:
        raise RefusedEventError(RefusalReason.RETRACTION_CANNOT_BE_RETRACTED, "a retraction is final")
    return target

"""Domain events → v1 integration events of the catalogue, in their CloudEvents envelope, in the trace context
of the request that caused them.

Each integration event takes from its domain event exactly the fields its model declares: the domain
events were written to carry at least those, and only ids, codes and dates.
"""

from collections.abc import Mapping
from typing import Final

from event_contracts.catalogue import referral as catalogue
from event_contracts.catalogue.base import EventData
from event_contracts.envelope import CloudEvent
from referral.domain import events
from service_kit.trace_context import current_traceparent

SOURCE: Final = "/services/referral"

INTEGRATION_EVENT_OF: Final[Mapping[type[events.DomainEvent], type[EventData]]] = {
    events.ReferralSent: catalogue.ReferralSent,
    events.ReferralMarkedUnderReview: catalogue.ReferralUnderReview,
    events.ReferralAccepted: catalogue.ReferralAccepted,
    events.ReferralRejected: catalogue.ReferralRejected,
    events.ReferralExpired: catalogue.ReferralExpired,
    events.ReferralWithdrawn: catalogue.ReferralWithdrawn,
    events.ReferralWaitlisted: catalogue.ReferralWaitlisted,
    events.ReferralScheduled: catalogue.ReferralScheduled,
    events.ReferralStarted: catalogue.ReferralStarted,
    events.ReferralPaused: catalogue.ReferralPaused,
    events.ReferralResumed: catalogue.ReferralResumed,
    events.ReferralCompleted: catalogue.ReferralCompleted,
    events.ReferralDroppedOut: catalogue.ReferralDroppedOut,
    events.ReferralCancelled: catalogue.ReferralCancelled,
    events.AttendanceRecorded: catalogue.WorkshopAttendanceRecorded,
    events.CareTeamMemberAdded: catalogue.CareTeamMemberAdded,
    events.CareTeamMemberRemoved: catalogue.CareTeamMemberRemoved,
}


def integration_event(event: events.DomainEvent, *, region: str) -> CloudEvent:
    model = INTEGRATION_EVENT_OF[type(event)]
    # Domain events hold only flat values (ids, codes, dates): read them as they are, without asdict's copies.
    data = model.model_validate({name: getattr(event, name) for name in model.model_fields})
    return CloudEvent.build(
        data,
        source=SOURCE,
        subject=event.person_id,
        region=region,
        time=event.occurred_at,
        traceparent=current_traceparent(),
    )

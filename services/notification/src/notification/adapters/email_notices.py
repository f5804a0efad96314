"""Reads the thin timeline CloudEvent an e-mail delivery keeps into the notice the e-mail tells: the original
event's type for a timeline entry, its time in the region's time zone, and the one code and day it says
(for a cancellation, the side that cancelled: the e-mail speaks to the other side).

An entry whose visibility keeps only category and status (a sensitive barrier) was cut before it was kept
(`webhook_payloads`): its data is not read, and the e-mail says no more than that there is news, in the
general words, without the barrier's category."""

from datetime import date
from zoneinfo import ZoneInfo

from event_contracts.catalogue import parse_data
from event_contracts.catalogue.base import EventData
from event_contracts.catalogue.codes import EntryVisibility
from event_contracts.catalogue.referral import (
    ReferralCancelled,
    ReferralCompleted,
    ReferralDroppedOut,
    ReferralPaused,
    ReferralRejected,
    ReferralScheduled,
    ReferralSent,
    ReferralWaitlisted,
)
from event_contracts.catalogue.timeline import (
    PathwayAlertRaised,
    PathwayAlertWithdrawn,
    PathwayStageChanged,
    TimelineEntryAppended,
)
from event_contracts.json_format import from_json
from notification.adapters.timeline_events import NotATimelineEventError
from notification.domain.organisation_messages import Notice


def notice_of(body: bytes, time_zone: ZoneInfo) -> Notice:
    event = from_json(body)
    match event.data:
        case TimelineEntryAppended(original_event=original, visibility=visibility) if (
            visibility is EntryVisibility.CATEGORY_AND_STATUS_ONLY
        ):
            return Notice(original.type, event.person_id, original.time.astimezone(time_zone))
        case TimelineEntryAppended(original_event=original):
            data = parse_data(original.type, original.data)
            return Notice(
                event_type=original.type,
                person_id=event.person_id,
                occurred_at=original.time.astimezone(time_zone),
                referral_id=getattr(data, "referral_id", None),
                code=_code_of(data),
                day=_day_of(data),
            )
        case PathwayStageChanged(stage=stage):
            occurred_at = event.time.astimezone(time_zone)
            return Notice(event.type, event.person_id, occurred_at, code=stage.value)
        case (
            PathwayAlertRaised(kind=kind, referral_id=referral_id)
            | PathwayAlertWithdrawn(kind=kind, referral_id=referral_id)
        ):
            occurred_at = event.time.astimezone(time_zone)
            return Notice(event.type, event.person_id, occurred_at, referral_id, code=kind.value)
    raise NotATimelineEventError(f"{event.type} is not a timeline event")


def _code_of(data: EventData) -> str | None:
    match data:
        case ReferralRejected() | ReferralDroppedOut():
            return data.reason_code.value
        case ReferralWaitlisted():
            return data.reason_code.value
        case ReferralPaused():
            return data.barrier_category.value
        case ReferralCompleted():
            return data.outcome.value
        case ReferralCancelled():
            return data.cancelled_by.value
    return None


def _day_of(data: EventData) -> date | None:
    match data:
        case ReferralScheduled():
            return data.session_starts_on
        case ReferralSent():
            return data.expires_on
    return None

"""Reads a timeline CloudEvent into what routing needs (the domain imports no contracts): the happening,
the change it brings to the routing projection, and the thin webhook message."""

from uuid import UUID

from event_contracts.catalogue import parse_data
from event_contracts.catalogue.base import EventData
from event_contracts.catalogue.partner import EventRetracted
from event_contracts.catalogue.referral import (
    CareTeamMemberAdded,
    CareTeamMemberRemoved,
    ReferralCancelled,
    ReferralDroppedOut,
    ReferralScheduled,
    ReferralSent,
    ReferralWaitlisted,
    ReferralWithdrawn,
)
from event_contracts.catalogue.timeline import (
    PathwayAlertRaised,
    PathwayAlertWithdrawn,
    PathwayStageChanged,
    TimelineEntryAppended,
)
from event_contracts.envelope import CloudEvent
from notification.adapters.webhook_payloads import webhook_message_of
from notification.domain.routing import CareTeamMember, Happening, ReferralParties
from notification.domain.session_reminders import (
    ReminderChange,
    ReminderOwed,
    ReminderRetracted,
    RemindersOfReferralCancelled,
)
from notification.domain.timeline_events import MemberJoined, MemberLeft, ProjectionChange, TimelineEvent

ORGANISATION_SOURCE_PREFIX = "/organisations/"


class NotATimelineEventError(ValueError):
    """Only the pathway service's timeline events travel on the timeline topic."""


def timeline_event_of(event: CloudEvent) -> TimelineEvent:
    reminder_change: ReminderChange | None = None
    match event.data:
        case TimelineEntryAppended() as entry:
            original = entry.original_event
            data = parse_data(original.type, original.data)
            happening = Happening(
                event_type=original.type,
                referral_id=_referral_id_of(data),
                audience=frozenset(entry.audience),
                acted_by=_actor_of(original.source, data),
            )
            change = _projection_change_of(data)
            reminder_change = _reminder_change_of(original.source, original.id, data)
        case PathwayStageChanged():
            happening, change = Happening(event_type=event.type), None
        case PathwayAlertRaised() | PathwayAlertWithdrawn() as alert:
            happening, change = Happening(event_type=event.type, referral_id=alert.referral_id), None
        case _:
            raise NotATimelineEventError(f"{event.type} is not a timeline event")
    return TimelineEvent(
        source=event.source,
        id=event.id,
        person_id=event.person_id,
        happening=happening,
        projection_change=change,
        message=webhook_message_of(event),
        reminder_change=reminder_change,
    )


def _referral_id_of(data: EventData) -> UUID | None:
    referral_id = getattr(data, "referral_id", None)
    return referral_id if isinstance(referral_id, UUID) else None


def _actor_of(source: str, data: EventData) -> UUID | None:
    """The referral service is the source of its events; a cancellation names who cancelled, and only the
    prescriber withdraws."""
    if isinstance(data, ReferralCancelled):
        return data.cancelling_organisation_id
    if isinstance(data, ReferralWithdrawn):
        return data.prescriber_organisation_id
    if not source.startswith(ORGANISATION_SOURCE_PREFIX):
        return None
    try:
        return UUID(source.removeprefix(ORGANISATION_SOURCE_PREFIX))
    except ValueError:
        return None


def _projection_change_of(data: EventData) -> ProjectionChange | None:
    match data:
        case CareTeamMemberAdded():
            member = CareTeamMember(
                data.organisation_id, data.organisation_kind.value, data.reason_code.value
            )
            return MemberJoined(member)
        case CareTeamMemberRemoved():
            return MemberLeft(data.organisation_id)
        case ReferralSent():
            return ReferralParties(
                data.referral_id, data.prescriber_organisation_id, data.operator_organisation_id
            )
    return None


def _reminder_change_of(source: str, event_id: UUID, data: EventData) -> ReminderChange | None:
    match data:
        case ReferralScheduled():
            return ReminderOwed(data.referral_id, data.session_id, data.session_starts_on, (source, event_id))
        case ReferralWaitlisted() | ReferralCancelled() | ReferralWithdrawn() | ReferralDroppedOut():
            return RemindersOfReferralCancelled(data.referral_id)
        case EventRetracted():
            return ReminderRetracted((data.retracted_event.source, data.retracted_event.id))
    return None

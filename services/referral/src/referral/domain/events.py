"""Domain events: what happened to a referral or a care team, told with ids, codes and dates only.

They never carry a person's identity nor free text, so that mapping them to integration events cannot
leak either. Each carries at least what its v1 integration event needs; the person id becomes the
event's subject.
"""

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from referral.domain.actor import Party
from referral.domain.codes import (
    AttendanceStatus,
    BarrierCategory,
    CareTeamJoinReason,
    CareTeamLeaveReason,
    DropOutReason,
    OrganisationKind,
    OutcomeFamily,
    RejectionReason,
    WaitlistReason,
)


@dataclass(frozen=True, kw_only=True)
class DomainEvent:
    person_id: UUID
    occurred_at: datetime


@dataclass(frozen=True, kw_only=True)
class ReferralEvent(DomainEvent):
    referral_id: UUID


@dataclass(frozen=True, kw_only=True)
class ReferralSent(ReferralEvent):
    prescriber_organisation_id: UUID
    operator_organisation_id: UUID
    workshop_id: UUID | None
    reminder_due_on: date
    expires_on: date


@dataclass(frozen=True, kw_only=True)
class ReferralMarkedUnderReview(ReferralEvent):
    operator_organisation_id: UUID


@dataclass(frozen=True, kw_only=True)
class ReferralAccepted(ReferralEvent):
    operator_organisation_id: UUID
    workshop_id: UUID


@dataclass(frozen=True, kw_only=True)
class ReferralRejected(ReferralEvent):
    operator_organisation_id: UUID
    reason_code: RejectionReason


@dataclass(frozen=True, kw_only=True)
class ReferralExpired(ReferralEvent):
    unanswered_days: int


@dataclass(frozen=True, kw_only=True)
class ReferralWithdrawn(ReferralEvent):
    prescriber_organisation_id: UUID


@dataclass(frozen=True, kw_only=True)
class ReferralWaitlisted(ReferralEvent):
    workshop_id: UUID
    reason_code: WaitlistReason
    left_session_id: UUID | None


@dataclass(frozen=True, kw_only=True)
class ReferralScheduled(ReferralEvent):
    workshop_id: UUID
    session_id: UUID
    session_starts_on: date


@dataclass(frozen=True, kw_only=True)
class ReferralStarted(ReferralEvent):
    workshop_id: UUID
    session_id: UUID


@dataclass(frozen=True, kw_only=True)
class ReferralPaused(ReferralEvent):
    barrier_category: BarrierCategory
    barrier_id: UUID | None


@dataclass(frozen=True, kw_only=True)
class ReferralResumed(ReferralEvent):
    session_id: UUID


@dataclass(frozen=True, kw_only=True)
class ReferralCompleted(ReferralEvent):
    workshop_id: UUID
    session_id: UUID
    outcome: OutcomeFamily


@dataclass(frozen=True, kw_only=True)
class ReferralDroppedOut(ReferralEvent):
    reason_code: DropOutReason
    session_id: UUID


@dataclass(frozen=True, kw_only=True)
class ReferralCancelled(ReferralEvent):
    cancelled_by: Party
    cancelling_organisation_id: UUID
    session_id: UUID | None


@dataclass(frozen=True, kw_only=True)
class CareTeamMemberAdded(DomainEvent):
    organisation_id: UUID
    organisation_kind: OrganisationKind
    reason_code: CareTeamJoinReason
    member_since: date
    referral_id: UUID | None


@dataclass(frozen=True, kw_only=True)
class CareTeamMemberRemoved(DomainEvent):
    organisation_id: UUID
    reason_code: CareTeamLeaveReason
    member_until: date


@dataclass(frozen=True, kw_only=True)
class AttendanceRecorded(ReferralEvent):
    workshop_id: UUID
    session_id: UUID
    sitting_on: date
    attendance: AttendanceStatus

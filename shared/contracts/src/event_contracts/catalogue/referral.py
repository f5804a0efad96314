"""Referral events: the referral lifecycle, workshop attendance and the care team.

All are emitted by the referral service (source ``/services/referral``) on ``{region}.referral.events.v1``.
"""

from datetime import date
from typing import ClassVar
from uuid import UUID

from pydantic import Field, PositiveInt

from event_contracts.catalogue.base import EventData
from event_contracts.catalogue.codes import (
    AttendanceStatus,
    BarrierCategory,
    CareTeamJoinReason,
    CareTeamLeaveReason,
    DropOutReason,
    OrganisationKind,
    OutcomeFamily,
    ReferralParty,
    RejectionReason,
    WaitlistReason,
)

_REFERRAL_ID = "Referral this event is about."
_OPERATOR_ID = "Workshop operator organisation that received the referral."
_PRESCRIBER_ID = "Prescriber organisation that sent the referral."
_WORKSHOP_ID = "Workshop the referral is for."
_SESSION_ID = "Workshop session (cohort with its dates and capacity)."


class ReferralSent(EventData):
    """Emitted by the referral service when a prescriber sends a referral to a workshop operator."""

    event_name: ClassVar[str] = "referral.sent"

    referral_id: UUID = Field(description=_REFERRAL_ID)
    prescriber_organisation_id: UUID = Field(description=_PRESCRIBER_ID)
    operator_organisation_id: UUID = Field(description=_OPERATOR_ID)
    workshop_id: UUID | None = Field(
        default=None, description="Workshop asked for, when the prescriber chose one."
    )
    reminder_due_on: date = Field(description="Day the operator is reminded if it has not answered.")
    expires_on: date = Field(description="Day the referral expires if it is still unanswered.")


class ReferralUnderReview(EventData):
    """Emitted by the referral service when the operator starts reviewing a referral."""

    event_name: ClassVar[str] = "referral.under_review"

    referral_id: UUID = Field(description=_REFERRAL_ID)
    operator_organisation_id: UUID = Field(description=_OPERATOR_ID)


class ReferralAccepted(EventData):
    """Emitted by the referral service when the operator accepts a referral."""

    event_name: ClassVar[str] = "referral.accepted"

    referral_id: UUID = Field(description=_REFERRAL_ID)
    operator_organisation_id: UUID = Field(description=_OPERATOR_ID)
    workshop_id: UUID = Field(description=_WORKSHOP_ID)


class ReferralRejected(EventData):
    """Emitted by the referral service when the operator refuses a referral, with a coded reason."""

    event_name: ClassVar[str] = "referral.rejected"

    referral_id: UUID = Field(description=_REFERRAL_ID)
    operator_organisation_id: UUID = Field(description=_OPERATOR_ID)
    reason_code: RejectionReason = Field(description="Why the referral was refused.")


class ReferralExpired(EventData):
    """Emitted by the referral service when a referral reaches its expiry day without an answer."""

    event_name: ClassVar[str] = "referral.expired"

    referral_id: UUID = Field(description=_REFERRAL_ID)
    unanswered_days: PositiveInt = Field(description="Days the referral waited for an answer (region rule).")


class ReferralWithdrawn(EventData):
    """Emitted by the referral service when the prescriber withdraws a referral not yet accepted."""

    event_name: ClassVar[str] = "referral.withdrawn"

    referral_id: UUID = Field(description=_REFERRAL_ID)
    prescriber_organisation_id: UUID = Field(description=_PRESCRIBER_ID)


class ReferralWaitlisted(EventData):
    """Emitted by the referral service when an accepted referral waits for a session."""

    event_name: ClassVar[str] = "referral.waitlisted"

    referral_id: UUID = Field(description=_REFERRAL_ID)
    workshop_id: UUID = Field(description=_WORKSHOP_ID)
    reason_code: WaitlistReason = Field(description="Why no session could be given yet.")


class ReferralScheduled(EventData):
    """Emitted by the referral service when the operator places the person on a workshop session."""

    event_name: ClassVar[str] = "referral.scheduled"

    referral_id: UUID = Field(description=_REFERRAL_ID)
    workshop_id: UUID = Field(description=_WORKSHOP_ID)
    session_id: UUID = Field(description=_SESSION_ID)
    session_starts_on: date = Field(description="First day of the session.")


class ReferralStarted(EventData):
    """Emitted by the referral service when the person first attends the workshop session."""

    event_name: ClassVar[str] = "referral.started"

    referral_id: UUID = Field(description=_REFERRAL_ID)
    workshop_id: UUID = Field(description=_WORKSHOP_ID)
    session_id: UUID = Field(description=_SESSION_ID)


class ReferralPaused(EventData):
    """Emitted by the referral service when the operator suspends a started workshop because of a barrier."""

    event_name: ClassVar[str] = "referral.paused"

    referral_id: UUID = Field(description=_REFERRAL_ID)
    barrier_category: BarrierCategory = Field(description="Category of the barrier that caused the pause.")
    barrier_id: UUID | None = Field(
        default=None, description="The barrier on the timeline that caused the pause, when it is recorded."
    )


class ReferralResumed(EventData):
    """Emitted by the referral service when the operator resumes a paused workshop."""

    event_name: ClassVar[str] = "referral.resumed"

    referral_id: UUID = Field(description=_REFERRAL_ID)
    session_id: UUID = Field(description="Session the person attends again.")


class ReferralCompleted(EventData):
    """Emitted by the referral service when the person leaves the workshop at its end, with an outcome."""

    event_name: ClassVar[str] = "referral.completed"

    referral_id: UUID = Field(description=_REFERRAL_ID)
    workshop_id: UUID = Field(description=_WORKSHOP_ID)
    session_id: UUID = Field(description=_SESSION_ID)
    outcome: OutcomeFamily = Field(description="Exit classification at the end of the workshop.")


class ReferralDroppedOut(EventData):
    """Emitted by the referral service when the operator records that the person left the workshop early."""

    event_name: ClassVar[str] = "referral.dropped_out"

    referral_id: UUID = Field(description=_REFERRAL_ID)
    reason_code: DropOutReason = Field(description="Why the person left.")


class ReferralCancelled(EventData):
    """Emitted by the referral service when the prescriber or the operator cancels an accepted referral."""

    event_name: ClassVar[str] = "referral.cancelled"

    referral_id: UUID = Field(description=_REFERRAL_ID)
    cancelled_by: ReferralParty = Field(description="Which side of the referral cancelled it.")
    cancelling_organisation_id: UUID = Field(description="Organisation that cancelled the referral.")


class WorkshopAttendanceRecorded(EventData):
    """Emitted by the referral service when the operator records a person's attendance at a sitting."""

    event_name: ClassVar[str] = "workshop.attendance_recorded"

    referral_id: UUID = Field(description=_REFERRAL_ID)
    workshop_id: UUID = Field(description=_WORKSHOP_ID)
    session_id: UUID = Field(description=_SESSION_ID)
    sitting_on: date = Field(description="Day of the workshop sitting.")
    attendance: AttendanceStatus = Field(description="Whether the person attended.")


class CareTeamMemberAdded(EventData):
    """Emitted by the referral service when an organisation joins the person's care team."""

    event_name: ClassVar[str] = "care_team.member_added"

    organisation_id: UUID = Field(description="Organisation that joins the care team.")
    organisation_kind: OrganisationKind = Field(description="Kind of the organisation that joins.")
    reason_code: CareTeamJoinReason = Field(description="Why the organisation joins.")
    member_since: date = Field(description="First day of the membership.")
    referral_id: UUID | None = Field(
        default=None, description="Referral that brought the organisation in, if any."
    )


class CareTeamMemberRemoved(EventData):
    """Emitted by the referral service when an organisation leaves the person's care team."""

    event_name: ClassVar[str] = "care_team.member_removed"

    organisation_id: UUID = Field(description="Organisation that leaves the care team.")
    reason_code: CareTeamLeaveReason = Field(description="Why the organisation leaves.")
    member_until: date = Field(description="Last day of the membership.")


REFERRAL_EVENT_MODELS: tuple[type[EventData], ...] = (
    ReferralSent,
    ReferralUnderReview,
    ReferralAccepted,
    ReferralRejected,
    ReferralExpired,
    ReferralWithdrawn,
    ReferralWaitlisted,
    ReferralScheduled,
    ReferralStarted,
    ReferralPaused,
    ReferralResumed,
    ReferralCompleted,
    ReferralDroppedOut,
    ReferralCancelled,
    WorkshopAttendanceRecorded,
    CareTeamMemberAdded,
    CareTeamMemberRemoved,
)

"""One line of a referral's history: who moved it from which status to which, when, and with which codes."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from referral.domain.actor import Actor
from referral.domain.codes import (
    BarrierCategory,
    DropOutReason,
    OutcomeFamily,
    RejectionReason,
    WaitlistReason,
)
from referral.domain.lifecycle import ReferralAction, ReferralStatus


@dataclass(frozen=True, kw_only=True)
class StatusChange:
    action: ReferralAction
    from_status: ReferralStatus | None
    to_status: ReferralStatus
    at: datetime
    by: Actor
    workshop_id: UUID | None = None
    session_id: UUID | None = None
    reason: RejectionReason | WaitlistReason | DropOutReason | None = None
    outcome: OutcomeFamily | None = None
    barrier_category: BarrierCategory | None = None
    barrier_id: UUID | None = None
    message_for_prescriber: str | None = None
    """Free text for the prescriber alone: it stays in the referral service and never enters an event."""

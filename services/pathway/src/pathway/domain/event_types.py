"""The catalogue types the pathway reacts to, spelled as on the wire (the domain imports no contracts)."""

from typing import Final

EVENT_TYPE_PREFIX: Final = "fr.premiere-marche."


def event_name(event_type: str) -> str:
    """`fr.premiere-marche.barrier.lifted` → `barrier.lifted`."""
    return event_type.removeprefix(EVENT_TYPE_PREFIX)


REFERRAL_SENT: Final = "referral.sent"
REFERRAL_UNDER_REVIEW: Final = "referral.under_review"
REFERRAL_ACCEPTED: Final = "referral.accepted"
REFERRAL_SCHEDULED: Final = "referral.scheduled"
REFERRAL_STARTED: Final = "referral.started"
REFERRAL_RESUMED: Final = "referral.resumed"
REFERRAL_PAUSED: Final = "referral.paused"
REFERRAL_COMPLETED: Final = "referral.completed"
REFERRAL_ENDINGS: Final = frozenset(
    {
        "referral.rejected",
        "referral.expired",
        "referral.withdrawn",
        "referral.cancelled",
        "referral.dropped_out",
    }
)
REFERRAL_ANSWERS: Final = frozenset(
    {
        REFERRAL_UNDER_REVIEW,
        REFERRAL_ACCEPTED,
        "referral.rejected",
        "referral.expired",
        "referral.withdrawn",
        "referral.cancelled",
    }
)
WORKSHOP_ATTENDANCE_RECORDED: Final = "workshop.attendance_recorded"
CARE_TEAM_MEMBER_ADDED: Final = "care_team.member_added"
CARE_TEAM_MEMBER_REMOVED: Final = "care_team.member_removed"

BARRIER_IDENTIFIED: Final = "barrier.identified"
BARRIER_ACTION_STARTED: Final = "barrier.action_started"
BARRIER_LIFTED: Final = "barrier.lifted"
BARRIER_PERSISTING: Final = "barrier.persisting"
TRAINING_ENTERED: Final = "training.entered"
TRAINING_ABANDONED: Final = "training.abandoned"
EMPLOYMENT_STARTED: Final = "employment.started"
EMPLOYMENT_ENDED: Final = "employment.ended"
EVENT_RETRACTED: Final = "event.retracted"

EMITTED_BY_PATHWAY_DOMAINS: Final = frozenset({"timeline", "pathway"})

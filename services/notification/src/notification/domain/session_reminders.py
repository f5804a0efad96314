"""A person's session reminder: owed the day before their session, by the channel they prefer, or through
their referent's organisation when they prefer that or when the platform cannot reach them itself.

What changes a reminder is learnt from the timeline alone: a placement on a session owes one, and a later
placement, waiting list, cancellation, withdrawal, drop-out or the retraction of the placement takes it
back."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Final
from uuid import UUID, uuid5
from zoneinfo import ZoneInfo

from notification.domain.delivery_decision import Delivered, DeliveryDecision, GiveUp, RetryLater

_REMINDER_KEYS: Final = UUID("6a8f2c1e-5d0b-4f7e-9c3a-2b1d4e6f8a90")

REMINDER_LOCAL_TIME: Final = time(10, 0)
"""The day before, mid-morning: late enough to be read, early enough for a referent to pass it on."""

CONTACT_PURPOSE: Final = "session_reminder"
"""What the referral service records with each read of the person's contact details."""


@dataclass(frozen=True)
class ReminderOwed:
    """The person was placed on a session by the event `scheduled_by` (source, id)."""

    referral_id: UUID
    session_id: UUID
    session_starts_on: date
    scheduled_by: tuple[str, UUID]


@dataclass(frozen=True)
class RemindersOfReferralCancelled:
    referral_id: UUID


@dataclass(frozen=True)
class ReminderRetracted:
    """The event that placed the person on a session was entered in error."""

    scheduled_by: tuple[str, UUID]


ReminderChange = ReminderOwed | RemindersOfReferralCancelled | ReminderRetracted


class ReminderStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    CANCELLED = "cancelled"
    GIVEN_UP = "given_up"


class ReminderRoute(StrEnum):
    SMS = "sms"
    EMAIL = "email"
    VIA_REFERENT = "via_referent"


def reminder_key(referral_id: UUID, session_id: UUID, session_starts_on: date) -> UUID:
    """The same for the same placement however often it is heard: a reminder is owed once."""
    return uuid5(_REMINDER_KEYS, f"{referral_id}\n{session_id}\n{session_starts_on.isoformat()}")


def attempt_key(reminder_id: UUID, route: ReminderRoute, target_id: UUID) -> UUID:
    """The idempotency key of sending one reminder on one channel to one target."""
    return uuid5(_REMINDER_KEYS, f"{reminder_id}\n{route}\n{target_id}")


def reminder_due_at(session_starts_on: date, time_zone: ZoneInfo) -> datetime:
    """The day before the session, at `REMINDER_LOCAL_TIME` on the wall clocks of `time_zone`."""
    return datetime.combine(session_starts_on - timedelta(days=1), REMINDER_LOCAL_TIME, tzinfo=time_zone)


def route_for(contact_preference: str) -> ReminderRoute:
    """`phone` and `postal_letter` are preferences the platform cannot honour itself: the referent can."""
    match contact_preference:
        case "sms":
            return ReminderRoute.SMS
        case "email":
            return ReminderRoute.EMAIL
    return ReminderRoute.VIA_REFERENT


def too_late_to_remind(session_starts_on: date, now: datetime, time_zone: ZoneInfo) -> bool:
    """A reminder heard late (or retried for long) must not arrive on the day or after."""
    return now.astimezone(time_zone).date() >= session_starts_on


@dataclass(frozen=True)
class SessionReminder:
    id: UUID
    person_id: UUID
    referral_id: UUID
    session_starts_on: date
    attempts: int


@dataclass(frozen=True)
class ReminderProgress:
    status: ReminderStatus
    next_attempt_at: datetime | None
    outcome: str


def progress_after(decisions: Sequence[DeliveryDecision], now: datetime) -> ReminderProgress:
    """After one turn on every target: any to retry brings the reminder back at the soonest retry (the
    targets already reached are skipped then); otherwise it is sent if one target was reached."""
    retries = [decision for decision in decisions if isinstance(decision, RetryLater)]
    if retries:
        soonest = min(retries, key=lambda retry: retry.wait)
        return ReminderProgress(ReminderStatus.PENDING, now + soonest.wait, soonest.reason)
    if any(isinstance(decision, Delivered) for decision in decisions):
        return ReminderProgress(ReminderStatus.SENT, None, "sent")
    reasons = [decision.reason for decision in decisions if isinstance(decision, GiveUp)]
    return ReminderProgress(ReminderStatus.GIVEN_UP, None, "; ".join(reasons) or "nobody to remind")


def given_up(reason: str) -> ReminderProgress:
    return ReminderProgress(ReminderStatus.GIVEN_UP, None, reason)


def result_of(decision: DeliveryDecision) -> str:
    """The attempt record's result for a reminder's attempt."""
    match decision:
        case Delivered():
            return "delivered"
        case RetryLater():
            return "retry"
    return "given_up"

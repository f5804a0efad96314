"""Use case: keep the person's session reminders in step with a timeline event, in the event's own
transaction: a placement owes one (and replaces any other still owed for the referral), what ends or
suspends the placement takes it back."""

from datetime import datetime
from uuid import UUID
from zoneinfo import ZoneInfo

from notification.domain.session_reminders import (
    ReminderChange,
    ReminderOwed,
    ReminderRetracted,
    RemindersOfReferralCancelled,
    reminder_due_at,
    reminder_key,
)
from notification.service.ports import ReminderBook


async def keep_session_reminders(
    person_id: UUID, change: ReminderChange, book: ReminderBook, *, time_zone: ZoneInfo, now: datetime
) -> None:
    match change:
        case ReminderOwed():
            key = reminder_key(change.referral_id, change.session_id, change.session_starts_on)
            await book.cancel_of_referral(change.referral_id, now, keep=key)
            due_at = reminder_due_at(change.session_starts_on, time_zone)
            await book.owe(key, person_id, change, due_at)
        case RemindersOfReferralCancelled():
            await book.cancel_of_referral(change.referral_id, now)
        case ReminderRetracted():
            await book.cancel_scheduled_by(change.scheduled_by, now)

"""How long an operator has to answer a referral before the platform reminds it, then expires the referral."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from referral.domain.errors import InvalidAnswerClock
from referral.domain.lifecycle import AWAITING_ANSWER, ReferralStatus


@dataclass(frozen=True)
class AnswerClock:
    """A region's rule; DOMAIN.md's default is a reminder at day 10 and expiry at day 30."""

    reminder_after_days: int = 10
    expires_after_days: int = 30

    def __post_init__(self) -> None:
        if not 0 < self.reminder_after_days < self.expires_after_days:
            raise InvalidAnswerClock(self.reminder_after_days, self.expires_after_days)

    def reminder_due_at(self, sent_at: datetime) -> datetime:
        return sent_at + timedelta(days=self.reminder_after_days)

    def expires_at(self, sent_at: datetime) -> datetime:
        return sent_at + timedelta(days=self.expires_after_days)

    # The calendar day is taken in the time zone of ``sent_at``: pass it in the region's zone.
    def reminder_due_on(self, sent_at: datetime) -> date:
        return self.reminder_due_at(sent_at).date()

    def expires_on(self, sent_at: datetime) -> date:
        return self.expires_at(sent_at).date()

    def expiry_due(self, status: ReferralStatus, sent_at: datetime, now: datetime) -> bool:
        return status in AWAITING_ANSWER and now >= self.expires_at(sent_at)

    def reminder_due(self, status: ReferralStatus, sent_at: datetime, now: datetime) -> bool:
        """Whether the operator should now be reminded; from the expiry on, expiring replaces reminding."""
        return status in AWAITING_ANSWER and self.reminder_due_at(sent_at) <= now < self.expires_at(sent_at)

from datetime import UTC, datetime, timedelta

import pytest

from referral.domain.answer_clock import AnswerClock
from referral.domain.errors import InvalidAnswerClock
from referral.domain.lifecycle import ReferralStatus

SENT_AT = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)
DEFAULT = AnswerClock()
AWAITING = [ReferralStatus.SENT, ReferralStatus.UNDER_REVIEW]
ANSWERED_OR_CLOSED = [status for status in ReferralStatus if status not in AWAITING]


def day(days: float) -> datetime:
    return SENT_AT + timedelta(days=days)


@pytest.mark.parametrize("status", AWAITING)
def test_the_operator_is_reminded_from_day_10_until_the_referral_expires_at_day_30(
    status: ReferralStatus,
) -> None:
    assert not DEFAULT.reminder_due(status, SENT_AT, day(9.99))
    assert DEFAULT.reminder_due(status, SENT_AT, day(10))
    assert DEFAULT.reminder_due(status, SENT_AT, day(29.99))
    assert not DEFAULT.reminder_due(status, SENT_AT, day(30))

    assert not DEFAULT.expiry_due(status, SENT_AT, day(29.99))
    assert DEFAULT.expiry_due(status, SENT_AT, day(30))
    assert DEFAULT.expiry_due(status, SENT_AT, day(400))


@pytest.mark.parametrize("status", ANSWERED_OR_CLOSED)
def test_an_answered_or_closed_referral_is_neither_reminded_nor_expired(status: ReferralStatus) -> None:
    assert not DEFAULT.reminder_due(status, SENT_AT, day(15))
    assert not DEFAULT.expiry_due(status, SENT_AT, day(45))


def test_the_days_sent_with_the_referral_are_those_of_its_reminder_and_expiry() -> None:
    assert DEFAULT.reminder_due_on(SENT_AT) == day(10).date()
    assert DEFAULT.expires_on(SENT_AT) == day(30).date()


def test_a_region_sets_its_own_delays() -> None:
    region = AnswerClock(reminder_after_days=7, expires_after_days=21)

    assert region.reminder_due(ReferralStatus.SENT, SENT_AT, day(7))
    assert region.expiry_due(ReferralStatus.SENT, SENT_AT, day(21))


@pytest.mark.parametrize(("reminder", "expiry"), [(0, 30), (30, 30), (31, 30), (-1, 5)])
def test_a_reminder_comes_after_sending_and_before_the_expiry(reminder: int, expiry: int) -> None:
    with pytest.raises(InvalidAnswerClock):
        AnswerClock(reminder_after_days=reminder, expires_after_days=expiry)

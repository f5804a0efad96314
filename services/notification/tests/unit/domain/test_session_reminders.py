from datetime import UTC, date, datetime, timedelta
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest

from notification.domain.delivery_decision import Delivered, GiveUp, RetryLater
from notification.domain.plain_language import plain_language_issues
from notification.domain.reminder_to_pass_on import reminder_to_pass_on
from notification.domain.session_reminders import (
    ReminderRoute,
    ReminderStatus,
    attempt_key,
    progress_after,
    reminder_due_at,
    reminder_key,
    route_for,
    too_late_to_remind,
)

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def test_a_reminder_is_due_the_day_before_at_ten_on_paris_clocks_whatever_the_season() -> None:
    assert reminder_due_at(date(2026, 12, 1), PARIS) == datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    assert reminder_due_at(date(2026, 7, 1), PARIS) == datetime(2026, 6, 30, 8, 0, tzinfo=UTC)
    assert reminder_due_at(date(2026, 3, 30), PARIS) == datetime(2026, 3, 29, 8, 0, tzinfo=UTC), (
        "the day clocks go forward"
    )


def test_the_same_placement_is_the_same_reminder_and_another_session_another() -> None:
    referral, session = uuid4(), uuid4()

    assert reminder_key(referral, session, date(2026, 12, 1)) == reminder_key(
        referral, session, date(2026, 12, 1)
    )
    assert reminder_key(referral, session, date(2026, 12, 1)) != reminder_key(
        referral, uuid4(), date(2026, 12, 1)
    )
    assert reminder_key(referral, session, date(2026, 12, 1)) != reminder_key(
        referral, session, date(2026, 12, 8)
    )


def test_each_channel_and_target_of_a_reminder_has_its_own_attempt_key() -> None:
    reminder, target = uuid4(), uuid4()

    assert attempt_key(reminder, ReminderRoute.SMS, target) == attempt_key(
        reminder, ReminderRoute.SMS, target
    )
    assert attempt_key(reminder, ReminderRoute.SMS, target) != attempt_key(
        reminder, ReminderRoute.EMAIL, target
    )
    assert attempt_key(reminder, ReminderRoute.VIA_REFERENT, target) != attempt_key(
        reminder, ReminderRoute.VIA_REFERENT, uuid4()
    )


@pytest.mark.parametrize(
    ("preference", "route"),
    [
        ("sms", ReminderRoute.SMS),
        ("email", ReminderRoute.EMAIL),
        ("via_referent", ReminderRoute.VIA_REFERENT),
        ("phone", ReminderRoute.VIA_REFERENT),
        ("postal_letter", ReminderRoute.VIA_REFERENT),
    ],
)
def test_what_the_platform_cannot_do_itself_goes_through_the_referent(
    preference: str, route: ReminderRoute
) -> None:
    assert route_for(preference) is route


def test_no_reminder_goes_on_the_day_of_the_session_or_after() -> None:
    evening_before = datetime(2026, 11, 30, 22, 59, tzinfo=UTC)

    assert not too_late_to_remind(date(2026, 12, 1), evening_before, PARIS)
    assert too_late_to_remind(date(2026, 12, 1), evening_before + timedelta(minutes=1), PARIS), (
        "midnight in Paris"
    )


def test_a_reminder_comes_back_at_the_soonest_retry_and_is_sent_once_a_target_was_reached() -> None:
    retry_soon, retry_later = RetryLater(timedelta(seconds=5), "4xx"), RetryLater(timedelta(hours=1), "5xx")

    again = progress_after([Delivered(), retry_later, retry_soon], NOW)
    sent = progress_after([Delivered(), GiveUp("550")], NOW)
    given_up = progress_after([GiveUp("no number"), GiveUp("550")], NOW)

    assert (again.status, again.next_attempt_at, again.outcome) == (
        ReminderStatus.PENDING,
        NOW + timedelta(seconds=5),
        "4xx",
    )
    assert (sent.status, sent.next_attempt_at) == (ReminderStatus.SENT, None)
    assert (given_up.status, given_up.outcome) == (ReminderStatus.GIVEN_UP, "no number; 550")


def test_the_reminder_to_pass_on_is_plain_and_names_the_person_by_platform_id_only() -> None:
    person, referral = uuid4(), uuid4()

    message = reminder_to_pass_on(person, referral, date(2026, 12, 1))

    assert plain_language_issues(message.subject) == []
    assert plain_language_issues(message.text) == []
    assert "mardi 1er décembre" in message.text
    assert str(person) in message.text
    assert str(referral) in message.text

from datetime import UTC, datetime, timedelta
from random import Random
from uuid import uuid4

import pytest

from notification.domain.delivery_decision import Delivered, GiveUp, RetryLater
from notification.domain.email_delivery import (
    Accepted,
    EmailDelivery,
    EmailDeliveryStatus,
    NotReached,
    Refused,
    decide_after_email_attempt,
    message_id_of,
)
from notification.domain.owed_deliveries import Channel
from notification.domain.retry_schedule import RetrySchedule

NOW = datetime(2026, 3, 3, 9, 30, tzinfo=UTC)
SCHEDULE = RetrySchedule()


def delivery() -> EmailDelivery:
    return EmailDelivery(uuid4(), uuid4(), uuid4(), "suivi@structure.example", False, b"{}")


def test_an_accepted_e_mail_is_sent() -> None:
    assert decide_after_email_attempt(Accepted(), 1, SCHEDULE, Random(1)) == Delivered()


def test_a_permanent_refusal_is_given_up_at_once() -> None:
    decision = decide_after_email_attempt(
        Refused(550, "no such mailbox", permanent=True), 1, SCHEDULE, Random(1)
    )

    assert isinstance(decision, GiveUp)


@pytest.mark.parametrize("outcome", [Refused(451, "try later", permanent=False), NotReached("timeout")])
def test_a_temporary_refusal_or_no_answer_is_retried_on_the_webhook_schedule(
    outcome: Refused | NotReached,
) -> None:
    low, high = SCHEDULE.bounds_of_wait_after(1) or (timedelta(), timedelta())

    decision = decide_after_email_attempt(outcome, 1, SCHEDULE, Random(1))

    assert isinstance(decision, RetryLater)
    assert low <= decision.wait <= high


def test_after_the_last_attempt_of_the_schedule_a_temporary_failure_is_given_up() -> None:
    decision = decide_after_email_attempt(NotReached("timeout"), SCHEDULE.max_attempts, SCHEDULE, Random(1))

    assert isinstance(decision, GiveUp)


def test_each_attempt_is_recorded_with_its_code_latency_and_next_attempt() -> None:
    owed = delivery()

    retry = owed.record(
        RetryLater(timedelta(seconds=5), "busy"), status_code=451, latency=timedelta(0.1), now=NOW
    )
    sent = owed.record(Delivered(), status_code=250, latency=timedelta(0.2), now=NOW + timedelta(seconds=5))

    assert (retry.channel, retry.target_id, retry.number, retry.result) == (
        Channel.EMAIL,
        owed.recipient_id,
        1,
        "retry",
    )
    assert (retry.status_code, retry.reason, retry.next_attempt_at) == (
        451,
        "busy",
        NOW + timedelta(seconds=5),
    )
    assert (sent.number, sent.result, sent.status_code, sent.reason, sent.next_attempt_at) == (
        2,
        "delivered",
        250,
        None,
        None,
    )
    assert owed.status is EmailDeliveryStatus.SENT
    with pytest.raises(ValueError, match="already sent"):
        owed.record(Delivered(), status_code=250, latency=timedelta(), now=NOW)


def test_the_message_id_is_the_delivery_key_and_never_the_recipient() -> None:
    owed = delivery()

    assert owed.message_id == message_id_of(owed.id) == f"<{owed.id}@premiere-marche.fr>"
    assert "suivi" not in repr(owed)

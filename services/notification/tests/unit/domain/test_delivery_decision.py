from datetime import UTC, datetime, timedelta
from random import Random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from notification.domain.delivery_decision import (
    LONGEST_HONOURED_RETRY_AFTER,
    Answered,
    AttemptOutcome,
    ConnectionFailed,
    Delivered,
    DeliveryDecision,
    DestinationRefused,
    DisableEndpoint,
    GiveUp,
    RetryLater,
    TimedOut,
    decide_after_attempt,
    parse_retry_after,
)
from notification.domain.retry_schedule import RetrySchedule

NOW = datetime(2026, 3, 3, 9, 30, tzinfo=UTC)
SCHEDULE = RetrySchedule()


def decide(outcome: AttemptOutcome, attempt: int = 1) -> DeliveryDecision:
    return decide_after_attempt(outcome, attempt, SCHEDULE, NOW, Random(3))


@given(status=st.integers(min_value=200, max_value=299))
def test_any_2xx_means_delivered(status: int) -> None:
    assert decide(Answered(status)) == Delivered()


def test_410_gone_disables_the_endpoint() -> None:
    assert isinstance(decide(Answered(410)), DisableEndpoint)


@pytest.mark.parametrize(
    "outcome", [Answered(500), Answered(503), Answered(408), TimedOut(), ConnectionFailed("refused")]
)
def test_server_errors_timeouts_and_unreachable_receivers_are_retried_on_schedule(
    outcome: AttemptOutcome,
) -> None:
    decision = decide(outcome, attempt=2)
    bounds = SCHEDULE.bounds_of_wait_after(2)

    assert isinstance(decision, RetryLater)
    assert bounds is not None
    assert bounds[0] <= decision.wait <= bounds[1]


@pytest.mark.parametrize("status", [301, 400, 401, 403, 404, 413, 422])
def test_other_answers_are_given_up_since_another_attempt_would_not_change_them(status: int) -> None:
    assert isinstance(decide(Answered(status)), GiveUp)


def test_429_waits_as_long_as_retry_after_asks() -> None:
    assert decide(Answered(429, retry_after="120")) == RetryLater(
        timedelta(seconds=120), "the receiver answered 429 with Retry-After"
    )


def test_429_understands_retry_after_as_an_http_date() -> None:
    decision = decide(Answered(429, retry_after="Tue, 03 Mar 2026 10:00:00 GMT"))

    assert isinstance(decision, RetryLater)
    assert decision.wait == timedelta(minutes=30)


def test_429_without_retry_after_follows_the_schedule() -> None:
    decision = decide(Answered(429))

    assert isinstance(decision, RetryLater)
    assert decision.wait < timedelta(seconds=10)


def test_a_retry_after_longer_than_a_day_is_capped_so_the_schedule_still_ends() -> None:
    decision = decide(Answered(429, retry_after=str(30 * 24 * 3600)))

    assert decision == RetryLater(LONGEST_HONOURED_RETRY_AFTER, "the receiver answered 429 with Retry-After")


def test_the_last_attempt_of_the_schedule_gives_up_even_on_a_retryable_failure() -> None:
    for outcome in [Answered(500), Answered(429, retry_after="5"), TimedOut()]:
        assert isinstance(decide(outcome, attempt=SCHEDULE.max_attempts), GiveUp)


def test_an_endpoint_that_now_resolves_to_a_refused_address_is_disabled() -> None:
    assert isinstance(decide(DestinationRefused("127.0.0.1 is loopback")), DisableEndpoint)


@pytest.mark.parametrize("value", ["soon", "", "-5", "Tue, 03 Mar 2026 10:00:00"])
def test_a_retry_after_we_cannot_read_is_ignored(value: str) -> None:
    assert parse_retry_after(value, NOW) is None


def test_a_retry_after_date_in_the_past_means_now() -> None:
    assert parse_retry_after("Mon, 02 Mar 2026 10:00:00 GMT", NOW) == timedelta()

from datetime import timedelta
from random import Random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from notification.domain.retry_schedule import RetrySchedule

SCHEDULE = RetrySchedule()


def test_the_default_schedule_spreads_attempts_over_about_three_days() -> None:
    assert timedelta(days=2, hours=18) <= SCHEDULE.total_nominal_wait <= timedelta(days=3, hours=6)


def test_the_first_retry_comes_within_seconds_and_the_waits_only_grow() -> None:
    assert SCHEDULE.waits[0] <= timedelta(seconds=10)
    assert list(SCHEDULE.waits) == sorted(SCHEDULE.waits)


def test_after_the_last_attempt_the_schedule_has_no_more_waits() -> None:
    assert SCHEDULE.wait_after(SCHEDULE.max_attempts, Random(1)) is None
    assert SCHEDULE.wait_after(SCHEDULE.max_attempts - 1, Random(1)) is not None


def test_attempts_are_counted_from_one() -> None:
    with pytest.raises(ValueError, match="from 1"):
        SCHEDULE.wait_after(0, Random(1))


@given(attempt=st.integers(min_value=1, max_value=SCHEDULE.max_attempts - 1), seed=st.integers())
def test_jitter_never_moves_a_wait_further_than_its_bounds(attempt: int, seed: int) -> None:
    wait = SCHEDULE.wait_after(attempt, Random(seed))
    bounds = SCHEDULE.bounds_of_wait_after(attempt)

    assert wait is not None
    assert bounds is not None
    assert bounds[0] <= wait <= bounds[1]


def test_jitter_spreads_the_retries_of_many_deliveries() -> None:
    rng = Random(7)

    waits = {SCHEDULE.wait_after(4, rng) for _ in range(50)}

    assert len(waits) > 40


def test_a_jitter_ratio_of_one_or_more_is_refused() -> None:
    with pytest.raises(ValueError, match="jitter_ratio"):
        RetrySchedule(jitter_ratio=1.0)

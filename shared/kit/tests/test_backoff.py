from hypothesis import given
from hypothesis import strategies as st

from service_kit.retry import Backoff


@given(st.integers(min_value=1, max_value=200))
def test_every_delay_stays_under_the_cap(attempt: int) -> None:
    backoff = Backoff(initial_seconds=0.1, maximum_seconds=5.0)

    assert 0 < backoff.delay(attempt) <= 5.0


def test_delays_grow_until_the_cap() -> None:
    backoff = Backoff(initial_seconds=1.0, maximum_seconds=8.0, multiplier=2.0)

    ceilings = [max(backoff.delay(attempt) for _ in range(200)) for attempt in range(1, 6)]

    assert ceilings[0] <= 1.0 < ceilings[1] <= 2.0 < ceilings[2] <= 4.0 < ceilings[3] <= 8.0
    assert ceilings[4] <= 8.0

"""When to try a failed delivery again: spread over about three days, each wait shifted by bounded jitter."""

from dataclasses import dataclass
from datetime import timedelta
from random import Random

# Close to the Standard Webhooks reference schedule, stretched so that a partner down over a long weekend
# still gets what it missed.
THREE_DAYS_OF_WAITS = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=14),
    timedelta(hours=20),
    timedelta(hours=20),
)


@dataclass(frozen=True)
class RetrySchedule:
    waits: tuple[timedelta, ...] = THREE_DAYS_OF_WAITS
    jitter_ratio: float = 0.1

    def __post_init__(self) -> None:
        if not 0 <= self.jitter_ratio < 1:
            raise ValueError("jitter_ratio must be at least 0 and below 1")

    @property
    def max_attempts(self) -> int:
        return len(self.waits) + 1

    def nominal_wait_after(self, failed_attempt: int) -> timedelta | None:
        """The wait before the next attempt, or None once attempt `failed_attempt` was the last."""
        if failed_attempt < 1:
            raise ValueError("attempts are counted from 1")
        if failed_attempt > len(self.waits):
            return None
        return self.waits[failed_attempt - 1]

    def wait_after(self, failed_attempt: int, rng: Random) -> timedelta | None:
        """The nominal wait shifted by up to ±jitter_ratio, so that retries of many deliveries spread out."""
        nominal = self.nominal_wait_after(failed_attempt)
        if nominal is None:
            return None
        return nominal * (1 + rng.uniform(-self.jitter_ratio, self.jitter_ratio))

    def bounds_of_wait_after(self, failed_attempt: int) -> tuple[timedelta, timedelta] | None:
        nominal = self.nominal_wait_after(failed_attempt)
        if nominal is None:
            return None
        return nominal * (1 - self.jitter_ratio), nominal * (1 + self.jitter_ratio)

    @property
    def total_nominal_wait(self) -> timedelta:
        return sum(self.waits, timedelta())

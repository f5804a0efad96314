"""Capped exponential backoff with jitter, for blocking retries that keep per-person order."""

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Backoff:
    initial_seconds: float = 0.1
    maximum_seconds: float = 30.0
    multiplier: float = 2.0
    unexpected_error_attempts: int = 5

    def delay(self, attempt: int) -> float:
        """Delay before retry number `attempt` (1-based): full jitter under a capped exponential."""
        ceiling = min(self.maximum_seconds, self.initial_seconds * self.multiplier ** (attempt - 1))
        return random.uniform(ceiling / 2, ceiling)  # noqa: S311 - jitter, not cryptography

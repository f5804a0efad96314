"""How a partner's webhook endpoint is doing, as a regional operator reads it: attempts and their success
rate over a recent window, the last error, whether it is disabled and why, and what still waits."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID


@dataclass(frozen=True)
class LastError:
    at: datetime
    status_code: int | None
    reason: str


@dataclass(frozen=True)
class EndpointHealth:
    endpoint_id: UUID
    organisation_id: UUID | None
    url: str
    disabled_at: datetime | None
    disabled_reason: str | None
    attempts: int
    """In the window."""
    delivered: int
    """Attempts of the window that delivered."""
    last_error: LastError | None
    pending: int
    oldest_pending_since: datetime | None

    @property
    def success_rate(self) -> float | None:
        """None when nothing was attempted in the window."""
        return None if self.attempts == 0 else self.delivered / self.attempts

    def waiting_for(self, now: datetime) -> timedelta | None:
        return None if self.oldest_pending_since is None else now - self.oldest_pending_since

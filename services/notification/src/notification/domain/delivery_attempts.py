"""One attempt at a delivery, as the record keeps it: what was tried, how it went, how long it took, and when
the next attempt comes (if one does). Operators read endpoint health and the history of a delivery from it."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from notification.domain.owed_deliveries import Channel


@dataclass(frozen=True)
class AttemptRecord:
    delivery_id: UUID
    channel: Channel
    target_id: UUID
    """The webhook endpoint or the e-mail recipient."""
    number: int
    attempted_at: datetime
    result: str
    """delivered, retry, given_up or endpoint_disabled."""
    status_code: int | None
    """The HTTP status or the SMTP reply code, when the other end answered."""
    latency: timedelta
    reason: str | None
    next_attempt_at: datetime | None

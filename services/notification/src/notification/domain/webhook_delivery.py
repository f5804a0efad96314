"""One webhook message owed to one endpoint, from the first attempt to its end: delivered, given up, or
stopped because the endpoint was disabled."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID

from notification.domain.delivery_attempts import AttemptRecord
from notification.domain.delivery_decision import (
    Delivered,
    DeliveryDecision,
    DisableEndpoint,
    GiveUp,
    RetryLater,
)
from notification.domain.owed_deliveries import Channel
from notification.domain.webhooks import WebhookEndpoint, WebhookMessage


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    GIVEN_UP = "given_up"
    ENDPOINT_DISABLED = "endpoint_disabled"


@dataclass
class WebhookDelivery:
    id: UUID
    endpoint: WebhookEndpoint
    message: WebhookMessage
    status: DeliveryStatus = DeliveryStatus.PENDING
    attempts: int = 0
    next_attempt_at: datetime | None = None
    last_outcome: str | None = None

    @property
    def next_attempt(self) -> int:
        return self.attempts + 1

    def record(
        self,
        decision: DeliveryDecision,
        now: datetime,
        *,
        status_code: int | None = None,
        latency: timedelta = timedelta(),
    ) -> AttemptRecord:
        if self.status is not DeliveryStatus.PENDING:
            raise ValueError(f"delivery {self.id} is already {self.status}")
        self.attempts += 1
        self.next_attempt_at = None
        match decision:
            case Delivered():
                self.status, self.last_outcome = DeliveryStatus.DELIVERED, "delivered"
            case RetryLater(wait=wait, reason=reason):
                self.next_attempt_at, self.last_outcome = now + wait, reason
            case GiveUp(reason=reason):
                self.status, self.last_outcome = DeliveryStatus.GIVEN_UP, reason
            case DisableEndpoint(reason=reason):
                self.status, self.last_outcome = DeliveryStatus.ENDPOINT_DISABLED, reason
        delivered = self.status is DeliveryStatus.DELIVERED
        return AttemptRecord(
            delivery_id=self.id,
            channel=Channel.WEBHOOK,
            target_id=self.endpoint.id,
            number=self.attempts,
            attempted_at=now,
            result="retry" if self.status is DeliveryStatus.PENDING else self.status.value,
            status_code=status_code,
            latency=latency,
            reason=None if delivered else self.last_outcome,
            next_attempt_at=self.next_attempt_at,
        )

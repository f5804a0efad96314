"""One attempt at delivering a webhook, and what to do next."""

import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from random import Random

from notification.domain.delivery_decision import (
    Answered,
    AttemptOutcome,
    DeliveryDecision,
    decide_after_attempt,
)
from notification.domain.retry_schedule import RetrySchedule
from notification.domain.webhooks import WebhookEndpoint, WebhookMessage
from notification.service.ports import WebhookTransport


@dataclass(frozen=True)
class MeasuredAttempt:
    outcome: AttemptOutcome
    decision: DeliveryDecision
    latency: timedelta

    @property
    def status_code(self) -> int | None:
        return self.outcome.status if isinstance(self.outcome, Answered) else None


async def measure_webhook_attempt(
    endpoint: WebhookEndpoint,
    message: WebhookMessage,
    *,
    attempt: int,
    transport: WebhookTransport,
    schedule: RetrySchedule,
    now: datetime,
    rng: Random,
) -> MeasuredAttempt:
    started = time.monotonic()
    outcome = await transport.send(endpoint, message)
    latency = timedelta(seconds=time.monotonic() - started)
    return MeasuredAttempt(outcome, decide_after_attempt(outcome, attempt, schedule, now, rng), latency)


async def attempt_webhook_delivery(
    endpoint: WebhookEndpoint,
    message: WebhookMessage,
    *,
    attempt: int,
    transport: WebhookTransport,
    schedule: RetrySchedule,
    now: datetime,
    rng: Random,
) -> DeliveryDecision:
    measured = await measure_webhook_attempt(
        endpoint, message, attempt=attempt, transport=transport, schedule=schedule, now=now, rng=rng
    )
    return measured.decision

"""One attempt at delivering a webhook, and what to do next."""

from datetime import datetime
from random import Random
from typing import Protocol

from notification.domain.delivery_decision import AttemptOutcome, DeliveryDecision, decide_after_attempt
from notification.domain.retry_schedule import RetrySchedule
from notification.domain.webhooks import WebhookEndpoint, WebhookMessage


class WebhookTransport(Protocol):
    async def send(self, endpoint: WebhookEndpoint, message: WebhookMessage) -> AttemptOutcome: ...


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
    outcome = await transport.send(endpoint, message)
    return decide_after_attempt(outcome, attempt, schedule, now, rng)

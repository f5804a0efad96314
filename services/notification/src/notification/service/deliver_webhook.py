"""One attempt at delivering a webhook, and what to do next."""

from datetime import datetime
from random import Random

from notification.domain.delivery_decision import DeliveryDecision, decide_after_attempt
from notification.domain.retry_schedule import RetrySchedule
from notification.domain.webhooks import WebhookEndpoint, WebhookMessage
from notification.service.ports import WebhookTransport


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

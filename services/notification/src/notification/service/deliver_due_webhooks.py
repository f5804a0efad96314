"""Use case: attempt every webhook delivery that has come due, all at once, and record what came of each."""

import asyncio
from datetime import datetime, timedelta
from random import Random

from notification.domain.retry_schedule import RetrySchedule
from notification.domain.webhook_delivery import WebhookDelivery
from notification.service.deliver_webhook import measure_webhook_attempt
from notification.service.ports import WebhookDeliveries, WebhookTransport


async def deliver_due_webhooks(
    deliveries: WebhookDeliveries,
    transport: WebhookTransport,
    *,
    now: datetime,
    schedule: RetrySchedule,
    rng: Random,
    batch_size: int,
    lease: timedelta,
) -> list[WebhookDelivery]:
    claimed = await deliveries.claim_due(now, lease, batch_size)
    measured = await asyncio.gather(
        *(
            measure_webhook_attempt(
                delivery.endpoint,
                delivery.message,
                attempt=delivery.next_attempt,
                transport=transport,
                schedule=schedule,
                now=now,
                rng=rng,
            )
            for delivery in claimed
        )
    )
    attempts = [
        delivery.record(attempt.decision, now, status_code=attempt.status_code, latency=attempt.latency)
        for delivery, attempt in zip(claimed, measured, strict=True)
    ]
    await deliveries.save_attempts(claimed, now, attempts)
    return claimed

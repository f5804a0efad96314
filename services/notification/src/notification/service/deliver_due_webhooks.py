"""Use case: attempt every webhook delivery that has come due, all at once, and record what came of each."""

import asyncio
from datetime import datetime, timedelta
from random import Random

from notification.domain.retry_schedule import RetrySchedule
from notification.domain.webhook_delivery import WebhookDelivery
from notification.service.deliver_webhook import attempt_webhook_delivery
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
    decisions = await asyncio.gather(
        *(
            attempt_webhook_delivery(
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
    for delivery, decision in zip(claimed, decisions, strict=True):
        delivery.record(decision, now)
    await deliveries.save_attempts(claimed, now)
    return claimed

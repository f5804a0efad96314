"""Use case: attempt webhook deliveries that have come due and record what came of each as soon as it ends,
so that a partner slow to answer never holds back the record of another's."""

import asyncio
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property
from random import Random
from uuid import UUID

from notification.domain.retry_schedule import RetrySchedule
from notification.domain.webhook_delivery import WebhookDelivery
from notification.service.attempt_recorder import GroupedAttemptRecorder
from notification.service.deliver_webhook import measure_webhook_attempt
from notification.service.ports import WebhookDeliveries, WebhookTransport


@dataclass(frozen=True)
class WebhookDispatch:
    deliveries: WebhookDeliveries
    transport: WebhookTransport
    schedule: RetrySchedule
    lease: timedelta

    @cached_property
    def recorder(self) -> GroupedAttemptRecorder:
        """One per dispatch, so that attempts ending together share a transaction."""
        return GroupedAttemptRecorder(self.deliveries)


async def claim_due_webhooks(
    dispatch: WebhookDispatch,
    *,
    now: datetime,
    limit: int,
    per_endpoint: int | None = None,
    busy_endpoints: Collection[UUID] = (),
) -> list[WebhookDelivery]:
    """At most `limit` due deliveries, `per_endpoint` of each endpoint, none of the busy ones."""
    return await dispatch.deliveries.claim_due(
        now, dispatch.lease, limit, per_endpoint=per_endpoint, busy_endpoints=busy_endpoints
    )


async def attempt_and_record(
    dispatch: WebhookDispatch, delivery: WebhookDelivery, *, now: datetime, rng: Random
) -> WebhookDelivery:
    measured = await measure_webhook_attempt(
        delivery.endpoint,
        delivery.message,
        attempt=delivery.next_attempt,
        transport=dispatch.transport,
        schedule=dispatch.schedule,
        now=now,
        rng=rng,
    )
    attempt = delivery.record(
        measured.decision, now, status_code=measured.status_code, latency=measured.latency
    )
    await dispatch.recorder.record(delivery, attempt, now)
    return delivery


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
    """One batch, attempted all at once and awaited: what a dispatcher does at each turn, in one call."""
    dispatch = WebhookDispatch(deliveries, transport, schedule, lease)
    claimed = await claim_due_webhooks(dispatch, now=now, limit=batch_size)
    return list(await asyncio.gather(*(attempt_and_record(dispatch, d, now=now, rng=rng) for d in claimed)))

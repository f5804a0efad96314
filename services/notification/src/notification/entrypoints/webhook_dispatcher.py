"""Every interval, attempts the webhook deliveries that have come due; runs in every instance."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from random import Random

import structlog

from notification.domain.retry_schedule import RetrySchedule
from notification.domain.webhook_delivery import WebhookDelivery
from notification.entrypoints.dispatch_loop import dispatch_forever
from notification.service.deliver_due_webhooks import deliver_due_webhooks
from notification.service.ports import WebhookDeliveries, WebhookTransport

_log = structlog.get_logger(__name__)


def utc_now() -> datetime:
    return datetime.now(UTC)


class WebhookDispatcher:
    def __init__(
        self,
        deliveries: WebhookDeliveries,
        transport: WebhookTransport,
        *,
        interval_seconds: float,
        batch_size: int,
        lease: timedelta,
        schedule: RetrySchedule | None = None,
        clock: Callable[[], datetime] = utc_now,
        on_attempt: Callable[[WebhookDelivery], None] = lambda _delivery: None,
    ) -> None:
        self._deliveries = deliveries
        self._transport = transport
        self._interval_seconds = interval_seconds
        self._batch_size = batch_size
        self._lease = lease
        self._schedule = schedule or RetrySchedule()
        self._clock = clock
        self._on_attempt = on_attempt
        self._rng = Random()  # noqa: S311 - jitter, not cryptography

    async def deliver_once(self) -> int:
        """Attempt one batch of due deliveries; the number attempted."""
        attempted = await deliver_due_webhooks(
            self._deliveries,
            self._transport,
            now=self._clock(),
            schedule=self._schedule,
            rng=self._rng,
            batch_size=self._batch_size,
            lease=self._lease,
        )
        for delivery in attempted:
            self._on_attempt(delivery)
            _log.info(
                "webhook attempted",
                delivery_id=str(delivery.id),
                endpoint_id=str(delivery.endpoint.id),
                attempt=delivery.attempts,
                status=delivery.status.value,
                outcome=delivery.last_outcome,
            )
        return len(attempted)

    async def run(self) -> None:
        await dispatch_forever(
            self.deliver_once,
            interval_seconds=self._interval_seconds,
            batch_size=self._batch_size,
            channel="webhook",
        )

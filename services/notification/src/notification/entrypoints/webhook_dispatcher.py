"""Attempts the webhook deliveries that have come due; runs in every instance.

Attempts run as tasks of their own, each recorded as soon as it ends. Every turn claims what is due for
the free slots, at most `per_endpoint` per endpoint and nothing for an endpoint whose slots are all taken:
a partner that hangs holds its own slots until the timeout cuts them, while the others' deliveries keep
being claimed and sent. A turn comes every interval, as soon as an attempt ends, and when woken (deliveries
were just owed)."""

import asyncio
import contextlib
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from random import Random
from uuid import UUID

import structlog

from notification.domain.webhook_delivery import WebhookDelivery
from notification.service.deliver_due_webhooks import WebhookDispatch, attempt_and_record, claim_due_webhooks

_log = structlog.get_logger(__name__)


def utc_now() -> datetime:
    return datetime.now(UTC)


class WebhookDispatcher:
    def __init__(
        self,
        dispatch: WebhookDispatch,
        *,
        interval_seconds: float,
        batch_size: int,
        per_endpoint: int,
        clock: Callable[[], datetime] = utc_now,
        on_attempt: Callable[[WebhookDelivery], None] = lambda _delivery: None,
    ) -> None:
        self._dispatch = dispatch
        self._interval_seconds = interval_seconds
        self._batch_size = batch_size
        self._per_endpoint = per_endpoint
        self._clock = clock
        self._on_attempt = on_attempt
        self._rng = Random()  # noqa: S311 - jitter, not cryptography
        self._in_flight: dict[asyncio.Task[None], UUID] = {}
        self._woken = asyncio.Event()

    async def start_due(self) -> int:
        """Claim what is due for the free slots and start attempting it; the number started."""
        free = self._batch_size - len(self._in_flight)
        if free <= 0:
            return 0
        per_endpoint = Counter(self._in_flight.values())
        full = [endpoint for endpoint, count in per_endpoint.items() if count >= self._per_endpoint]
        now = self._clock()
        claimed = await claim_due_webhooks(
            self._dispatch, now=now, limit=free, per_endpoint=self._per_endpoint, busy_endpoints=full
        )
        for delivery in claimed:
            task = asyncio.create_task(self._attempt(delivery, now), name=f"webhook-{delivery.id}")
            self._in_flight[task] = delivery.endpoint.id
            task.add_done_callback(self._finished)
        return len(claimed)

    async def deliver_once(self) -> int:
        """Start what is due and wait until every attempt in flight has ended; the number started."""
        started = await self.start_due()
        await asyncio.gather(*self._in_flight)
        return started

    async def run(self) -> None:
        # One interval (or a wake-up) first, so that starting up never waits on a turn.
        await self._wait_for_a_turn()
        try:
            while True:
                try:
                    await self.start_due()
                except Exception:
                    # The database may be away for a while; what was due is still due at the next turn.
                    _log.exception("webhook dispatch failed; retrying at the next interval")
                    await asyncio.sleep(self._interval_seconds)
                    continue
                await self._wait_for_a_turn()
        finally:
            # Cancelled attempts are not recorded: their lease ends and they come due again.
            in_flight = list(self._in_flight)
            for task in in_flight:
                task.cancel()
            await asyncio.gather(*in_flight, return_exceptions=True)

    async def _wait_for_a_turn(self) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._woken.wait(), self._interval_seconds)
        self._woken.clear()

    def wake(self) -> None:
        """Take a turn now: something may have come due (deliveries just owed, a slot freed)."""
        self._woken.set()

    def _finished(self, task: "asyncio.Task[None]") -> None:
        self._in_flight.pop(task, None)
        self.wake()

    async def _attempt(self, delivery: WebhookDelivery, now: datetime) -> None:
        try:
            await attempt_and_record(self._dispatch, delivery, now=now, rng=self._rng)
        except Exception:
            # Its lease ends and it comes due again; the others go on.
            _log.exception("webhook attempt could not be recorded", delivery_id=str(delivery.id))
            return
        self._on_attempt(delivery)
        _log.info(
            "webhook attempted",
            delivery_id=str(delivery.id),
            endpoint_id=str(delivery.endpoint.id),
            attempt=delivery.attempts,
            status=delivery.status.value,
            outcome=delivery.last_outcome,
        )

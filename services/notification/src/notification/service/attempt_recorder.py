"""Records webhook attempts as they end, several in one transaction when they end together: while one
transaction commits, the attempts that end meanwhile wait for the next, which takes them all (a group
commit). `record` returns once a transaction holding the attempt has committed, and raises if it failed
(the delivery's lease then ends and it comes due again)."""

import asyncio
from datetime import datetime

from notification.domain.delivery_attempts import AttemptRecord
from notification.domain.webhook_delivery import WebhookDelivery
from notification.service.ports import WebhookAttemptStore

_Waiting = tuple[WebhookDelivery, AttemptRecord, "asyncio.Future[None]"]


class GroupedAttemptRecorder:
    def __init__(self, deliveries: WebhookAttemptStore) -> None:
        self._deliveries = deliveries
        self._waiting: list[_Waiting] = []
        self._one_at_a_time = asyncio.Lock()

    async def record(self, delivery: WebhookDelivery, attempt: AttemptRecord, now: datetime) -> None:
        recorded: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append((delivery, attempt, recorded))
        async with self._one_at_a_time:
            if not recorded.done():
                taken, self._waiting = self._waiting, []
                await self._save(taken, now)
        await recorded

    async def _save(self, taken: list[_Waiting], now: datetime) -> None:
        try:
            await self._deliveries.save_attempts(
                [delivery for delivery, _, _ in taken], now, [attempt for _, attempt, _ in taken]
            )
        except Exception as failure:
            for _, _, recorded in taken:
                recorded.set_exception(failure)
        else:
            for _, _, recorded in taken:
                recorded.set_result(None)
        finally:
            for _, _, recorded in taken:
                if not recorded.done():
                    recorded.cancel()

"""Attempts that end together are recorded together; each caller returns only once its attempt is stored,
and learns when the transaction holding it failed."""

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime
from uuid import UUID, uuid4

import pytest

from notification.domain.delivery_attempts import AttemptRecord
from notification.domain.delivery_decision import Delivered
from notification.domain.webhook_delivery import WebhookDelivery
from notification.domain.webhooks import WebhookEndpoint, WebhookMessage, WebhookSecret
from notification.service.attempt_recorder import GroupedAttemptRecorder

NOW = datetime(2026, 3, 3, 9, 30, tzinfo=UTC)


class SlowStore:
    """Each save takes a moment (released by the test), as a durable commit does."""

    def __init__(self, *, failing: bool = False) -> None:
        self.saved: list[list[UUID]] = []
        self.release = asyncio.Event()
        self.saving = asyncio.Event()
        self.failing = failing

    async def save_attempts(
        self, deliveries: Sequence[WebhookDelivery], now: datetime, attempts: Sequence[AttemptRecord] = ()
    ) -> None:
        self.saving.set()
        await self.release.wait()
        if self.failing:
            raise ConnectionError("the database went away")
        self.saved.append([attempt.delivery_id for attempt in attempts])


def attempted() -> tuple[WebhookDelivery, AttemptRecord]:
    endpoint = WebhookEndpoint(uuid4(), "https://partner.example/hooks", (WebhookSecret.generate(),))
    delivery = WebhookDelivery(uuid4(), endpoint, WebhookMessage("msg", b"{}"))
    return delivery, delivery.record(Delivered(), NOW, status_code=200)


async def test_attempts_ending_while_one_is_being_saved_are_saved_together_once_each() -> None:
    store = SlowStore()
    recorder = GroupedAttemptRecorder(store)
    first, *others = [attempted() for _ in range(5)]

    saving_first = asyncio.create_task(recorder.record(*first, NOW))
    await store.saving.wait()
    saving_others = [asyncio.create_task(recorder.record(*other, NOW)) for other in others]
    store.release.set()
    await asyncio.gather(saving_first, *saving_others)

    assert store.saved == [[first[1].delivery_id], [attempt.delivery_id for _, attempt in others]]


async def test_every_attempt_of_a_failed_transaction_learns_that_it_was_not_recorded() -> None:
    store = SlowStore(failing=True)
    recorder = GroupedAttemptRecorder(store)
    attempts = [attempted() for _ in range(3)]

    saving = [asyncio.create_task(recorder.record(*one, NOW)) for one in attempts]
    store.release.set()
    outcomes = await asyncio.gather(*saving, return_exceptions=True)

    assert all(isinstance(outcome, ConnectionError) for outcome in outcomes)
    with pytest.raises(ConnectionError):
        await recorder.record(*attempted(), NOW)

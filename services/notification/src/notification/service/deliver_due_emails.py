"""Use case: send every e-mail that has come due to an organisation's mailbox, a few at a time, and record
each attempt as soon as it ends, so that at most the e-mails in flight can be sent without being recorded."""

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from random import Random

from notification.domain.delivery_attempts import AttemptRecord
from notification.domain.delivery_decision import DeliveryDecision, GiveUp
from notification.domain.email_delivery import (
    Accepted,
    EmailDelivery,
    EmailOutcome,
    Refused,
    decide_after_email_attempt,
)
from notification.domain.messages import Message
from notification.domain.retry_schedule import RetrySchedule
from notification.service.ports import EmailDeliveries, EmailTransport


@dataclass(frozen=True)
class EmailDispatch:
    deliveries: EmailDeliveries
    transport: EmailTransport
    render: Callable[[bytes], Message]
    """The e-mail telling the timeline event a delivery keeps; raises ValueError if it cannot."""
    schedule: RetrySchedule
    batch_size: int
    lease: timedelta
    concurrency: int


async def deliver_due_emails(dispatch: EmailDispatch, *, now: datetime, rng: Random) -> list[AttemptRecord]:
    claimed = await dispatch.deliveries.claim_due(now, dispatch.lease, dispatch.batch_size)
    slots = asyncio.Semaphore(dispatch.concurrency)

    async def attempt(delivery: EmailDelivery) -> AttemptRecord:
        async with slots:
            return await attempt_email_delivery(delivery, dispatch, now=now, rng=rng)

    return list(await asyncio.gather(*(attempt(delivery) for delivery in claimed)))


async def attempt_email_delivery(
    delivery: EmailDelivery, dispatch: EmailDispatch, *, now: datetime, rng: Random
) -> AttemptRecord:
    decision, status_code, latency = await _send(delivery, dispatch, rng)
    record = delivery.record(decision, status_code=status_code, latency=latency, now=now)
    await dispatch.deliveries.save_attempt(delivery, record)
    return record


async def _send(
    delivery: EmailDelivery, dispatch: EmailDispatch, rng: Random
) -> tuple[DeliveryDecision, int | None, timedelta]:
    if delivery.recipient_removed:
        return GiveUp("the organisation removed this recipient before the e-mail was sent"), None, timedelta()
    try:
        message = dispatch.render(delivery.event_body)
    except ValueError as unreadable:
        return GiveUp(f"the event cannot be told by e-mail ({type(unreadable).__name__})"), None, timedelta()
    started = time.monotonic()
    outcome = await dispatch.transport.deliver(delivery.address, message, message_id=delivery.message_id)
    latency = timedelta(seconds=time.monotonic() - started)
    decision = decide_after_email_attempt(outcome, delivery.next_attempt, dispatch.schedule, rng)
    return decision, _code_of(outcome), latency


def _code_of(outcome: EmailOutcome) -> int | None:
    match outcome:
        case Accepted(code=code) | Refused(code=code):
            return code
    return None

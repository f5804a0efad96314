from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from notification.domain.delivery_decision import Delivered, DisableEndpoint, GiveUp, RetryLater
from notification.domain.webhook_delivery import DeliveryStatus, WebhookDelivery
from notification.domain.webhooks import WebhookEndpoint, WebhookMessage, WebhookSecret

NOW = datetime(2026, 3, 3, 9, 30, tzinfo=UTC)


def pending() -> WebhookDelivery:
    endpoint = WebhookEndpoint(uuid4(), "https://partner.example/hooks", (WebhookSecret.generate(),))
    return WebhookDelivery(uuid4(), endpoint, WebhookMessage("msg_1", b"{}"), next_attempt_at=NOW)


def test_a_retry_counts_the_attempt_and_comes_due_after_the_wait() -> None:
    delivery = pending()

    delivery.record(RetryLater(timedelta(minutes=5), "the receiver answered 500"), NOW)

    assert (delivery.status, delivery.attempts, delivery.next_attempt) == (DeliveryStatus.PENDING, 1, 2)
    assert delivery.next_attempt_at == NOW + timedelta(minutes=5)
    assert delivery.last_outcome == "the receiver answered 500"


@pytest.mark.parametrize(
    ("decision", "status"),
    [
        (Delivered(), DeliveryStatus.DELIVERED),
        (GiveUp("the receiver answered 404"), DeliveryStatus.GIVEN_UP),
        (DisableEndpoint("the receiver answered 410 Gone"), DeliveryStatus.ENDPOINT_DISABLED),
    ],
)
def test_a_final_decision_ends_the_delivery(
    decision: Delivered | GiveUp | DisableEndpoint, status: DeliveryStatus
) -> None:
    delivery = pending()

    delivery.record(decision, NOW)

    assert delivery.status is status
    assert delivery.next_attempt_at is None


def test_an_ended_delivery_takes_no_more_attempts() -> None:
    delivery = pending()
    delivery.record(Delivered(), NOW)

    with pytest.raises(ValueError, match="already delivered"):
        delivery.record(Delivered(), NOW)

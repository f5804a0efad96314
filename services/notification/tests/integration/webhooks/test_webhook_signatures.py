"""What a partner receives verifies with the official `standardwebhooks` library, and only as sent."""

import json
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from notification_local_servers import ReceivedRequest, local_http_server
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from notification.adapters.address_guard import AddressGuard
from notification.adapters.webhook_sender import open_webhook_sender
from notification.domain.delivery_decision import Answered
from notification.domain.webhooks import WebhookEndpoint, WebhookMessage, WebhookSecret

LOCAL_RECEIVERS = AddressGuard(allowed_networks=["127.0.0.0/8"])
EVENT = {
    "specversion": "1.0",
    "id": str(uuid4()),
    "source": "/services/pathway",
    "type": "fr.premiere-marche.timeline.entry_appended",
    "subject": str(uuid4()),
    "time": "2026-03-03T09:30:00Z",
    "data": {"seq": 4, "original_event": {"type": "fr.premiere-marche.referral.accepted"}},
}
BODY = json.dumps(EVENT).encode()


async def deliver(
    secrets: tuple[WebhookSecret, ...], clock: datetime | None = None, message_id: str = "msg_1"
) -> ReceivedRequest:
    async with local_http_server() as receiver:
        endpoint = WebhookEndpoint(uuid4(), receiver.url("/hooks"), secrets)
        async with open_webhook_sender(
            LOCAL_RECEIVERS,
            timeout_seconds=5,
            concurrency_per_endpoint=2,
            clock=(lambda: clock) if clock else lambda: datetime.now(UTC),
        ) as sender:
            outcome = await sender.send(endpoint, WebhookMessage(message_id, BODY))
    assert outcome == Answered(200)
    [request] = receiver.requests
    return request


async def test_the_official_library_verifies_what_the_receiver_got() -> None:
    secret = WebhookSecret.generate()

    request = await deliver((secret,))

    assert Webhook(secret.shared_form).verify(request.body, request.headers) == EVENT
    assert request.headers["webhook-id"] == "msg_1"
    assert request.headers["Content-Type"].startswith("application/cloudevents+json")


async def test_a_tampered_body_is_rejected() -> None:
    secret = WebhookSecret.generate()
    request = await deliver((secret,))
    tampered = request.body.replace(b'"seq": 4', b'"seq": 5')

    with pytest.raises(WebhookVerificationError, match="No matching signature"):
        Webhook(secret.shared_form).verify(tampered, request.headers)


async def test_a_receiver_holding_another_secret_rejects_the_delivery() -> None:
    request = await deliver((WebhookSecret.generate(),))

    with pytest.raises(WebhookVerificationError, match="No matching signature"):
        Webhook(WebhookSecret.generate().shared_form).verify(request.body, request.headers)


async def test_a_delivery_signed_more_than_five_minutes_ago_is_rejected_as_stale() -> None:
    """So a captured delivery cannot be replayed later; within the five minutes an exact replay carries
    the same webhook-id, which receivers keep to drop what they already have."""
    secret = WebhookSecret.generate()
    request = await deliver((secret,), clock=datetime.now(UTC) - timedelta(minutes=6))

    with pytest.raises(WebhookVerificationError, match="too old"):
        Webhook(secret.shared_form).verify(request.body, request.headers)


async def test_a_signature_replayed_under_another_id_is_rejected() -> None:
    secret = WebhookSecret.generate()
    request = await deliver((secret,))
    replayed = request.headers | {"webhook-id": "msg_2"}

    with pytest.raises(WebhookVerificationError, match="No matching signature"):
        Webhook(secret.shared_form).verify(request.body, replayed)


async def test_while_a_partner_rotates_its_secret_either_one_verifies() -> None:
    old, new = WebhookSecret.generate(), WebhookSecret.generate()

    request = await deliver((old, new))

    assert len(request.headers["webhook-signature"].split(" ")) == 2
    assert Webhook(old.shared_form).verify(request.body, request.headers) == EVENT
    assert Webhook(new.shared_form).verify(request.body, request.headers) == EVENT


def test_a_secret_reads_back_from_its_shared_form_and_never_shows_in_a_repr() -> None:
    secret = WebhookSecret.generate()

    assert WebhookSecret.parse(secret.shared_form) == secret
    assert secret.shared_form.removeprefix("whsec_") not in repr(secret)


@pytest.mark.parametrize("text", ["c2VjcmV0", "whsec_not base64!", "whsec_"])
def test_a_secret_not_in_the_whsec_form_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="secret"):
        WebhookSecret.parse(text)

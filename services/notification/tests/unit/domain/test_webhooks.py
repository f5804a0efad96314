from uuid import uuid4

import pytest

from notification.domain.webhooks import WebhookEndpoint, WebhookMessage, WebhookSecret, webhook_headers


def test_the_signature_matches_the_example_of_the_standard_webhooks_reference_libraries() -> None:
    secret = WebhookSecret.parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")

    signature = secret.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, b'{"test": 2432232314}')

    assert signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_the_headers_carry_the_id_the_timestamp_and_one_signature_per_active_secret() -> None:
    old, new = WebhookSecret.generate(), WebhookSecret.generate()
    message = WebhookMessage("msg_1", b"{}")

    headers = webhook_headers(message, 1614265330, (old, new))

    assert headers["webhook-id"] == "msg_1"
    assert headers["webhook-timestamp"] == "1614265330"
    assert (
        headers["webhook-signature"]
        == f"{old.sign('msg_1', 1614265330, b'{}')} {new.sign('msg_1', 1614265330, b'{}')}"
    )


def test_an_endpoint_needs_a_secret() -> None:
    with pytest.raises(ValueError, match="secret"):
        WebhookEndpoint(uuid4(), "https://partner.example/hooks", ())

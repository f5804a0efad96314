from collections.abc import Callable
from uuid import uuid4

from pydantic import SecretStr

from notification.bootstrap import bootstrap, smtp_server_of
from notification.config import NotificationSettings
from notification.domain.delivery_decision import DestinationRefused
from notification.domain.webhooks import WebhookEndpoint, WebhookMessage, WebhookSecret

UNREACHABLE_DATABASE = "postgresql+asyncpg://notification@127.0.0.1:1/notification"


async def test_starting_the_service_opens_its_delivery_channels_and_stopping_closes_them(
    isolated_settings: Callable[..., NotificationSettings],
) -> None:
    service = bootstrap(isolated_settings(database_url=UNREACHABLE_DATABASE, sms_max_segments=2))

    await service.start()
    channels = service.channels
    await service.stop()

    assert channels is not None
    assert channels.sms.max_segments == 2
    assert service.channels is None


async def test_by_default_the_webhook_channel_refuses_a_loopback_receiver(
    isolated_settings: Callable[..., NotificationSettings],
) -> None:
    service = bootstrap(isolated_settings(database_url=UNREACHABLE_DATABASE))
    endpoint = WebhookEndpoint(uuid4(), "http://127.0.0.1:9/hooks", (WebhookSecret.generate(),))

    await service.start()
    try:
        assert service.channels is not None
        outcome = await service.channels.webhooks.send(endpoint, WebhookMessage("msg_1", b"{}"))
    finally:
        await service.stop()

    assert isinstance(outcome, DestinationRefused)


def test_the_smtp_password_reaches_the_mailer_but_never_its_repr() -> None:
    settings = NotificationSettings(
        smtp_username="notification", smtp_password=SecretStr("relay-password"), smtp_starttls=True
    )

    server = smtp_server_of(settings)

    assert server.password == "relay-password"
    assert server.starttls
    assert "relay-password" not in repr(server)

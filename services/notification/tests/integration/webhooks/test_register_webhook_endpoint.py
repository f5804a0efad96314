"""Registering an organisation's endpoint: its URL and event types are checked first, and it gets a secret
of its own."""

import asyncio
import re
from uuid import UUID, uuid4

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine

from notification.adapters.address_guard import AddressGuard
from notification.adapters.secret_encryption import WebhookSecretCipher
from notification.adapters.tables import webhook_endpoints
from notification.domain.destination_addresses import DestinationRefusedError
from notification.domain.subscriptions import SubscriptionError
from notification.domain.webhooks import WebhookEndpoint, WebhookSecret
from notification.entrypoints.cli import MIGRATIONS, main
from notification.service.register_webhook_endpoint import register_webhook_endpoint
from service_kit.migrations import upgrade_to_head

SENT = "fr.premiere-marche.referral.sent"
ORGANISATION = uuid4()


class RememberedEndpoints:
    def __init__(self) -> None:
        self.added: list[tuple[WebhookEndpoint, UUID, tuple[str, ...]]] = []

    async def add_endpoint(
        self, endpoint: WebhookEndpoint, *, organisation_id: UUID, event_types: tuple[str, ...]
    ) -> None:
        self.added.append((endpoint, organisation_id, event_types))


async def test_an_endpoint_on_a_public_address_is_registered_with_a_new_secret() -> None:
    endpoints = RememberedEndpoints()

    endpoint = await register_webhook_endpoint(
        ORGANISATION,
        "https://93.184.216.34/hooks",
        [SENT, SENT],
        destinations=AddressGuard(),
        endpoints=endpoints,
    )

    assert endpoints.added == [(endpoint, ORGANISATION, (SENT,))]
    assert WebhookSecret.parse(endpoint.secrets[0].shared_form) == endpoint.secrets[0]


async def test_an_endpoint_for_events_never_notified_is_refused_before_any_lookup() -> None:
    endpoints = RememberedEndpoints()

    with pytest.raises(SubscriptionError, match=r"barrier\.forgotten"):
        await register_webhook_endpoint(
            ORGANISATION,
            "https://unresolvable.invalid/hooks",
            ["fr.premiere-marche.barrier.lifted", "fr.premiere-marche.barrier.forgotten"],
            destinations=AddressGuard(),
            endpoints=endpoints,
        )

    assert endpoints.added == []


@pytest.mark.parametrize("url", ["http://localhost:8080/hooks", "http://10.1.2.3/hooks", "http://[fd00::5]/"])
async def test_an_endpoint_inside_our_network_is_refused_and_not_stored(url: str) -> None:
    endpoints = RememberedEndpoints()

    with pytest.raises(DestinationRefusedError):
        await register_webhook_endpoint(
            ORGANISATION, url, [SENT], destinations=AddressGuard(), endpoints=endpoints
        )

    assert endpoints.added == []


@pytest.fixture
def database_url(request: pytest.FixtureRequest) -> str:
    if not request.config.pluginmanager.has_plugin("devstack"):
        pytest.skip("needs the real PostgreSQL server of the devstack plugin")
    url = request.getfixturevalue("fresh_database")
    assert isinstance(url, str)
    return url


async def test_the_add_webhook_command_stores_the_endpoint_and_prints_its_secret_once(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    await asyncio.to_thread(upgrade_to_head, MIGRATIONS, database_url)
    monkeypatch.setenv("NOTIFICATION_DATABASE_URL", database_url)
    key = Fernet.generate_key().decode()
    monkeypatch.setenv("NOTIFICATION_SECRETS_ENCRYPTION_KEYS", key)

    # The command runs its own event loop, as it does from a shell.
    command = ["add-webhook", "--organisation", str(ORGANISATION), "--event-types", SENT, "--url"]
    await asyncio.to_thread(main, [*command, "https://93.184.216.34/hooks"])
    with pytest.raises(SystemExit) as refused:
        await asyncio.to_thread(main, [*command, "http://127.0.0.1/hooks"])

    printed = capsys.readouterr()
    secret = re.search(r"^secret (whsec_\S+)", printed.out, re.MULTILINE)
    assert secret is not None
    assert refused.value.code == 2
    assert "loopback" in printed.err
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as connection:
            stored = (
                await connection.execute(
                    select(
                        webhook_endpoints.c.organisation_id,
                        webhook_endpoints.c.url,
                        webhook_endpoints.c.event_types,
                        webhook_endpoints.c.secrets,
                    )
                )
            ).all()
    finally:
        await engine.dispose()
    [(organisation_id, url, event_types, [encrypted])] = stored
    assert (organisation_id, url, event_types) == (ORGANISATION, "https://93.184.216.34/hooks", [SENT])
    assert secret.group(1).removeprefix("whsec_") not in encrypted
    assert WebhookSecretCipher([key]).decrypt(encrypted) == WebhookSecret.parse(secret.group(1))

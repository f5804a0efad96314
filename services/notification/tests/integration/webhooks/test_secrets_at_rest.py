"""Webhook secrets are stored encrypted in the real database, and what goes out still verifies with the
official `standardwebhooks` library: after registration, after a rotation, after the encryption key is
rotated, and for endpoints registered in the clear before migration 0008."""

import asyncio
from datetime import timedelta
from uuid import UUID, uuid4

import pytest
from alembic import command
from cryptography.fernet import Fernet
from notification_webhook_world import T0, DeliveryWorld, webhook_world
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from standardwebhooks import Webhook

from notification.adapters.secret_encryption import UnreadableSecretError, WebhookSecretCipher
from notification.adapters.subscriptions import SqlSubscriptions
from notification.adapters.webhook_deliveries import PostgresWebhookDeliveries
from notification.config import DEV_SECRETS_ENCRYPTION_KEY
from notification.domain.webhook_delivery import DeliveryStatus
from notification.domain.webhooks import WebhookEndpoint, WebhookSecret
from notification.entrypoints.cli import MIGRATIONS
from service_kit.database import create_session_factory
from service_kit.migrations import alembic_config

BODY = b'{"type":"fr.premiere-marche.referral.accepted"}'


async def stored_secrets(engine: AsyncEngine, endpoint_id: UUID) -> list[str]:
    async with engine.connect() as connection:
        secrets = await connection.scalar(
            text("SELECT secrets FROM webhook_endpoints WHERE id = :id"), {"id": endpoint_id}
        )
    return list(secrets)


def verified_by(world: DeliveryWorld, secret: WebhookSecret) -> list[object]:
    return [
        Webhook(secret.shared_form).verify(request.body, request.headers)
        for request in world.receiver.requests
    ]


def assert_not_in_clear(stored: list[str], *secrets: WebhookSecret) -> None:
    for secret in secrets:
        assert not [value for value in stored if secret.shared_form.removeprefix("whsec_") in value]


async def test_a_stored_secret_is_not_in_the_clear_and_the_delivery_still_verifies(
    world: DeliveryWorld,
) -> None:
    endpoint = await world.endpoint()
    await world.owe(endpoint)

    [delivery] = await world.run_at(T0)

    stored = await stored_secrets(world.engine, endpoint.id)
    assert len(stored) == 1
    assert_not_in_clear(stored, *endpoint.secrets)
    assert delivery.status is DeliveryStatus.DELIVERED
    assert verified_by(world, endpoint.secrets[0]) == [{"type": "fr.premiere-marche.referral.accepted"}]


async def test_a_rotated_secret_is_stored_encrypted_and_both_secrets_sign_during_the_overlap(
    world: DeliveryWorld,
) -> None:
    organisation_id = uuid4()
    old = WebhookSecret.generate()
    endpoint = WebhookEndpoint(uuid4(), world.receiver.url("/hooks"), (old,))
    new = WebhookSecret.generate()
    sessions = create_session_factory(world.engine)
    async with sessions.begin() as session:
        subscriptions = SqlSubscriptions(session, WebhookSecretCipher([DEV_SECRETS_ENCRYPTION_KEY]))
        await subscriptions.add_endpoint(endpoint, organisation_id=organisation_id, event_types=())
        await subscriptions.rotate_secret(organisation_id, endpoint.id, new, timedelta(hours=1))
    await world.owe(endpoint)

    await world.run_at(T0)

    stored = await stored_secrets(world.engine, endpoint.id)
    assert len(stored) == 2
    assert_not_in_clear(stored, old, new)
    assert (
        verified_by(world, new)
        == verified_by(world, old)
        == [{"type": "fr.premiere-marche.referral.accepted"}]
    )


async def test_after_a_new_key_is_put_first_a_secret_encrypted_under_the_old_one_still_signs(
    world: DeliveryWorld,
) -> None:
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    sessions = create_session_factory(world.engine)
    endpoint = WebhookEndpoint(uuid4(), world.receiver.url("/hooks"), (WebhookSecret.generate(),))
    await PostgresWebhookDeliveries(sessions, WebhookSecretCipher([old_key])).add_endpoint(endpoint)
    after_key_rotation = PostgresWebhookDeliveries(sessions, WebhookSecretCipher([new_key, old_key]))
    await world.owe(endpoint)

    [delivery] = await after_key_rotation.claim_due(T0, timedelta(minutes=1), 10)
    without_the_old_key = PostgresWebhookDeliveries(sessions, WebhookSecretCipher([new_key]))

    assert delivery.endpoint.secrets == endpoint.secrets
    with pytest.raises(UnreadableSecretError):
        await without_the_old_key.get(delivery.id)


async def test_migration_0008_encrypts_the_secrets_it_finds_in_the_clear(
    fresh_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = Fernet.generate_key().decode()
    monkeypatch.setenv("NOTIFICATION_SECRETS_ENCRYPTION_KEYS", key)
    await asyncio.to_thread(command.upgrade, alembic_config(MIGRATIONS, fresh_database), "0007")
    secret, endpoint_id = WebhookSecret.generate(), uuid4()
    engine = create_async_engine(fresh_database)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                text("INSERT INTO webhook_endpoints (id, url, secrets) VALUES (:id, 'http://x', :secrets)"),
                {"id": endpoint_id, "secrets": [secret.shared_form]},
            )
        await asyncio.to_thread(command.upgrade, alembic_config(MIGRATIONS, fresh_database), "0008")
        stored = await stored_secrets(engine, endpoint_id)
        await asyncio.to_thread(command.downgrade, alembic_config(MIGRATIONS, fresh_database), "0007")
        downgraded = await stored_secrets(engine, endpoint_id)
    finally:
        await engine.dispose()

    [encrypted] = stored
    assert_not_in_clear(stored, secret)
    assert WebhookSecretCipher([key]).decrypt(encrypted) == secret
    assert downgraded == [secret.shared_form]


async def test_an_endpoint_registered_before_migration_0008_still_gets_verifiable_deliveries(
    fresh_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NOTIFICATION_SECRETS_ENCRYPTION_KEYS", DEV_SECRETS_ENCRYPTION_KEY)
    await asyncio.to_thread(command.upgrade, alembic_config(MIGRATIONS, fresh_database), "0007")
    secret = WebhookSecret.generate()
    engine = create_async_engine(fresh_database)
    try:
        endpoint = await insert_clear_endpoint(engine, secret, "http://127.0.0.1:1/not-yet-known")
    finally:
        await engine.dispose()

    async with webhook_world(fresh_database) as world:  # migrates to the head
        await set_url(world.engine, endpoint, world.receiver.url("/hooks"))
        await world.owe(endpoint)
        [delivery] = await world.run_at(T0)
        stored = await stored_secrets(world.engine, endpoint.id)

        assert delivery.status is DeliveryStatus.DELIVERED
        assert verified_by(world, secret) == [{"type": "fr.premiere-marche.referral.accepted"}]
    assert_not_in_clear(stored, secret)


async def insert_clear_endpoint(engine: AsyncEngine, secret: WebhookSecret, url: str) -> WebhookEndpoint:
    endpoint = WebhookEndpoint(uuid4(), url, (secret,))
    async with engine.begin() as connection:
        await connection.execute(
            text("INSERT INTO webhook_endpoints (id, url, secrets) VALUES (:id, :url, :secrets)"),
            {"id": endpoint.id, "url": url, "secrets": [secret.shared_form]},
        )
    return endpoint


async def set_url(engine: AsyncEngine, endpoint: WebhookEndpoint, url: str) -> None:
    async with engine.begin() as connection:
        await connection.execute(
            text("UPDATE webhook_endpoints SET url = :url WHERE id = :id"), {"id": endpoint.id, "url": url}
        )

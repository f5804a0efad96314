"""An operator retires an encryption key: with the new key first, `notification reencrypt-webhook-secrets`
moves every stored secret under it (and encrypts any left in the clear), after which the service configured
with the new key alone still signs deliveries that verify with `standardwebhooks`. On the real database,
the command run as an operator runs it."""

import asyncio
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from uuid import UUID, uuid4

from cryptography.fernet import Fernet
from notification_webhook_world import T0, DeliveryWorld
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from standardwebhooks import Webhook

from notification.adapters.secret_encryption import WebhookSecretCipher
from notification.adapters.secret_reencryption import reencrypt_webhook_secrets
from notification.adapters.subscriptions import SqlSubscriptions
from notification.adapters.webhook_deliveries import PostgresWebhookDeliveries
from notification.domain.webhook_delivery import DeliveryStatus
from notification.domain.webhooks import WebhookEndpoint, WebhookSecret
from service_kit.database import create_session_factory

EVENT = {"type": "fr.premiere-marche.referral.accepted"}


def new_key() -> str:
    return Fernet.generate_key().decode()


async def all_stored_secrets(engine: AsyncEngine) -> dict[UUID, list[str]]:
    async with engine.connect() as connection:
        rows = await connection.execute(text("SELECT id, secrets FROM webhook_endpoints"))
        return {row.id: list(row.secrets) for row in rows}


async def add_endpoint(world: DeliveryWorld, key: str, path: str) -> WebhookEndpoint:
    endpoint = WebhookEndpoint(uuid4(), world.receiver.url(path), (WebhookSecret.generate(),))
    store = PostgresWebhookDeliveries(create_session_factory(world.engine), WebhookSecretCipher([key]))
    await store.add_endpoint(endpoint)
    return endpoint


async def add_rotated_endpoint(
    world: DeliveryWorld, key: str, path: str
) -> tuple[WebhookEndpoint, WebhookSecret]:
    """Two secrets stored, both signing for the hour of overlap."""
    organisation_id, new = uuid4(), WebhookSecret.generate()
    endpoint = WebhookEndpoint(uuid4(), world.receiver.url(path), (WebhookSecret.generate(),))
    async with create_session_factory(world.engine).begin() as session:
        subscriptions = SqlSubscriptions(session, WebhookSecretCipher([key]))
        await subscriptions.add_endpoint(endpoint, organisation_id=organisation_id, event_types=())
        await subscriptions.rotate_secret(organisation_id, endpoint.id, new, timedelta(hours=1))
    return endpoint, new


async def add_clear_endpoint(world: DeliveryWorld, path: str) -> WebhookEndpoint:
    """As an instance of the version before encryption wrote it."""
    endpoint = WebhookEndpoint(uuid4(), world.receiver.url(path), (WebhookSecret.generate(),))
    async with world.engine.begin() as connection:
        await connection.execute(
            text("INSERT INTO webhook_endpoints (id, url, secrets) VALUES (:id, :url, :secrets)"),
            {"id": endpoint.id, "url": endpoint.url, "secrets": [endpoint.secrets[0].shared_form]},
        )
    return endpoint


def verified_at(world: DeliveryWorld, path: str, secret: WebhookSecret) -> list[object]:
    return [
        Webhook(secret.shared_form).verify(request.body, request.headers)
        for request in world.receiver.requests_to(path)
    ]


async def reencrypt_command(
    database_url: str, keys: list[str], *arguments: str
) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "NOTIFICATION_DATABASE_URL": database_url,
        "NOTIFICATION_SECRETS_ENCRYPTION_KEYS": ",".join(keys),
        "NOTIFICATION_LOG_LEVEL": "WARNING",
    }
    return await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "notification", "reencrypt-webhook-secrets", *arguments],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@asynccontextmanager
async def row_locked(engine: AsyncEngine, endpoint_id: UUID) -> AsyncIterator[None]:
    """Another transaction holding the endpoint's row, as the service does while it rotates a secret."""
    async with engine.connect() as connection, connection.begin():
        await connection.execute(
            text("SELECT 1 FROM webhook_endpoints WHERE id = :id FOR UPDATE"), {"id": endpoint_id}
        )
        yield


async def test_after_re_encryption_the_old_key_can_go_and_every_endpoint_still_gets_verifiable_deliveries(
    world: DeliveryWorld, fresh_database: str
) -> None:
    old_key, new = new_key(), new_key()
    plain = await add_endpoint(world, old_key, "/plain")
    rotated, rotated_to = await add_rotated_endpoint(world, old_key, "/rotated")
    clear = await add_clear_endpoint(world, "/clear")
    already = await add_endpoint(world, new, "/already")
    before = await all_stored_secrets(world.engine)

    first = await reencrypt_command(fresh_database, [new, old_key], "--batch-size", "2")
    after_first = await all_stored_secrets(world.engine)
    second = await reencrypt_command(fresh_database, [new])
    after_second = await all_stored_secrets(world.engine)
    with_the_new_key_only = DeliveryWorld(
        PostgresWebhookDeliveries(create_session_factory(world.engine), WebhookSecretCipher([new])),
        world.sender,
        world.receiver,
        world.engine,
    )
    for endpoint in (plain, rotated, clear, already):
        await with_the_new_key_only.owe(endpoint)
    delivered = await with_the_new_key_only.run_at(T0)

    assert (first.returncode, first.stderr) == (0, "")
    assert first.stdout.splitlines() == [
        "endpoints rewritten 3 of 4, secrets re-encrypted 4 (in the clear before 1),"
        " already under the first key 1"
    ]
    assert second.returncode == 0, second.stderr
    assert second.stdout.splitlines() == [
        "endpoints rewritten 0 of 4, secrets re-encrypted 0 (in the clear before 0),"
        " already under the first key 5"
    ]
    assert after_second == after_first, "a second run rewrites nothing"
    assert after_first[already.id] == before[already.id]
    only_new = WebhookSecretCipher([new])
    assert all(only_new.is_under_first_key(stored) for secrets in after_first.values() for stored in secrets)
    assert [only_new.decrypt(stored) for stored in after_first[rotated.id]] == [
        rotated_to,
        rotated.secrets[0],
    ]
    everything_said = first.stdout + first.stderr + second.stdout + second.stderr
    for stored in [*before.values(), *after_first.values()]:
        assert not [value for value in stored if value.removeprefix("whsec_") in everything_said]
    assert [d.status for d in delivered] == [DeliveryStatus.DELIVERED] * 4
    for path, endpoint in (("/plain", plain), ("/clear", clear), ("/already", already)):
        assert verified_at(world, path, endpoint.secrets[0]) == [EVENT], path
    assert (
        verified_at(world, "/rotated", rotated_to)
        == verified_at(world, "/rotated", rotated.secrets[0])
        == [EVENT]
    )


async def test_an_endpoint_under_a_key_no_longer_configured_is_reported_left_as_it_is_and_the_run_fails(
    world: DeliveryWorld, fresh_database: str
) -> None:
    lost_key, old_key, new = new_key(), new_key(), new_key()
    unreadable = await add_endpoint(world, lost_key, "/lost")
    readable = await add_endpoint(world, old_key, "/kept")
    before = await all_stored_secrets(world.engine)

    done = await reencrypt_command(fresh_database, [new, old_key])
    after = await all_stored_secrets(world.engine)

    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        "endpoints rewritten 1 of 2, secrets re-encrypted 1 (in the clear before 0),"
        " already under the first key 0",
        f"unreadable endpoint {unreadable.id}: a secret no configured key decrypts, left as it is",
    ]
    assert "keep every key" in done.stderr
    assert after[unreadable.id] == before[unreadable.id]
    assert WebhookSecretCipher([new]).decrypt(after[readable.id][0]) == readable.secrets[0]


async def test_an_endpoint_the_service_holds_is_skipped_without_waiting_and_reported_busy(
    world: DeliveryWorld,
) -> None:
    old_key, new = new_key(), new_key()
    held, free = await add_endpoint(world, old_key, "/held"), await add_endpoint(world, old_key, "/free")
    before = await all_stored_secrets(world.engine)
    sessions = create_session_factory(world.engine)

    async with row_locked(world.engine, held.id):
        done = await asyncio.wait_for(
            reencrypt_webhook_secrets(
                sessions, WebhookSecretCipher([new, old_key]), busy_retries=2, busy_pause_seconds=0.01
            ),
            timeout=10,
        )
    after = await all_stored_secrets(world.engine)

    assert (done.busy, done.endpoints_rewritten, done.complete) == ([held.id], 1, False)
    assert after[held.id] == before[held.id]
    assert WebhookSecretCipher([new]).decrypt(after[free.id][0]) == free.secrets[0]


async def test_an_endpoint_held_by_a_rotation_is_re_encrypted_as_the_rotation_left_it(
    world: DeliveryWorld,
) -> None:
    """The rotation, by an instance still encrypting under the old key, has written but not committed yet:
    the run skips the row, tries again once the rotation has committed, and re-encrypts both secrets."""
    old_key, new = new_key(), new_key()
    organisation_id, rotated_to = uuid4(), WebhookSecret.generate()
    endpoint = WebhookEndpoint(uuid4(), world.receiver.url("/hooks"), (WebhookSecret.generate(),))
    sessions = create_session_factory(world.engine)
    async with sessions.begin() as session:
        await SqlSubscriptions(session, WebhookSecretCipher([old_key])).add_endpoint(
            endpoint, organisation_id=organisation_id, event_types=()
        )
    rotation_written = asyncio.Event()

    async def rotate_and_commit_a_little_later() -> None:
        async with sessions.begin() as session:
            await SqlSubscriptions(session, WebhookSecretCipher([old_key])).rotate_secret(
                organisation_id, endpoint.id, rotated_to, timedelta(hours=1)
            )
            rotation_written.set()
            await asyncio.sleep(0.3)

    rotation = asyncio.create_task(rotate_and_commit_a_little_later())
    await rotation_written.wait()
    done = await reencrypt_webhook_secrets(
        sessions, WebhookSecretCipher([new, old_key]), busy_retries=20, busy_pause_seconds=0.1
    )
    await rotation
    stored = (await all_stored_secrets(world.engine))[endpoint.id]

    assert (done.busy, done.endpoints_rewritten, done.secrets_reencrypted, done.complete) == ([], 1, 2, True)
    assert [WebhookSecretCipher([new]).decrypt(value) for value in stored] == [
        rotated_to,
        endpoint.secrets[0],
    ]

"""Idempotency keys older than a day are forgotten by the running service; younger ones are honoured."""

import asyncio
import contextlib
from datetime import timedelta
from uuid import uuid4

from sqlalchemy import text

from devstack.eventually import eventually
from notification.entrypoints.cli import MIGRATIONS
from service_kit.database import create_database_engine, create_session_factory
from service_kit.http.idempotency import purge_expired_idempotency_keys_forever
from service_kit.migrations import upgrade_to_head

INSERT_KEY = """
    INSERT INTO idempotency_keys (organisation_id, idempotency_key, request_fingerprint, created_at)
    VALUES (:organisation_id, :key, 'fingerprint', now() - CAST(:age AS interval))
"""


async def test_keys_older_than_a_day_are_purged_and_younger_ones_kept(fresh_database: str) -> None:
    await asyncio.to_thread(upgrade_to_head, MIGRATIONS, fresh_database)
    engine = create_database_engine(fresh_database, pool_size=2)
    sessions = create_session_factory(engine)
    organisation_id = uuid4()
    async with sessions.begin() as session:
        for key, age in (("old", timedelta(hours=25)), ("young", timedelta(hours=23))):
            await session.execute(
                text(INSERT_KEY), {"organisation_id": organisation_id, "key": key, "age": age}
            )

    async def remaining_keys() -> list[str]:
        async with sessions() as session:
            return list(
                (await session.execute(text("SELECT idempotency_key FROM idempotency_keys"))).scalars()
            )

    purging = asyncio.create_task(purge_expired_idempotency_keys_forever(sessions, interval_seconds=0.05))
    try:
        remaining = await eventually(remaining_keys, lambda keys: keys == ["young"], timeout_seconds=10)
    finally:
        purging.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await purging
        await engine.dispose()

    assert remaining == ["young"]

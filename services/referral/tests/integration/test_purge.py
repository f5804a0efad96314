"""Old idempotency keys and long-published outbox rows are purged; recent ones stay."""

import asyncio
import contextlib
from datetime import timedelta

from referral_world import ReferralDatabase
from sqlalchemy import text

from devstack.eventually import eventually
from referral.domain.codes import OrganisationKind
from referral.entrypoints.scheduled_jobs import purge_forgotten_rows_forever
from service_kit.metrics import ServiceMetrics
from service_kit.outbox_relay import OutboxRelay
from service_kit.producer import EventProducer


async def test_the_purge_forgets_only_what_is_past_its_retention(referral_database: ReferralDatabase) -> None:
    db = referral_database
    prescriber = await db.organisation(OrganisationKind.PRESCRIBER)
    operator = await db.organisation(OrganisationKind.OPERATOR)
    for _ in range(2):
        await db.submit(prescriber, operator, None)
    async with db.engine.begin() as connection:
        await connection.execute(
            text(
                "INSERT INTO idempotency_keys"
                " (organisation_id, idempotency_key, request_fingerprint, created_at)"
                " VALUES (:org, 'old', 'f', now() - interval '25 hours'), (:org, 'new', 'f', now())"
            ),
            {"org": prescriber},
        )
        await connection.execute(
            text(
                "UPDATE outbox SET published_at = now() - interval '8 days'"
                " WHERE id = (SELECT min(id) FROM outbox)"
            )
        )
    relay = OutboxRelay(db.engine, EventProducer("127.0.0.1:1", client_id="unused"), ServiceMetrics())

    job = asyncio.create_task(
        purge_forgotten_rows_forever(
            db.sessions, relay, interval_seconds=60, published_retention=timedelta(days=7)
        )
    )

    async def keys_and_outbox() -> tuple[list[object], list[object]]:
        return await db.rows("SELECT idempotency_key FROM idempotency_keys"), await db.rows(
            "SELECT count(*) FROM outbox"
        )

    try:
        keys, outbox = await eventually(keys_and_outbox, lambda found: found == ([("new",)], [(3,)]))
    finally:
        job.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await job

    assert keys == [("new",)]
    assert outbox == [(3,)]

"""Idempotency keys past their day are purged; recent ones stay."""

import asyncio
import contextlib

from referral_world import ReferralDatabase
from sqlalchemy import text

from devstack.eventually import eventually
from referral.domain.codes import OrganisationKind
from service_kit.http.idempotency import purge_expired_idempotency_keys_forever


async def test_the_purge_forgets_only_the_keys_past_their_retention(
    referral_database: ReferralDatabase,
) -> None:
    db = referral_database
    prescriber = await db.organisation(OrganisationKind.PRESCRIBER)
    async with db.engine.begin() as connection:
        await connection.execute(
            text(
                "INSERT INTO idempotency_keys"
                " (organisation_id, idempotency_key, request_fingerprint, created_at)"
                " VALUES (:org, 'old', 'f', now() - interval '25 hours'), (:org, 'new', 'f', now())"
            ),
            {"org": prescriber},
        )

    job = asyncio.create_task(purge_expired_idempotency_keys_forever(db.sessions, interval_seconds=60))
    try:
        keys = await eventually(
            lambda: db.rows("SELECT idempotency_key FROM idempotency_keys"), lambda found: found == [("new",)]
        )
    finally:
        job.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await job

    assert keys == [("new",)]

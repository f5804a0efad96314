"""Idempotency keys are honoured for a day (the kit's retention); every instance forgets older ones on an
interval, which is safe to run on several instances at once."""

import asyncio

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from service_kit.http.idempotency import purge_expired_idempotency_keys

_log = structlog.get_logger(__name__)


async def purge_expired_idempotency_keys_forever(
    session_factory: async_sessionmaker[AsyncSession], *, interval_seconds: float
) -> None:
    while True:
        try:
            async with session_factory() as session, session.begin():
                purged = await purge_expired_idempotency_keys(session)
            if purged:
                _log.info("expired idempotency keys purged", count=purged)
        except Exception as error:
            # The next interval tries again; a database that is away must not stop the service.
            _log.warning("purging idempotency keys failed; retrying later", error_class=type(error).__name__)
        await asyncio.sleep(interval_seconds)

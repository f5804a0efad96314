"""Forgets outbox rows published long ago, a chunk per short transaction; several instances may purge at
once, each row being deleted by one of them."""

import asyncio
from datetime import timedelta
from typing import Final

import asyncpg
import structlog
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from service_kit.messaging_tables import OUTBOX_TABLE

DEFAULT_PUBLISHED_RETENTION: Final = timedelta(days=7)
DEFAULT_PURGE_INTERVAL: Final = timedelta(hours=1)
DEFAULT_CHUNK_SIZE: Final = 1000

# No index on published_at, hence no migration: the relay publishes in id order, which puts the rows past
# their retention before the first row that is not; the purge walks the primary key up to that row and no
# further, even when nothing is due. A row published out of id order (its transaction committed late)
# waits for a later purge.
_CUTOFF_AND_FIRST_ROW_KEPT = text(
    "WITH cutoff AS (SELECT now() - make_interval(secs => :seconds) AS published_before) "  # noqa: S608
    "SELECT published_before, coalesce("
    f"(SELECT id FROM {OUTBOX_TABLE} "
    "WHERE published_at IS NULL OR published_at >= published_before ORDER BY id LIMIT 1), "
    f"(SELECT max(id) + 1 FROM {OUTBOX_TABLE})) AS first_kept_id "
    "FROM cutoff"
)
_DELETE_CHUNK = text(
    f"DELETE FROM {OUTBOX_TABLE} WHERE id IN ("  # noqa: S608
    f"SELECT id FROM {OUTBOX_TABLE} WHERE id < :first_kept_id AND published_at < :published_before "
    "ORDER BY id LIMIT :chunk_size FOR UPDATE SKIP LOCKED)"
)

_log = structlog.get_logger(__name__)


async def purge_published_outbox_rows(
    engine: AsyncEngine, *, older_than: timedelta, chunk_size: int = DEFAULT_CHUNK_SIZE
) -> int:
    """Deletes the rows published more than `older_than` ago; returns how many this call deleted.

    An engine rather than a session: each chunk commits on its own, so that a first purge of months of
    rows never holds them all in one transaction."""
    async with engine.begin() as connection:
        bounds = (
            await connection.execute(_CUTOFF_AND_FIRST_ROW_KEPT, {"seconds": older_than.total_seconds()})
        ).one()
    if bounds.first_kept_id is None:
        return 0
    chunk = {
        "first_kept_id": bounds.first_kept_id,
        "published_before": bounds.published_before,
        "chunk_size": chunk_size,
    }
    purged = 0
    while True:
        async with engine.begin() as connection:
            deleted = (await connection.execute(_DELETE_CHUNK, chunk)).rowcount
        purged += deleted
        if deleted < chunk_size:
            return purged


async def purge_published_outbox_rows_forever(
    engine: AsyncEngine,
    *,
    older_than: timedelta,
    interval_seconds: float,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> None:
    while True:
        try:
            purged = await purge_published_outbox_rows(engine, older_than=older_than, chunk_size=chunk_size)
            if purged:
                _log.info("published outbox rows purged", count=purged)
        except (OSError, SQLAlchemyError, asyncpg.PostgresError) as error:
            _log.warning(
                "purging published outbox rows failed; retrying later", error_class=type(error).__name__
            )
        except Exception as error:
            _log.exception(
                "purging published outbox rows failed; retrying later", error_class=type(error).__name__
            )
        await asyncio.sleep(interval_seconds)

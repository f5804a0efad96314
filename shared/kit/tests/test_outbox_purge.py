"""Published outbox rows are forgotten once past their retention, a chunk at a time, by however many
purges run at once; rows still to publish are never touched."""

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import structlog
from sqlalchemy import MetaData, event, text
from sqlalchemy.ext.asyncio import AsyncEngine

from devstack.eventually import eventually
from service_kit.database import create_database_engine
from service_kit.messaging_tables import define_outbox_table
from service_kit.outbox_purge import purge_published_outbox_rows, purge_published_outbox_rows_forever

WEEK = timedelta(days=7)
LONG_AGO = timedelta(days=8)
PURGED = "published outbox rows purged"
FAILED = "purging published outbox rows failed; retrying later"

_ADD_ROWS = text(
    "INSERT INTO outbox (event_id, topic, message_key, message_value, headers, created_at, published_at) "
    "SELECT gen_random_uuid(), 'topic', convert_to('key', 'UTF8'), convert_to('value', 'UTF8'), '[]', "
    "now() - CAST(:ago AS interval), CASE WHEN :published THEN now() - CAST(:ago AS interval) END "
    "FROM generate_series(1, :count) RETURNING id"
)


async def add_rows(engine: AsyncEngine, count: int, *, ago: timedelta, published: bool = True) -> list[int]:
    """Rows written `ago`, and published as long ago unless `published` is false."""
    async with engine.begin() as connection:
        added = await connection.execute(_ADD_ROWS, {"count": count, "ago": ago, "published": published})
        return sorted(added.scalars())


@contextlib.asynccontextmanager
async def purging_every_twentieth_of_a_second(engine: AsyncEngine) -> AsyncIterator[None]:
    job = asyncio.create_task(
        purge_published_outbox_rows_forever(engine, older_than=WEEK, interval_seconds=0.05)
    )
    try:
        yield
    finally:
        job.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await job


async def rows_left(engine: AsyncEngine) -> list[int]:
    async with engine.connect() as connection:
        return list((await connection.execute(text("SELECT id FROM outbox ORDER BY id"))).scalars())


async def test_rows_still_to_publish_are_never_purged_however_old(messaging_engine: AsyncEngine) -> None:
    await add_rows(messaging_engine, 3, ago=timedelta(days=30))
    unpublished = await add_rows(messaging_engine, 3, ago=timedelta(days=30), published=False)

    purged_after_a_week = await purge_published_outbox_rows(messaging_engine, older_than=WEEK)
    purged_at_once = await purge_published_outbox_rows(messaging_engine, older_than=timedelta(0))

    assert (purged_after_a_week, purged_at_once) == (3, 0)
    assert await rows_left(messaging_engine) == unpublished


async def test_rows_published_within_the_retention_are_kept(messaging_engine: AsyncEngine) -> None:
    await add_rows(messaging_engine, 4, ago=LONG_AGO)
    recent = await add_rows(messaging_engine, 4, ago=timedelta(days=6))
    unpublished = await add_rows(messaging_engine, 2, ago=timedelta(0), published=False)

    purged = await purge_published_outbox_rows(messaging_engine, older_than=WEEK)

    assert purged == 4
    assert await rows_left(messaging_engine) == recent + unpublished


async def test_old_rows_are_deleted_a_chunk_per_statement_until_a_chunk_comes_back_short(
    messaging_engine: AsyncEngine,
) -> None:
    await add_rows(messaging_engine, 25, ago=LONG_AGO)
    recent = await add_rows(messaging_engine, 2, ago=timedelta(hours=1))
    deleted_per_statement: list[int] = []

    def note_deletions(_connection: Any, cursor: Any, statement: str, *_: Any) -> None:
        if statement.startswith("DELETE"):
            deleted_per_statement.append(cursor.rowcount)

    event.listen(messaging_engine.sync_engine, "after_cursor_execute", note_deletions)
    try:
        purged = await purge_published_outbox_rows(messaging_engine, older_than=WEEK, chunk_size=10)
    finally:
        event.remove(messaging_engine.sync_engine, "after_cursor_execute", note_deletions)

    assert purged == 25
    assert deleted_per_statement == [10, 10, 5]
    assert await rows_left(messaging_engine) == recent


async def test_two_purges_at_once_delete_each_row_once_and_neither_fails(
    messaging_engine: AsyncEngine,
) -> None:
    await add_rows(messaging_engine, 600, ago=LONG_AGO)

    purged = await asyncio.gather(
        purge_published_outbox_rows(messaging_engine, older_than=WEEK, chunk_size=25),
        purge_published_outbox_rows(messaging_engine, older_than=WEEK, chunk_size=25),
    )

    assert sum(purged) == 600
    assert await rows_left(messaging_engine) == []


async def test_a_purge_skips_the_rows_another_one_holds_instead_of_waiting(
    messaging_engine: AsyncEngine,
) -> None:
    old = await add_rows(messaging_engine, 30, ago=LONG_AGO)

    async with messaging_engine.connect() as other_purge:
        holding = await other_purge.begin()
        await other_purge.execute(text("DELETE FROM outbox WHERE id = ANY(:ids)"), {"ids": old[:10]})
        purged = await asyncio.wait_for(
            purge_published_outbox_rows(messaging_engine, older_than=WEEK, chunk_size=10), timeout=10
        )
        await holding.commit()

    assert purged == 20
    assert await rows_left(messaging_engine) == []


async def test_the_job_purges_on_its_interval_and_logs_only_how_many(messaging_engine: AsyncEngine) -> None:
    await add_rows(messaging_engine, 5, ago=LONG_AGO)

    with structlog.testing.capture_logs() as logs:
        async with purging_every_twentieth_of_a_second(messaging_engine):
            emptied = await eventually(lambda: rows_left(messaging_engine), lambda left: left == [])
            await add_rows(messaging_engine, 3, ago=LONG_AGO)
            emptied_again = await eventually(lambda: rows_left(messaging_engine), lambda left: left == [])

    assert emptied == emptied_again == []
    assert logs == [
        {"event": PURGED, "count": 5, "log_level": "info"},
        {"event": PURGED, "count": 3, "log_level": "info"},
    ]


async def test_the_job_outlives_a_failing_database_and_purges_once_it_recovers(fresh_database: str) -> None:
    engine = create_database_engine(fresh_database, pool_size=2)

    with structlog.testing.capture_logs() as logs:

        async def logged_warnings() -> list[dict[str, Any]]:
            return [entry for entry in logs if entry["log_level"] == "warning"]

        try:
            async with purging_every_twentieth_of_a_second(engine):
                warnings = await eventually(logged_warnings, lambda found: len(found) >= 2)
                async with engine.begin() as connection:
                    await connection.run_sync(define_outbox_table(MetaData()).create)
                await add_rows(engine, 2, ago=LONG_AGO)
                left = await eventually(lambda: rows_left(engine), lambda found: found == [])
        finally:
            await engine.dispose()

    assert warnings[:2] == [{"event": FAILED, "error_class": "ProgrammingError", "log_level": "warning"}] * 2
    assert left == []
    assert logs[-1] == {"event": PURGED, "count": 2, "log_level": "info"}

"""Tells every instance's dispatchers that deliveries were just owed, so that they need not wait for their
next interval: a NOTIFY in the routing transaction (PostgreSQL delivers it at commit, exactly when the rows
become visible), and a LISTEN connection per instance. The interval stays as the safety net."""

import asyncio
import contextlib
from collections.abc import Callable

import asyncpg
import structlog
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from service_kit.database import libpq_url

OWED_CHANNEL = "notification_deliveries_owed"
_NOTIFY = text(f"SELECT pg_notify('{OWED_CHANNEL}', '')")
_log = structlog.get_logger(__name__)


async def signal_owed(session: AsyncSession) -> None:
    await session.execute(_NOTIFY)


async def listen_for_owed_forever(
    database_url: str, on_owed: Callable[[], None], *, retry_seconds: float = 5.0
) -> None:
    """Calls `on_owed` at every routing commit that owed something; listens again when the connection
    drops."""
    while True:
        try:
            await _listen_until_closed(database_url, on_owed)
        except (OSError, asyncpg.PostgresError) as error:
            _log.warning("cannot listen for owed deliveries; polling only", error_class=type(error).__name__)
        await asyncio.sleep(retry_seconds)


async def _listen_until_closed(database_url: str, on_owed: Callable[[], None]) -> None:
    connection = await asyncpg.connect(libpq_url(database_url))
    try:
        closed = asyncio.Event()
        connection.add_termination_listener(lambda _connection: closed.set())
        await connection.add_listener(OWED_CHANNEL, lambda *_: on_owed())
        await closed.wait()
    finally:
        if not connection.is_closed():
            with contextlib.suppress(OSError, asyncpg.PostgresError):
                await connection.close()

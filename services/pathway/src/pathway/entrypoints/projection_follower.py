"""Looks, every interval, at which projection generation is live, and moves this instance to it."""

import asyncio
from collections.abc import Awaitable, Callable

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from pathway.adapters.projection_generations import Generation, SqlProjectionGenerations

_log = structlog.get_logger(__name__)

MoveTo = Callable[[Generation], Awaitable[None]]


class ProjectionFollower:
    def __init__(self, session_factory: async_sessionmaker[AsyncSession], *, interval_seconds: float) -> None:
        self._session_factory = session_factory
        self._interval_seconds = interval_seconds

    async def live_generation(self) -> Generation:
        async with self._session_factory() as session, session.begin():
            return await SqlProjectionGenerations(session).active()

    async def run(self, move_to: MoveTo) -> None:
        while True:
            await asyncio.sleep(self._interval_seconds)
            try:
                await move_to(await self.live_generation())
            except Exception:
                # The database or the broker may be away for a while: the next look tries again.
                _log.exception("following the live projection generation failed; retrying at the next look")

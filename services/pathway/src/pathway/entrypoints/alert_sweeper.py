"""Looks, every interval, for pathways whose time-based alerts have fallen due, and raises them."""

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from pathway.adapters.pathway_repository import SqlPathways
from pathway.adapters.timeline_publisher import OutboxTimelinePublisher
from pathway.service.raise_alerts_due import raise_alerts_due

_log = structlog.get_logger(__name__)


def utc_now() -> datetime:
    return datetime.now(UTC)


class AlertSweeper:
    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        *,
        region: str,
        timeline_topic: str,
        interval_seconds: float,
        batch_size: int,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._session_factory = session_factory
        self._region = region
        self._timeline_topic = timeline_topic
        self._interval_seconds = interval_seconds
        self._batch_size = batch_size
        self._clock = clock

    async def sweep_once(self) -> int:
        """Raise one batch of due alerts in one transaction; the number of alerts raised."""
        async with self._session_factory() as session, session.begin():
            raised = await raise_alerts_due(
                self._clock(),
                SqlPathways(session),
                OutboxTimelinePublisher(session, region=self._region, topic=self._timeline_topic),
                batch_size=self._batch_size,
            )
        return len(raised)

    async def run(self) -> None:
        while True:
            try:
                raised = await self.sweep_once()
            except Exception:
                # The database may be away for a while; the next sweep finds the same alerts still due.
                _log.exception("alert sweep failed; retrying at the next interval")
            else:
                if raised:
                    _log.info("time-based alerts raised", count=raised)
                    continue
            await asyncio.sleep(self._interval_seconds)

"""The only place that wires settings → engine (→ broker and outbox relay, once notification has events)."""

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from notification.config import NotificationSettings
from service_kit.database import create_database_engine
from service_kit.metrics import ServiceMetrics


@dataclass
class NotificationService:
    settings: NotificationSettings
    engine: AsyncEngine
    metrics: ServiceMetrics

    async def start(self) -> None:
        """Nothing to start until the service consumes or publishes events."""

    async def stop(self) -> None:
        await self.engine.dispose()


def bootstrap(settings: NotificationSettings) -> NotificationService:
    return NotificationService(
        settings=settings,
        engine=create_database_engine(settings.database_url),
        metrics=ServiceMetrics(),
    )

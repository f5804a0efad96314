"""The only place that wires settings → engine (→ broker and outbox relay, once referral has events)."""

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from referral.config import ReferralSettings
from service_kit.database import create_database_engine
from service_kit.metrics import ServiceMetrics


@dataclass
class ReferralService:
    settings: ReferralSettings
    engine: AsyncEngine
    metrics: ServiceMetrics

    async def start(self) -> None:
        """Nothing to start until the service consumes or publishes events."""

    async def stop(self) -> None:
        await self.engine.dispose()


def bootstrap(settings: ReferralSettings) -> ReferralService:
    return ReferralService(
        settings=settings,
        engine=create_database_engine(settings.database_url),
        metrics=ServiceMetrics(),
    )

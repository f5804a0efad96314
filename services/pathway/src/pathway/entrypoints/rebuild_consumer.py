"""The assembler as a rebuild runs it: the same handler and inbox, publishing nothing and setting nothing
aside again, fed by the rebuild's replay rather than by a subscription."""

from dataclasses import dataclass
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from pathway.config import PathwaySettings
from pathway.entrypoints.consumers import when_event_received_assemble_the_pathway
from pathway.entrypoints.topic_aware_consumer import TopicAwareEventConsumer
from service_kit.dead_letters import DeadLetters, FailedMessage
from service_kit.metrics import ServiceMetrics

_log = structlog.get_logger(__name__)


class WithheldDeadLetters(DeadLetters):
    """The live generation set these aside when they first came; a second copy would be replayed twice."""

    def __init__(self, metrics: ServiceMetrics) -> None:
        self._metrics = metrics
        self.withheld = 0

    async def set_aside(
        self, message: FailedMessage, *, consumer: str, error_class: str, reason: str
    ) -> None:
        self.withheld += 1
        _log.info(
            "refused again during the rebuild", consumer=consumer, error_class=error_class, reason=reason
        )


class RebuildingAssembler(TopicAwareEventConsumer):
    def __init__(
        self,
        settings: PathwaySettings,
        generation: int,
        session_factory: async_sessionmaker[AsyncSession],
    ) -> None:
        metrics = ServiceMetrics()
        self.dead_letters = WithheldDeadLetters(metrics)
        super().__init__(
            name=settings.assembler_group_of(generation),
            handler=when_event_received_assemble_the_pathway(
                settings.region, settings.topics, publishing=False
            ),
            session_factory=session_factory,
            dead_letters=self.dead_letters,
            metrics=metrics,
            offset_commits=settings.offset_commits,
        )


@dataclass(frozen=True)
class ReplayedMessage:
    """A replayed record as the kit's consumer takes it, with the Kafka consumer its offset is committed
    through (in the rebuild's consumer group, for the serving instances to take over from)."""

    raw_message: Any
    consumer: Any

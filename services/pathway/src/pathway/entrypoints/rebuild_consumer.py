"""The assembler as a rebuild runs it: the same handler, publishing nothing and setting nothing
aside again, fed by the rebuild's replay rather than by a subscription."""

from dataclasses import dataclass
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from pathway.config import PathwaySettings
from pathway.entrypoints.consumers import (
    when_event_received_assemble_the_pathway,
    when_events_received_assemble_the_pathways,
)
from pathway.entrypoints.topic_aware_consumer import TopicAwareEventConsumer
from service_kit.batch_consumer import BatchEventConsumer
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


def rebuilding_assembler(
    settings: PathwaySettings, generation: int, session_factory: async_sessionmaker[AsyncSession]
) -> tuple[BatchEventConsumer, WithheldDeadLetters]:
    """The assembler of `generation` as the live one is built, batches and all, minus publishing."""
    metrics = ServiceMetrics()
    dead_letters = WithheldDeadLetters(metrics)
    one_at_a_time = TopicAwareEventConsumer(
        name=settings.assembler_group_of(generation),
        handler=when_event_received_assemble_the_pathway(settings.region, settings.topics, publishing=False),
        session_factory=session_factory,
        dead_letters=dead_letters,
        metrics=metrics,
        offset_commits=settings.offset_commits,
    )
    together = BatchEventConsumer(
        one_at_a_time=one_at_a_time,
        handler=when_events_received_assemble_the_pathways(
            settings.region, settings.topics, publishing=False
        ),
        session_factory=session_factory,
        metrics=metrics,
    )
    return together, dead_letters


@dataclass(frozen=True)
class ReplayedBatch:
    """Replayed records as the kit's batch consumer takes them, with the Kafka consumer their offsets are
    committed through (in the rebuild's consumer group, for the serving instances to take over from)."""

    raw_message: Any
    consumer: Any

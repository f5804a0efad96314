"""The only place that wires settings → engine → broker → consumers, relay and purge of the outbox (unless
`pathway relay` runs those)."""

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field

import structlog
from faststream.kafka import KafkaBroker
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from pathway.adapters.partner_events_topic import PartnerEventsTopic
from pathway.adapters.projection_generations import Generation, ProjectionSchema, follow_projection_schema
from pathway.config import SERVICE_NAME, PathwaySettings
from pathway.entrypoints.alert_sweeper import AlertSweeper
from pathway.entrypoints.consumers import (
    when_event_received_assemble_the_pathway,
    when_events_received_assemble_the_pathways,
)
from pathway.entrypoints.projection_follower import ProjectionFollower
from pathway.entrypoints.topic_aware_consumer import TopicAwareEventConsumer
from service_kit.background_tasks import cancel_and_wait
from service_kit.batch_consumer import BatchEventConsumer
from service_kit.broker import create_broker
from service_kit.database import create_database_engine, create_session_factory
from service_kit.dead_letters import DeadLetters
from service_kit.event_consumer import AfterCommit, EventConsumer
from service_kit.metrics import ServiceMetrics
from service_kit.producer import EventProducer
from service_kit.relay_process import OutboxHousekeeping, outbox_housekeeping_of
from service_kit.subscriptions import subscribe, subscribe_batches

AssemblerOf = Callable[[int], tuple[EventConsumer | BatchEventConsumer, KafkaBroker]]
"""The assembler of a projection generation, subscribed with that generation's consumer group."""

_log = structlog.get_logger(__name__)


@dataclass
class PathwayService:
    settings: PathwaySettings
    engine: AsyncEngine
    session_factory: async_sessionmaker[AsyncSession]
    broker: KafkaBroker
    producer: EventProducer
    outbox: OutboxHousekeeping
    metrics: ServiceMetrics
    assembler: EventConsumer | BatchEventConsumer
    alert_sweeper: AlertSweeper
    partner_topic: PartnerEventsTopic
    projection: ProjectionSchema
    projection_follower: ProjectionFollower
    assembler_of: AssemblerOf
    _background: list[asyncio.Task[None]] = field(default_factory=list, init=False)
    _following: asyncio.Task[None] | None = field(default=None, init=False)
    _assembling: Generation | None = field(default=None, init=False)
    """The generation whose group the running assembler consumes in; None while it moves."""

    async def start(self) -> None:
        await self.producer.start()
        live = await self.projection_follower.live_generation()
        if live != self.projection.current:
            self.projection.current = live
            self.assembler, self.broker = self.assembler_of(live.number)
        if self.settings.run_outbox_relay:
            self.outbox.start()
        self._background = [asyncio.create_task(self.alert_sweeper.run(), name="alert-sweeper")]
        await self.broker.start()
        self._assembling = live
        self._following = asyncio.create_task(self.projection_follower.run(self.move_to), name="projection")

    async def move_to(self, live: Generation) -> None:
        """Reads go to `live` from the next transaction on; the assembler stops in the old generation's
        group (its finished offsets committed) and carries on in the new one's from where the rebuild
        left it. What both generations assemble in between is published twice with the same ids."""
        if live == self.projection.current == self._assembling:
            return
        _log.info("moving to another projection generation", generation=live.number)
        await self.broker.stop()
        self._assembling = None
        self.projection.current = live
        self.assembler, self.broker = self.assembler_of(live.number)
        await self.broker.start()
        self._assembling = live

    async def stop(self) -> None:
        if self._following is not None:
            self._following.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._following
        await self.broker.stop()
        await cancel_and_wait(self._background)
        await self.outbox.stop()
        await self.partner_topic.stop()
        await self.producer.stop()
        await self.engine.dispose()


def bootstrap(settings: PathwaySettings, *, after_commit: AfterCommit | None = None) -> PathwayService:
    """`after_commit` observes each event once its transaction has committed (tests use it to crash
    the process at the worst moment)."""
    metrics = ServiceMetrics()
    engine = create_database_engine(settings.database_url)
    projection = ProjectionSchema()
    follow_projection_schema(engine, projection)
    session_factory = create_session_factory(engine)
    producer = EventProducer(settings.kafka_bootstrap_servers, client_id=f"{SERVICE_NAME}-{settings.region}")
    topics = settings.topics

    def assembler_of(generation: int) -> tuple[EventConsumer | BatchEventConsumer, KafkaBroker]:
        broker = create_broker(
            settings.kafka_bootstrap_servers, client_id=f"{SERVICE_NAME}-{settings.region}"
        )
        assembler = TopicAwareEventConsumer(
            name=settings.assembler_group_of(generation),
            handler=when_event_received_assemble_the_pathway(settings.region, topics),
            session_factory=session_factory,
            dead_letters=DeadLetters(producer, metrics),
            metrics=metrics,
            after_commit=after_commit,
            offset_commits=settings.offset_commits,
        )
        assembled = [topics.referral_events, topics.partner_events]
        if settings.assembler_batch_size == 1:
            subscribe(broker, assembler, topics=assembled)
            return assembler, broker
        together = BatchEventConsumer(
            one_at_a_time=assembler,
            handler=when_events_received_assemble_the_pathways(settings.region, topics),
            session_factory=session_factory,
            metrics=metrics,
            after_commit=after_commit,
        )
        subscribe_batches(broker, together, topics=assembled, max_records=settings.assembler_batch_size)
        return together, broker

    assembler, broker = assembler_of(projection.current.number)
    outbox = outbox_housekeeping_of(settings, engine, producer, metrics)
    alert_sweeper = AlertSweeper(
        session_factory,
        region=settings.region,
        timeline_topic=topics.pathway_timeline,
        interval_seconds=settings.alert_sweep_interval_seconds,
        batch_size=settings.alert_sweep_batch_size,
    )
    # A producer of its own: the API starts it when first needed, and it must not hold up the relay.
    partner_topic = PartnerEventsTopic(
        EventProducer(settings.kafka_bootstrap_servers, client_id=f"{SERVICE_NAME}-{settings.region}-ingest"),
        topic=topics.partner_events,
        ack_timeout_seconds=settings.ingest_ack_timeout_seconds,
    )
    return PathwayService(
        settings=settings,
        engine=engine,
        session_factory=session_factory,
        broker=broker,
        producer=producer,
        outbox=outbox,
        metrics=metrics,
        assembler=assembler,
        alert_sweeper=alert_sweeper,
        partner_topic=partner_topic,
        projection=projection,
        projection_follower=ProjectionFollower(
            session_factory, interval_seconds=settings.projection_poll_interval_seconds
        ),
        assembler_of=assembler_of,
    )

"""The only place that wires settings → engine → broker → consumers and relay."""

import asyncio
import contextlib
from dataclasses import dataclass, field

from faststream.kafka import KafkaBroker
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from pathway.adapters.partner_events_topic import PartnerEventsTopic
from pathway.config import SERVICE_NAME, PathwaySettings
from pathway.entrypoints.alert_sweeper import AlertSweeper
from pathway.entrypoints.consumers import when_event_received_assemble_the_pathway
from pathway.entrypoints.topic_aware_consumer import TopicAwareEventConsumer
from service_kit.broker import create_broker
from service_kit.database import create_database_engine, create_session_factory
from service_kit.dead_letters import DeadLetters
from service_kit.event_consumer import AfterCommit, EventConsumer
from service_kit.metrics import ServiceMetrics
from service_kit.outbox_relay import OutboxRelay
from service_kit.producer import EventProducer
from service_kit.subscriptions import subscribe


@dataclass
class PathwayService:
    settings: PathwaySettings
    engine: AsyncEngine
    session_factory: async_sessionmaker[AsyncSession]
    broker: KafkaBroker
    producer: EventProducer
    relay: OutboxRelay
    metrics: ServiceMetrics
    assembler: EventConsumer
    alert_sweeper: AlertSweeper
    partner_topic: PartnerEventsTopic
    _background: list[asyncio.Task[None]] = field(default_factory=list, init=False)

    async def start(self) -> None:
        await self.producer.start()
        self._background = [
            asyncio.create_task(self.relay.run(), name="outbox-relay"),
            asyncio.create_task(self.alert_sweeper.run(), name="alert-sweeper"),
        ]
        await self.broker.start()

    async def stop(self) -> None:
        await self.broker.stop()
        for task in self._background:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self.partner_topic.stop()
        await self.producer.stop()
        await self.engine.dispose()


def bootstrap(settings: PathwaySettings, *, after_commit: AfterCommit | None = None) -> PathwayService:
    """`after_commit` observes each event once its transaction has committed (tests use it to crash
    the process at the worst moment)."""
    metrics = ServiceMetrics()
    engine = create_database_engine(settings.database_url)
    session_factory = create_session_factory(engine)
    producer = EventProducer(settings.kafka_bootstrap_servers, client_id=f"{SERVICE_NAME}-{settings.region}")
    broker = create_broker(settings.kafka_bootstrap_servers, client_id=f"{SERVICE_NAME}-{settings.region}")
    topics = settings.topics
    assembler = TopicAwareEventConsumer(
        name=settings.assembler_group,
        handler=when_event_received_assemble_the_pathway(settings.region, topics),
        session_factory=session_factory,
        dead_letters=DeadLetters(producer, metrics),
        metrics=metrics,
        after_commit=after_commit,
    )
    subscribe(broker, assembler, topics=[topics.referral_events, topics.partner_events])
    relay = OutboxRelay(
        engine,
        producer,
        metrics,
        batch_size=settings.outbox_batch_size,
        poll_interval_seconds=settings.outbox_poll_interval_seconds,
    )
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
        relay=relay,
        metrics=metrics,
        assembler=assembler,
        alert_sweeper=alert_sweeper,
        partner_topic=partner_topic,
    )

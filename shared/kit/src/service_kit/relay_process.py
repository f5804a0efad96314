"""The outbox's housekeeping (the relay and the purge of what it published), run by each instance of a
service, or by `<service> relay`, a process of its own, when the instances run with `run_outbox_relay`
off. Only one relay publishes at a time in any case (its advisory lock), so one such process serves every
instance of a region, and the instances spend their event loop on their own work. The process answers
health and metrics as the services do."""

import asyncio
from dataclasses import dataclass, field
from datetime import timedelta

import structlog
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from service_kit.background_tasks import cancel_and_wait
from service_kit.database import create_database_engine
from service_kit.health import database_check
from service_kit.metrics import ServiceMetrics
from service_kit.outbox_purge import purge_published_outbox_rows_forever
from service_kit.outbox_relay import OutboxRelay
from service_kit.producer import EventProducer
from service_kit.service_app import build_service_app
from service_kit.settings import ServiceSettings

PRODUCER_RETRY_SECONDS = 2.0

_log = structlog.get_logger(__name__)


@dataclass
class OutboxHousekeeping:
    settings: ServiceSettings
    engine: AsyncEngine
    producer: EventProducer
    relay: OutboxRelay
    _tasks: list[asyncio.Task[None]] = field(default_factory=list, init=False)

    def start(self) -> None:
        """In the background: the relay waits for the broker, retrying, while the rest carries on."""
        purge = purge_published_outbox_rows_forever(
            self.engine,
            older_than=timedelta(seconds=self.settings.outbox_published_retention_seconds),
            interval_seconds=self.settings.outbox_purge_interval_seconds,
        )
        self._tasks = [
            asyncio.create_task(self._relay_once_the_producer_starts(), name="outbox-relay"),
            asyncio.create_task(purge, name="outbox-purge"),
        ]

    async def stop(self) -> None:
        await cancel_and_wait(self._tasks)

    async def _relay_once_the_producer_starts(self) -> None:
        while True:
            try:
                await self.producer.start()
                break
            except Exception as error:
                _log.warning("the producer cannot reach Kafka; retrying", error_class=type(error).__name__)
                await self.producer.stop()
                await asyncio.sleep(PRODUCER_RETRY_SECONDS)
        await self.relay.run()


def outbox_housekeeping_of(
    settings: ServiceSettings, engine: AsyncEngine, producer: EventProducer, metrics: ServiceMetrics
) -> OutboxHousekeeping:
    relay = OutboxRelay(
        engine,
        producer,
        metrics,
        batch_size=settings.outbox_batch_size,
        poll_interval_seconds=settings.outbox_poll_interval_seconds,
    )
    return OutboxHousekeeping(settings, engine, producer, relay)


@dataclass
class RelayProcess:
    housekeeping: OutboxHousekeeping

    async def start(self) -> None:
        self.housekeeping.start()

    async def stop(self) -> None:
        await self.housekeeping.stop()
        await self.housekeeping.producer.stop()
        await self.housekeeping.engine.dispose()


def create_relay_app(service_name: str, settings: ServiceSettings) -> FastAPI:
    metrics = ServiceMetrics()
    engine = create_database_engine(settings.database_url)
    producer = EventProducer(
        settings.kafka_bootstrap_servers, client_id=f"{service_name}-{settings.region}-relay"
    )
    process = RelayProcess(outbox_housekeeping_of(settings, engine, producer, metrics))
    return build_service_app(
        f"Première marche — {service_name}'s outbox relay",
        process,
        checks={"database": database_check(engine), "kafka": producer.is_reachable},
        metrics=metrics,
    )

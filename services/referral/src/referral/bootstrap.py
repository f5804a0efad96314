"""The only place that wires settings → engine → units of work → producer, outbox relay and jobs
(expiry of unanswered referrals, purge of old idempotency keys and published outbox rows; `referral relay`
may run the relay and that purge instead)."""

import asyncio
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from referral.adapters.sql_unit_of_work import SqlUnitOfWork
from referral.config import SERVICE_NAME, ReferralSettings
from referral.entrypoints.scheduled_jobs import expire_due_referrals_forever
from service_kit.background_tasks import cancel_and_wait
from service_kit.database import create_database_engine, create_session_factory
from service_kit.http.idempotency import purge_expired_idempotency_keys_forever
from service_kit.metrics import ServiceMetrics
from service_kit.producer import EventProducer
from service_kit.relay_process import OutboxHousekeeping, outbox_housekeeping_of


@dataclass
class ReferralService:
    settings: ReferralSettings
    engine: AsyncEngine
    session_factory: async_sessionmaker[AsyncSession]
    producer: EventProducer
    outbox: OutboxHousekeeping
    metrics: ServiceMetrics
    _tasks: list[asyncio.Task[None]] = field(default_factory=list, init=False)

    def unit_of_work(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(
            self.session_factory,
            region=self.settings.region,
            events_topic=self.settings.topics.referral_events,
        )

    async def start(self) -> None:
        """Starts in the background, so that the API answers while the broker is still unreachable."""
        if self.settings.run_outbox_relay:
            self.outbox.start()
        self._spawn(
            expire_due_referrals_forever(
                self.unit_of_work,
                self.settings.answer_clock,
                batch_size=self.settings.expiry_batch_size,
                interval_seconds=self.settings.expiry_interval_seconds,
            ),
            "referral-expiry",
        )
        self._spawn(
            purge_expired_idempotency_keys_forever(
                self.session_factory, interval_seconds=self.settings.idempotency_purge_interval_seconds
            ),
            "idempotency-purge",
        )

    async def stop(self) -> None:
        await cancel_and_wait(self._tasks)
        await self.outbox.stop()
        await self.producer.stop()
        await self.engine.dispose()

    async def kafka_reachable(self) -> bool:
        return await self.producer.is_reachable()

    def _spawn(self, job: Coroutine[Any, Any, None], name: str) -> None:
        self._tasks.append(asyncio.create_task(job, name=name))


def bootstrap(settings: ReferralSettings) -> ReferralService:
    metrics = ServiceMetrics()
    engine = create_database_engine(settings.database_url)
    producer = EventProducer(settings.kafka_bootstrap_servers, client_id=f"{SERVICE_NAME}-{settings.region}")
    outbox = outbox_housekeeping_of(settings, engine, producer, metrics)
    return ReferralService(
        settings=settings,
        engine=engine,
        session_factory=create_session_factory(engine),
        producer=producer,
        outbox=outbox,
        metrics=metrics,
    )

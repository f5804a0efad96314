"""An event consumer killed with SIGKILL after applying `count` events, before committing any offset.

Usage: crashing_event_consumer.py <database url> <bootstrap servers> <topic> <group> <count>
"""

import asyncio
import os
import signal
import sys

from sqlalchemy import Column, MetaData, String, Table
from sqlalchemy.ext.asyncio import AsyncSession

from event_contracts.envelope import CloudEvent
from service_kit.broker import create_broker
from service_kit.database import create_database_engine, create_session_factory
from service_kit.dead_letters import DeadLetters
from service_kit.event_consumer import EventConsumer
from service_kit.metrics import ServiceMetrics
from service_kit.offset_commits import OffsetCommitPolicy
from service_kit.producer import EventProducer
from service_kit.subscriptions import subscribe

applied = Table("applied", MetaData(), Column("event_id", String, primary_key=True))
NEVER_ON_TIME = OffsetCommitPolicy(every_events=1_000, every_seconds=3_600)


async def consume_then_die(
    database_url: str, bootstrap_servers: str, topic: str, group: str, count: int
) -> None:
    finished: list[CloudEvent] = []

    async def apply(event: CloudEvent, session: AsyncSession) -> None:
        await session.execute(applied.insert().values(event_id=str(event.id)))

    async def die_after_the_last(event: CloudEvent) -> None:
        finished.append(event)
        if len(finished) == count:
            os.kill(os.getpid(), signal.SIGKILL)

    producer = EventProducer(bootstrap_servers, client_id="crashing-consumer")
    metrics = ServiceMetrics()
    consumer = EventConsumer(
        name=group,
        handler=apply,
        session_factory=create_session_factory(create_database_engine(database_url)),
        dead_letters=DeadLetters(producer, metrics),
        metrics=metrics,
        after_commit=die_after_the_last,
        offset_commits=NEVER_ON_TIME,
    )
    broker = create_broker(bootstrap_servers, client_id="crashing-consumer")
    subscribe(broker, consumer, topics=[topic])
    await broker.start()
    await asyncio.Event().wait()


if __name__ == "__main__":
    database, bootstrap, topic_name, group_name, events = sys.argv[1:]
    asyncio.run(consume_then_die(database, bootstrap, topic_name, group_name, int(events)))

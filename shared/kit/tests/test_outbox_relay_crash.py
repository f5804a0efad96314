"""A relay killed between Kafka's acknowledgement and marking its rows: one duplicate, nothing lost."""

import asyncio
import signal
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from event_contracts.envelope import CloudEvent
from event_contracts.kafka_binding import from_kafka_record
from service_kit.database import create_session_factory
from service_kit.inbox import claim_event
from service_kit.metrics import ServiceMetrics
from service_kit.outbox import add_to_outbox
from service_kit.outbox_relay import OutboxRelay
from service_kit.producer import EventProducer

CRASHING_RELAY = Path(__file__).parents[3] / "tests" / "support" / "crashing_relay.py"
NewTopic = Callable[..., Awaitable[str]]
ReadTopic = Callable[[str], Awaitable[list[Any]]]


async def test_a_relay_killed_after_publishing_and_before_marking_causes_one_duplicate_and_nothing_else(
    messaging_engine: AsyncEngine,
    kafka_bootstrap_servers: str,
    new_topic: NewTopic,
    read_topic: ReadTopic,
    referral_sent: Callable[..., CloudEvent],
) -> None:
    topic = await new_topic("relay-crash", partitions=3)
    events = [referral_sent() for _ in range(3)]
    sessions = create_session_factory(messaging_engine)
    async with sessions() as session, session.begin():
        for event in events:
            await add_to_outbox(session, event, topic=topic)

    crashed = await asyncio.create_subprocess_exec(
        sys.executable,
        str(CRASHING_RELAY),
        messaging_engine.url.render_as_string(hide_password=False),
        kafka_bootstrap_servers,
    )
    assert await crashed.wait() == -signal.SIGKILL
    async with EventProducer(kafka_bootstrap_servers, client_id="test") as producer:
        relay = OutboxRelay(messaging_engine, producer, ServiceMetrics())
        assert await relay.backlog() == 3, "the crash left every row unmarked"
        await relay.publish_pending()
        assert await relay.backlog() == 0

    published = [from_kafka_record(r.key, r.value, r.headers) for r in await read_topic(topic)]
    assert sorted(str(e.id) for e in published) == sorted(str(e.id) for e in events * 2)
    applied = []
    for event in published:
        source, event_id = event.idempotency_key
        async with sessions() as session, session.begin():
            if await claim_event(session, consumer="c", source=source, event_id=event_id):
                applied.append(event.id)
    assert sorted(applied) == sorted(e.id for e in events), "a consumer applies each event once"

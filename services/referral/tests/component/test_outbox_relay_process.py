"""`referral relay`: instances serving with `run_outbox_relay` off leave their outbox to a relay process of
its own, which publishes what they wrote on real Kafka, answers readiness and metrics as a service does,
and stops cleanly on SIGTERM."""

import asyncio
import os
import signal
import sys
from collections.abc import Awaitable, Callable
from typing import Any

from referral_api import ReferralApi, send_referral
from service_process import ServiceProcess, metric_value
from sqlalchemy import text

from devstack.eventually import eventually
from event_contracts.catalogue.referral import CareTeamMemberAdded, ReferralSent
from event_contracts.kafka_binding import from_kafka_record

ReadTopic = Callable[[str], Awaitable[list[Any]]]

_UNPUBLISHED = text("SELECT count(*) FROM outbox WHERE published_at IS NULL")


async def test_what_an_instance_without_relay_wrote_waits_for_the_relay_process_which_publishes_it(
    referral_api_without_relay: ReferralApi, read_topic: ReadTopic
) -> None:
    api = referral_api_without_relay
    sent = await send_referral(api)
    # Five of the poll intervals the instance's relay would have woken at, had it run one.
    await asyncio.sleep(1.0)
    async with api.service.engine.connect() as connection:
        assert (await connection.execute(_UNPUBLISHED)).scalar_one() == 2
    assert await read_topic(api.db.events_topic) == []

    relay = ServiceProcess(
        [sys.executable, "-m", "referral", "relay"],
        env={
            **os.environ,
            "REFERRAL_REGION": api.db.region,
            "REFERRAL_KAFKA_BOOTSTRAP_SERVERS": api.kafka_bootstrap_servers,
            "REFERRAL_DATABASE_URL": api.db.url,
            "REFERRAL_LOG_LEVEL": "WARNING",
        },
        env_prefix="REFERRAL_",
    )
    relay.start()
    try:
        await relay.wait_ready()
        records = await eventually(lambda: read_topic(api.db.events_topic), lambda found: len(found) == 2)
        published = metric_value(await relay.metrics(), "outbox_published_total")
    finally:
        relay.stop()

    events = [from_kafka_record(r.key, r.value, r.headers) for r in sorted(records, key=lambda r: r.offset)]
    assert [type(event.data) for event in events] == [ReferralSent, CareTeamMemberAdded]
    assert {event.subject for event in events} == {sent["person_id"]}
    assert published == 2
    assert relay.process is not None
    # uvicorn raises the signal again once it has shut down gracefully; SIGKILL would mean it hung.
    assert relay.process.returncode == -signal.SIGTERM
    async with api.service.engine.connect() as connection:
        assert (await connection.execute(_UNPUBLISHED)).scalar_one() == 0

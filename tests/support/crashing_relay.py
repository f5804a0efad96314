"""An outbox relay that is killed with SIGKILL after Kafka acknowledged its batch and before it marks it.

Usage: crashing_relay.py <database url> <bootstrap servers>
"""

import asyncio
import os
import signal
import sys
from collections.abc import Sequence

from service_kit.database import create_database_engine
from service_kit.metrics import ServiceMetrics
from service_kit.outbox_relay import OutboxRelay
from service_kit.producer import EventProducer, Headers


class ProducerKilledAfterAcknowledgement(EventProducer):
    async def send_all(self, records: Sequence[tuple[str, bytes | None, bytes | None, Headers]]) -> None:
        await super().send_all(records)
        os.kill(os.getpid(), signal.SIGKILL)


async def relay_once(database_url: str, bootstrap_servers: str) -> None:
    engine = create_database_engine(database_url)
    async with ProducerKilledAfterAcknowledgement(bootstrap_servers, client_id="crashing-relay") as producer:
        await OutboxRelay(engine, producer, ServiceMetrics()).publish_pending()


if __name__ == "__main__":
    asyncio.run(relay_once(sys.argv[1], sys.argv[2]))

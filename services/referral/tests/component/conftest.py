import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from uuid import uuid4

import pytest
from aiokafka.admin import AIOKafkaAdminClient
from referral_api import ReferralApi
from referral_world import ReferralDatabase

from service_kit.provisioning import provision_region_topics, region_topic_names


@pytest.fixture
async def running_referral_api(
    referral_database: ReferralDatabase, kafka_bootstrap_servers: str
) -> AsyncIterator[ReferralApi]:
    """The app with its outbox relay running against real Kafka, in a region of its own."""
    async with _running_api(referral_database, kafka_bootstrap_servers, run_outbox_relay=True) as api:
        yield api


@pytest.fixture
async def referral_api_without_relay(
    referral_database: ReferralDatabase, kafka_bootstrap_servers: str
) -> AsyncIterator[ReferralApi]:
    """`running_referral_api` serving with `run_outbox_relay` off, as when `referral relay` runs it."""
    async with _running_api(referral_database, kafka_bootstrap_servers, run_outbox_relay=False) as api:
        yield api


@asynccontextmanager
async def _running_api(
    referral_database: ReferralDatabase, kafka_bootstrap_servers: str, *, run_outbox_relay: bool
) -> AsyncIterator[ReferralApi]:
    region = f"test-{uuid4().hex[:12]}"
    await provision_region_topics(kafka_bootstrap_servers, region, partitions=3)
    referral_database.region = region
    # The expiry job runs on the real clock: what the test sends must be recent by it.
    referral_database.now = datetime.now(UTC)
    api = ReferralApi(
        referral_database, kafka_bootstrap_servers=kafka_bootstrap_servers, run_outbox_relay=run_outbox_relay
    )
    try:
        async with api.app.router.lifespan_context(api.app):
            yield api
    finally:
        await api.close()
        admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap_servers)
        await admin.start()
        try:
            await admin.delete_topics(region_topic_names(region))
        finally:
            await admin.close()
        await asyncio.sleep(0)

import asyncio
import os
from collections.abc import AsyncIterator
from uuid import uuid4

import pytest
from aiokafka.admin import AIOKafkaAdminClient
from pathway_world import PathwayWorld

from event_contracts.topics import topics_for_region
from pathway.entrypoints.cli import MIGRATIONS
from service_kit.database import create_database_engine
from service_kit.migrations import upgrade_to_head
from service_kit.provisioning import provision_region_topics, region_topic_names


@pytest.fixture
async def pathway_world(kafka_bootstrap_servers: str, fresh_database: str) -> AsyncIterator[PathwayWorld]:
    region = f"test-{uuid4().hex[:12]}"
    await provision_region_topics(kafka_bootstrap_servers, region, partitions=3)
    await asyncio.to_thread(upgrade_to_head, MIGRATIONS, fresh_database)
    engine = create_database_engine(fresh_database, pool_size=2)
    env = {
        **os.environ,
        "PATHWAY_REGION": region,
        "PATHWAY_KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap_servers,
        "PATHWAY_DATABASE_URL": fresh_database,
        "PATHWAY_OUTBOX_POLL_INTERVAL_SECONDS": "0.5",
        # Test events happened months ago: time-based alerts come only in the tests that ask for them.
        "PATHWAY_ALERT_SWEEP_INTERVAL_SECONDS": "3600",
    }
    world = PathwayWorld(region, topics_for_region(region), kafka_bootstrap_servers, engine, env)
    try:
        yield world
    finally:
        for process in world.processes:
            process.stop()
        await engine.dispose()
        admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap_servers)
        await admin.start()
        try:
            await admin.delete_topics(region_topic_names(region))
        finally:
            await admin.close()

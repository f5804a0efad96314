"""The platform's services as real processes, on a region and databases of their own, for the tests that
cross services."""

import asyncio
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from pathway_world import PathwayWorld
from running_platform import RunningPlatform, load_script
from service_process import ServiceProcess, free_port

from devstack.kafka_topics import TopicAdmin
from devstack.postgres_databases import create_database, drop_database, unique_database_name
from devstack.postgres_urls import asyncpg_url
from event_contracts.topics import topics_for_region
from service_kit.database import create_database_engine
from service_kit.migrations import upgrade_to_head
from service_kit.provisioning import provision_region_topics, region_topic_names


@pytest.fixture
async def region(kafka_bootstrap_servers: str) -> AsyncIterator[str]:
    name = f"test-{uuid4().hex[:12]}"
    await provision_region_topics(kafka_bootstrap_servers, name, partitions=3)
    topics = TopicAdmin(kafka_bootstrap_servers)
    await topics.start()
    try:
        yield name
    finally:
        await topics.delete(region_topic_names(name))
        await topics.close()


@pytest.fixture
async def referral_database(postgres_url: str) -> AsyncIterator[str]:
    """Beside `fresh_database`, which the pathway service takes."""
    name = unique_database_name()
    url = await create_database(postgres_url, name)
    try:
        yield asyncpg_url(url)
    finally:
        await drop_database(postgres_url, name)


@pytest.fixture
def identity_provider(tmp_path: Path) -> Iterator[Any]:
    """The stand-in `make up` serves, on a port of its own."""
    provider = load_script("dev_identity").DevIdentityProvider(tmp_path / "identity", free_port())
    provider.ensure_keys()
    server = subprocess.Popen(provider.serve_command(), stderr=subprocess.DEVNULL)
    try:
        yield provider
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture
async def platform(
    region: str,
    kafka_bootstrap_servers: str,
    fresh_database: str,
    referral_database: str,
    identity_provider: Any,
) -> AsyncIterator[RunningPlatform]:
    """The referral and pathway services running on a region of their own."""
    await asyncio.to_thread(upgrade_to_head, "pathway:migrations", fresh_database)
    await asyncio.to_thread(upgrade_to_head, "referral:migrations", referral_database)
    port = free_port()
    target = load_script("demo_pathways").DemoTarget(
        region, kafka_bootstrap_servers, referral_database, fresh_database, f"http://127.0.0.1:{port}"
    )
    referral_env = target.env("referral", referral_database)
    pathway_env = target.env("pathway", fresh_database) | identity_provider.pathway_env()
    referral = ServiceProcess([sys.executable, "-m", "referral", "serve"], referral_env, "REFERRAL_")
    pathway = ServiceProcess([sys.executable, "-m", "pathway", "serve"], pathway_env, "PATHWAY_", port)
    engine = create_database_engine(fresh_database, pool_size=2)
    world = PathwayWorld(region, topics_for_region(region), kafka_bootstrap_servers, engine, pathway_env)
    try:
        referral.start()
        pathway.start()
        await referral.wait_ready()
        await pathway.wait_ready()
        yield RunningPlatform(world, referral, pathway, target)
    finally:
        referral.stop()
        pathway.stop()
        await engine.dispose()

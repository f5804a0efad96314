"""`make up`'s demo loader against the real referral and pathway processes, on real Kafka and PostgreSQL:
three demo persons get pathways several organisations took part in, through the doors partners use."""

import asyncio
import importlib.util
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, cast
from uuid import UUID, uuid4

import pytest
from pathway_world import PathwayWorld, request_over_http
from service_process import ServiceProcess, free_port

from devstack.eventually import eventually
from devstack.kafka_topics import TopicAdmin
from devstack.postgres_databases import create_database, drop_database, unique_database_name
from devstack.postgres_urls import asyncpg_url
from event_contracts.topics import topics_for_region
from pathway.entrypoints.demo_pathways import (
    EMPLOYER,
    EXPECTED_STAGES,
    SCHEDULED,
    STARTED,
    SUPPORT_PARTNER,
    TRAINING_PROVIDER,
    WAITLISTED,
)
from referral.entrypoints.demo_data import LIRE_ENSEMBLE
from service_kit.database import create_database_engine
from service_kit.migrations import upgrade_to_head
from service_kit.provisioning import provision_region_topics, region_topic_names

EVENT_TYPE_PREFIX = "fr.premiere-marche."
SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"


def load_script(name: str) -> ModuleType:
    """`make up`'s own modules, which live beside the script rather than in a package."""
    spec = importlib.util.spec_from_file_location(name, SCRIPTS / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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
) -> AsyncIterator[tuple[PathwayWorld, ServiceProcess, Any]]:
    """The referral and pathway services running on a region of their own; the demo's target."""
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
        yield world, pathway, target
    finally:
        referral.stop()
        pathway.stop()
        await engine.dispose()


@dataclass
class Caseworker:
    """A staff member of the demo workshop operator, reading through the caseworker API as `make up` shows."""

    pathway: ServiceProcess
    token: str

    async def read(self, person: UUID, what: str) -> Any:
        answer = await asyncio.to_thread(
            request_over_http,
            "GET",
            self.pathway.port,
            f"/persons/{person}/{what}?purpose=follow_up",
            headers={"Authorization": f"Bearer {self.token}"},
        )
        assert answer.status == 200, answer.body
        return answer.json()

    async def stages(self) -> dict[UUID, str]:
        return {person: (await self.read(person, "pathway"))["stage"] for person in EXPECTED_STAGES}

    async def timeline(self, person: UUID) -> list[tuple[str, str]]:
        """(event name, sender) in order of occurrence."""
        entries = (await self.read(person, "timeline"))["entries"]
        return [(entry["type"].removeprefix(EVENT_TYPE_PREFIX), entry["source"]) for entry in entries]


async def alerts_raised(world: PathwayWorld) -> list[tuple[str, str]]:
    rows = await world.rows(
        "SELECT message_key, convert_from(message_value, 'UTF8')::jsonb ->> 'kind' FROM outbox "
        f'WHERE headers @> \'[["ce_type", "{EVENT_TYPE_PREFIX}pathway.alert_raised"]]\' ORDER BY 1'
    )
    return [(bytes(cast(bytes, person)).decode(), str(kind)) for person, kind in rows]


async def test_a_caseworker_sees_three_demo_pathways_that_several_organisations_took_part_in(
    platform: tuple[PathwayWorld, ServiceProcess, Any], identity_provider: Any
) -> None:
    world, pathway, target = platform
    caseworker = Caseworker(pathway, identity_provider.caseworker_token(LIRE_ENSEMBLE, ("operator_staff",)))

    await asyncio.to_thread(load_script("demo_pathways").load_demo, target)

    assert await eventually(caseworker.stages, lambda found: found == EXPECTED_STAGES) == EXPECTED_STAGES
    referral, support = "/services/referral", SUPPORT_PARTNER.source
    started, scheduled = await caseworker.timeline(STARTED), await caseworker.timeline(SCHEDULED)
    waitlisted = await caseworker.timeline(WAITLISTED)
    assert started[-4:] == [
        ("barrier.identified", support),
        ("barrier.action_started", support),
        ("barrier.lifted", support),
        ("training.entered", TRAINING_PROVIDER.source),
    ]
    assert scheduled[-2:] == [("barrier.identified", support), ("barrier.action_started", support)]
    assert waitlisted[-3:] == [
        ("barrier.identified", support),
        ("barrier.lifted", support),
        ("employment.started", EMPLOYER.source),
    ]
    joined = [name for name, _ in started].count("care_team.member_added")
    assert joined == 4, "the prescriber, the operator, then the two partners the referent added"
    assert {sender for _, sender in started[:-4] + scheduled[:-2] + waitlisted[:-3]} == {referral}
    assert await alerts_raised(world) == [
        (str(SCHEDULED), "blocking_barrier"),
        (str(STARTED), "blocking_barrier"),
    ]

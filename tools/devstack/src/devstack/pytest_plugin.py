"""Fixtures for tests against a real Kafka broker and a real PostgreSQL server, loaded for the whole repo.

Session-wide: `infrastructure`, `kafka_bootstrap_servers`, `postgres_url`.
Per test: `new_topic` (factory of uniquely named topics), `fresh_database` (a database of its own, as a
`postgresql+asyncpg://` URL), `read_topic` (reads a topic from the beginning to its current end).
"""

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from typing import Protocol

import pytest
from aiokafka import ConsumerRecord

from devstack.kafka_reading import read_topic_to_end
from devstack.kafka_topics import DEAD_LETTER_SUFFIX, TopicAdmin, unique_topic_name
from devstack.postgres_databases import create_database, drop_database, unique_database_name
from devstack.postgres_urls import asyncpg_url
from devstack.providers import Infrastructure, resolve_infrastructure

_DESCRIPTION_KEY = pytest.StashKey[str]()


class NewTopic(Protocol):
    async def __call__(
        self,
        name: str,
        *,
        partitions: int = 1,
        replication_factor: int | None = None,
        config: Mapping[str, str] | None = None,
        with_dead_letter: bool = False,
    ) -> str:
        """Creates `<name>-<uuid>` (and `<that>.dlq` when asked) and returns the name once it has leaders."""
        ...


ReadTopic = Callable[[str], Awaitable[list[ConsumerRecord[bytes, bytes]]]]


def _announce(config: pytest.Config, line: str) -> None:
    config.stash[_DESCRIPTION_KEY] = line
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    capture = config.pluginmanager.get_plugin("capturemanager")
    if reporter is None or capture is None:
        return
    with capture.global_and_fixture_disabled():
        reporter.write_line(f"\n[devstack] {line}")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    description = config.stash.get(_DESCRIPTION_KEY, None)
    if description is not None:
        terminalreporter.write_line(f"[devstack] {description}")


@pytest.fixture(scope="session")
def infrastructure(request: pytest.FixtureRequest) -> Iterator[Infrastructure]:
    """Resolved once per test session; stops at the end only what this session had to start."""
    with resolve_infrastructure() as resolved:
        _announce(request.config, resolved.describe())
        yield resolved


@pytest.fixture(scope="session")
def kafka_bootstrap_servers(infrastructure: Infrastructure) -> str:
    return infrastructure.kafka_bootstrap_servers


@pytest.fixture(scope="session")
def postgres_url(infrastructure: Infrastructure) -> str:
    """Plain postgresql:// URL of the admin database `postgres`."""
    return infrastructure.postgres_url


@pytest.fixture
async def new_topic(kafka_bootstrap_servers: str) -> AsyncIterator[NewTopic]:
    admin = TopicAdmin(kafka_bootstrap_servers)
    await admin.start()
    created: list[str] = []

    async def create(
        name: str,
        *,
        partitions: int = 1,
        replication_factor: int | None = None,
        config: Mapping[str, str] | None = None,
        with_dead_letter: bool = False,
    ) -> str:
        topic = unique_topic_name(name)
        names = [topic, topic + DEAD_LETTER_SUFFIX] if with_dead_letter else [topic]
        created.extend(names)
        await admin.create(names, partitions, replication_factor, config)
        return topic

    try:
        yield create
        await admin.delete(created)
    finally:
        await admin.close()


@pytest.fixture
async def fresh_database(postgres_url: str) -> AsyncIterator[str]:
    """A database of its own for one test, as a postgresql+asyncpg:// URL; dropped WITH (FORCE) afterwards."""
    name = unique_database_name()
    database_url = await create_database(postgres_url, name)
    try:
        yield asyncpg_url(database_url)
    finally:
        await drop_database(postgres_url, name)


@pytest.fixture
def read_topic(kafka_bootstrap_servers: str) -> ReadTopic:
    async def read(topic: str) -> list[ConsumerRecord[bytes, bytes]]:
        return await read_topic_to_end(kafka_bootstrap_servers, topic)

    return read

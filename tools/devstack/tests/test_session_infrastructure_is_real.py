"""The session's broker and database are real servers, and the fixtures built on them behave."""

import asyncio

import asyncpg
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.client import AIOKafkaClient
from aiokafka.protocol.admin import ApiVersionRequest

from devstack.postgres_databases import create_database, drop_database, unique_database_name
from devstack.postgres_urls import plain_url
from devstack.readiness import describe_kafka_cluster

PRODUCE_API, FETCH_API, METADATA_API, API_VERSIONS_API = 0, 1, 3, 18

pytestmark = pytest.mark.slow


async def test_the_broker_reports_its_own_cluster_id_and_supported_api_versions(
    kafka_bootstrap_servers: str,
) -> None:
    description = await describe_kafka_cluster(kafka_bootstrap_servers)
    client = AIOKafkaClient(bootstrap_servers=kafka_bootstrap_servers)
    await client.bootstrap()
    try:
        response = await client.send(description.broker_ids[0], ApiVersionRequest())
    finally:
        await client.close()
    versions = {api_key: (low, high) for api_key, low, high, *_ in response.api_versions}

    assert len(description.cluster_id) == 22
    assert description.broker_ids
    assert {PRODUCE_API, FETCH_API, METADATA_API, API_VERSIONS_API} <= versions.keys()
    assert versions[PRODUCE_API][1] >= 9
    assert len(versions) > 40


async def test_the_database_is_a_real_postgresql_cluster(postgres_url: str) -> None:
    connection = await asyncpg.connect(postgres_url)
    try:
        version = await connection.fetchval("SELECT version()")
        system_identifier = await connection.fetchval("SELECT system_identifier FROM pg_control_system()")
    finally:
        await connection.close()

    assert version.startswith("PostgreSQL ")
    assert system_identifier > 0


async def test_an_idempotent_producer_and_a_consumer_group_work_against_the_broker(
    kafka_bootstrap_servers: str, new_topic, read_topic
) -> None:
    topic = await new_topic("aiokafka-proof", partitions=3)
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap_servers, enable_idempotence=True)
    await producer.start()
    try:
        for index in range(30):
            await producer.send_and_wait(topic, f"value-{index}".encode(), key=f"person-{index % 7}".encode())
    finally:
        await producer.stop()

    group = f"group-{topic}"
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=kafka_bootstrap_servers,
        group_id=group,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    consumed = []
    try:
        async with asyncio.timeout(30):
            while len(consumed) < 30:
                for batch in (await consumer.getmany(timeout_ms=500)).values():
                    consumed.extend(batch)
        await consumer.commit()
    finally:
        await consumer.stop()

    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap_servers)
    await admin.start()
    try:
        committed = await admin.list_consumer_group_offsets(group)
    finally:
        await admin.close()
    ends = {record.partition: record.offset + 1 for record in await read_topic(topic)}

    assert sorted(record.value for record in consumed) == sorted(f"value-{i}".encode() for i in range(30))
    assert {tp.partition: meta.offset for tp, meta in committed.items()} == ends


async def test_new_topic_creates_a_unique_topic_and_its_dead_letter_topic(
    kafka_bootstrap_servers: str, new_topic
) -> None:
    first = await new_topic("referral-events", partitions=3, with_dead_letter=True)
    second = await new_topic("referral-events", partitions=3)

    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap_servers)
    await admin.start()
    try:
        described = {topic["topic"]: topic for topic in await admin.describe_topics([first, f"{first}.dlq"])}
    finally:
        await admin.close()

    assert first != second
    assert first.startswith("referral-events-")
    assert len(described[first]["partitions"]) == 3
    assert len(described[f"{first}.dlq"]["partitions"]) == 3


async def test_read_topic_returns_every_partition_in_offset_order(
    kafka_bootstrap_servers: str, new_topic, read_topic
) -> None:
    topic = await new_topic("reading", partitions=2)
    empty = await read_topic(topic)
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap_servers, enable_idempotence=True)
    await producer.start()
    try:
        for index in range(10):
            await producer.send_and_wait(topic, str(index).encode(), partition=index % 2)
    finally:
        await producer.stop()

    records = await read_topic(topic)

    assert empty == []
    assert [(record.partition, record.value) for record in records] == [
        (0, b"0"), (0, b"2"), (0, b"4"), (0, b"6"), (0, b"8"),
        (1, b"1"), (1, b"3"), (1, b"5"), (1, b"7"), (1, b"9"),
    ]  # fmt: skip


async def test_read_topic_refuses_a_topic_that_does_not_exist(read_topic) -> None:
    with pytest.raises(LookupError):
        await read_topic("no-such-topic-d41d8cd98f00")


async def test_fresh_database_is_an_empty_asyncpg_database_of_its_own(fresh_database: str) -> None:
    connection = await asyncpg.connect(plain_url(fresh_database))
    try:
        await connection.execute("CREATE TABLE probe (id int)")
        name = await connection.fetchval("SELECT current_database()")
    finally:
        await connection.close()

    assert fresh_database.startswith("postgresql+asyncpg://")
    assert name.startswith("test_")


async def test_a_dropped_database_is_gone_even_with_a_connection_open(postgres_url: str) -> None:
    name = unique_database_name()
    url = await create_database(postgres_url, name)
    lingering = await asyncpg.connect(url)

    await drop_database(postgres_url, name)

    admin = await asyncpg.connect(postgres_url)
    try:
        remaining = await admin.fetchval("SELECT count(*) FROM pg_database WHERE datname = $1", name)
    finally:
        await admin.close()
    assert remaining == 0
    assert lingering.is_closed() or await _connection_fails(lingering)


async def _connection_fails(connection: asyncpg.Connection) -> bool:
    try:
        await connection.fetchval("SELECT 1")
    except (asyncpg.PostgresError, asyncpg.InterfaceError, ConnectionError):
        return True
    finally:
        await connection.close()
    return False

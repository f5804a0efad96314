"""Events and databases the kit's integration tests share."""

from collections.abc import AsyncIterator, Callable

import pytest
from aiokafka import TopicPartition
from sqlalchemy import MetaData
from sqlalchemy.ext.asyncio import AsyncEngine

from service_kit.database import create_database_engine
from service_kit.messaging_tables import define_inbox_table, define_outbox_table
from service_kit.metrics import ServiceMetrics

LagSeries = Callable[[ServiceMetrics, str], dict[TopicPartition, float]]


async def create_messaging_tables(engine: AsyncEngine) -> MetaData:
    metadata = MetaData()
    define_outbox_table(metadata)
    define_inbox_table(metadata)
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    return metadata


@pytest.fixture
async def messaging_engine(fresh_database: str) -> AsyncIterator[AsyncEngine]:
    """An engine on a database of its own holding the kit's outbox and inbox tables."""
    engine = create_database_engine(fresh_database, pool_size=5)
    await create_messaging_tables(engine)
    yield engine
    await engine.dispose()


@pytest.fixture
def lag_series() -> LagSeries:
    """The `consumer_lag_records` series a consumer group reports, by partition."""

    def series(metrics: ServiceMetrics, consumer: str) -> dict[TopicPartition, float]:
        return {
            TopicPartition(sample.labels["topic"], int(sample.labels["partition"])): sample.value
            for metric in metrics.registry.collect()
            if metric.name == "consumer_lag_records"
            for sample in metric.samples
            if sample.labels["consumer"] == consumer
        }

    return series

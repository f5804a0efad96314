import asyncio
import json
from collections.abc import Awaitable, Callable

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import create_async_engine

from devstack.eventually import eventually
from notification.adapters.tables import metadata
from notification.app import create_app
from notification.config import NotificationSettings
from notification.entrypoints.cli import MIGRATIONS
from service_kit.migrations import upgrade_to_head

AsgiGet = Callable[[FastAPI, str], Awaitable[tuple[int, bytes]]]


@pytest.fixture
def database_url(request: pytest.FixtureRequest) -> str:
    if not request.config.pluginmanager.has_plugin("devstack"):
        pytest.skip("needs the real PostgreSQL server of the devstack plugin")
    url = request.getfixturevalue("fresh_database")
    assert isinstance(url, str)
    return url


async def migrate(database_url: str) -> None:
    # Alembic runs its own event loop (asyncio.run), so it needs a thread without one.
    await asyncio.to_thread(upgrade_to_head, MIGRATIONS, database_url)


async def test_the_migrated_schema_is_exactly_the_tables_module(database_url: str) -> None:
    await migrate(database_url)
    await migrate(database_url)  # a second run finds nothing to do

    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as connection:
            drift = await connection.run_sync(
                lambda sync: compare_metadata(
                    MigrationContext.configure(sync, opts={"compare_type": True}), metadata
                )
            )
    finally:
        await engine.dispose()

    assert drift == []


async def test_the_service_is_ready_once_its_database_and_kafka_answer(
    database_url: str, asgi_get: AsgiGet, isolated_settings: Callable[..., NotificationSettings]
) -> None:
    await migrate(database_url)
    app = create_app(isolated_settings(database_url=database_url))

    async with app.router.lifespan_context(app):
        # Readiness may lag the start by a moment on a loaded machine; it must come, not come at once.
        status, body = await eventually(
            lambda: asgi_get(app, "/health/ready"), lambda answer: answer[0] == 200, timeout_seconds=15
        )

    assert status == 200
    assert json.loads(body) == {"status": "ready", "checks": {"database": "ok", "kafka": "ok"}}

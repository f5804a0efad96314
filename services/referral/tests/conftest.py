import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from typing import Any

import pytest
from fastapi import FastAPI
from referral_api import ReferralApi
from referral_world import ReferralDatabase, a_person

from referral.domain.person import Person
from referral.entrypoints.cli import MIGRATIONS
from service_kit.database import create_database_engine, create_session_factory
from service_kit.migrations import upgrade_to_head

AsgiGet = Callable[[FastAPI, str], Awaitable[tuple[int, bytes]]]


@pytest.fixture
def asgi_get() -> AsgiGet:
    """One GET through the ASGI interface, as a server would send it: (status, body)."""

    async def get(app: FastAPI, path: str) -> tuple[int, bytes]:
        sent: list[MutableMapping[str, Any]] = []

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: MutableMapping[str, Any]) -> None:
            sent.append(message)

        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": [(b"host", b"testserver")],
            "client": ("127.0.0.1", 50000),
            "server": ("testserver", 80),
        }
        await app(scope, receive, send)
        status = next(message["status"] for message in sent if message["type"] == "http.response.start")
        body = b"".join(
            message.get("body", b"") for message in sent if message["type"] == "http.response.body"
        )
        return status, body

    return get


@pytest.fixture
def new_person() -> Callable[..., Person]:
    return a_person


@pytest.fixture
def database_url(request: pytest.FixtureRequest) -> str:
    if not request.config.pluginmanager.has_plugin("devstack"):
        pytest.skip("needs the real PostgreSQL server of the devstack plugin")
    url = request.getfixturevalue("fresh_database")
    assert isinstance(url, str)
    return url


@pytest.fixture
async def referral_database(database_url: str) -> AsyncIterator[ReferralDatabase]:
    url = database_url
    await asyncio.to_thread(upgrade_to_head, MIGRATIONS, url)
    engine = create_database_engine(url, pool_size=20)
    try:
        yield ReferralDatabase(url, engine, create_session_factory(engine))
    finally:
        await engine.dispose()


@pytest.fixture
async def referral_api(referral_database: ReferralDatabase) -> AsyncIterator[ReferralApi]:
    api = ReferralApi(referral_database)
    try:
        yield api
    finally:
        await api.close()

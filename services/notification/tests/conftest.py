from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import pytest
from fastapi import FastAPI
from notification_timeline import isolated_region

from notification.config import NotificationSettings

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
def isolated_settings(kafka_bootstrap_servers: str) -> Callable[..., NotificationSettings]:
    """Settings whose region is the test's own: a started service subscribes to a timeline topic nobody
    writes to, instead of joining a real region's consumer group."""

    def settings(**overrides: Any) -> NotificationSettings:
        return NotificationSettings(
            region=isolated_region(), kafka_bootstrap_servers=kafka_bootstrap_servers, **overrides
        )

    return settings

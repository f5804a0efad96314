import json
from collections.abc import Awaitable, Callable

from fastapi import FastAPI

from notification.app import create_app
from notification.config import NotificationSettings

AsgiGet = Callable[[FastAPI, str], Awaitable[tuple[int, bytes]]]

# Nothing listens on port 1: connecting is refused at once.
UNREACHABLE_DATABASE = "postgresql+asyncpg://notification@127.0.0.1:1/notification"


async def test_liveness_answers_without_the_database(
    asgi_get: AsgiGet, isolated_settings: Callable[..., NotificationSettings]
) -> None:
    app = create_app(isolated_settings(database_url=UNREACHABLE_DATABASE))

    async with app.router.lifespan_context(app):
        status, body = await asgi_get(app, "/health/live")

    assert status == 200
    assert json.loads(body) == {"status": "alive"}


async def test_readiness_fails_while_the_database_is_unreachable(
    asgi_get: AsgiGet, isolated_settings: Callable[..., NotificationSettings]
) -> None:
    app = create_app(isolated_settings(database_url=UNREACHABLE_DATABASE))

    async with app.router.lifespan_context(app):
        status, body = await asgi_get(app, "/health/ready")

    assert status == 503
    assert json.loads(body) == {"status": "not_ready", "checks": {"database": "failing", "kafka": "ok"}}


async def test_the_app_exposes_prometheus_metrics(
    asgi_get: AsgiGet, isolated_settings: Callable[..., NotificationSettings]
) -> None:
    app = create_app(isolated_settings(database_url=UNREACHABLE_DATABASE))

    async with app.router.lifespan_context(app):
        status, body = await asgi_get(app, "/metrics")

    assert status == 200
    assert b"outbox_backlog" in body

import json
from collections.abc import Awaitable, Callable

from fastapi import FastAPI

from referral.app import create_app
from referral.config import ReferralSettings

AsgiGet = Callable[[FastAPI, str], Awaitable[tuple[int, bytes]]]

# Nothing listens on port 1: connecting is refused at once.
UNREACHABLE_DATABASE = "postgresql+asyncpg://referral@127.0.0.1:1/referral"
UNREACHABLE_KAFKA = "127.0.0.1:1"


def unreachable() -> ReferralSettings:
    return ReferralSettings(database_url=UNREACHABLE_DATABASE, kafka_bootstrap_servers=UNREACHABLE_KAFKA)


async def test_liveness_answers_without_the_database(asgi_get: AsgiGet) -> None:
    app = create_app(unreachable())

    async with app.router.lifespan_context(app):
        status, body = await asgi_get(app, "/health/live")

    assert status == 200
    assert json.loads(body) == {"status": "alive"}


async def test_readiness_fails_while_the_database_and_the_broker_are_unreachable(asgi_get: AsgiGet) -> None:
    app = create_app(unreachable())

    async with app.router.lifespan_context(app):
        status, body = await asgi_get(app, "/health/ready")

    assert status == 503
    assert json.loads(body) == {"status": "not_ready", "checks": {"database": "failing", "kafka": "failing"}}


async def test_the_app_exposes_prometheus_metrics(asgi_get: AsgiGet) -> None:
    app = create_app(unreachable())

    async with app.router.lifespan_context(app):
        status, body = await asgi_get(app, "/metrics")

    assert status == 200
    assert b"outbox_backlog" in body

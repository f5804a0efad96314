"""Builds the pathway service's ASGI app from settings; nothing runs at import time."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from pathway.bootstrap import PathwayService, bootstrap
from pathway.config import PathwaySettings
from service_kit.event_consumer import AfterCommit
from service_kit.health import database_check, health_router


def create_app(settings: PathwaySettings, *, after_commit: AfterCommit | None = None) -> FastAPI:
    service = bootstrap(settings, after_commit=after_commit)
    return build_http_app(service)


def build_http_app(service: PathwayService) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await service.start()
        try:
            yield
        finally:
            await service.stop()

    app = FastAPI(title="Première marche — pathway", version="0.1.0", lifespan=lifespan)
    app.include_router(
        health_router(
            {"database": database_check(service.engine), "kafka": service.producer.is_reachable},
            service.metrics,
        )
    )
    return app

"""The HTTP app shape every service shares: lifespan around the service's own start and stop, health, and
each request in its W3C trace context."""

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Protocol

from fastapi import FastAPI

from service_kit.health import ReadinessCheck, health_router
from service_kit.metrics import ServiceMetrics
from service_kit.trace_context import TraceContextMiddleware


class ServiceLifecycle(Protocol):
    async def start(self) -> None: ...

    async def stop(self) -> None: ...


def build_service_app(
    title: str,
    lifecycle: ServiceLifecycle,
    *,
    checks: Mapping[str, ReadinessCheck],
    metrics: ServiceMetrics,
    version: str = "0.1.0",
) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await lifecycle.start()
        try:
            yield
        finally:
            await lifecycle.stop()

    app = FastAPI(title=title, version=version, lifespan=lifespan)
    app.add_middleware(TraceContextMiddleware)
    app.include_router(health_router(checks, metrics))
    return app

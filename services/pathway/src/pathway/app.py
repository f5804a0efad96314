"""Builds the pathway service's ASGI app from settings; nothing runs at import time."""

from fastapi import FastAPI

from pathway.bootstrap import bootstrap
from pathway.config import PathwaySettings
from service_kit.event_consumer import AfterCommit
from service_kit.health import database_check
from service_kit.service_app import build_service_app


def create_app(settings: PathwaySettings, *, after_commit: AfterCommit | None = None) -> FastAPI:
    service = bootstrap(settings, after_commit=after_commit)
    return build_service_app(
        "Première marche — pathway",
        service,
        checks={"database": database_check(service.engine), "kafka": service.producer.is_reachable},
        metrics=service.metrics,
    )

"""Builds the notification service's ASGI app from settings; nothing runs at import time."""

from fastapi import FastAPI

from notification.bootstrap import bootstrap
from notification.config import NotificationSettings
from service_kit.health import database_check
from service_kit.service_app import build_service_app


def create_app(settings: NotificationSettings) -> FastAPI:
    service = bootstrap(settings)
    return build_service_app(
        "Première marche — notification",
        service,
        checks={"database": database_check(service.engine)},
        metrics=service.metrics,
    )

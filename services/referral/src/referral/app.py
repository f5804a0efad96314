"""Builds the referral service's ASGI app from settings; nothing runs at import time."""

from fastapi import FastAPI

from referral.bootstrap import bootstrap
from referral.config import ReferralSettings
from service_kit.health import database_check
from service_kit.service_app import build_service_app


def create_app(settings: ReferralSettings) -> FastAPI:
    service = bootstrap(settings)
    return build_service_app(
        "Première marche — referral",
        service,
        checks={"database": database_check(service.engine)},
        metrics=service.metrics,
    )

"""Builds the notification service's ASGI app from settings; nothing runs at import time."""

from fastapi import FastAPI

from notification.adapters.address_guard import AddressGuard
from notification.bootstrap import NotificationService, bootstrap
from notification.config import NotificationSettings
from notification.entrypoints.http.context import HttpContext
from notification.entrypoints.http.problems import DOMAIN_PROBLEMS
from notification.entrypoints.http.subscription_routes import subscription_routes
from service_kit.health import database_check
from service_kit.http.body_limit import BodyLimitMiddleware
from service_kit.http.problem_handlers import install_problem_handlers
from service_kit.service_app import build_service_app

DESCRIPTION = """Who hears what about the people an organisation follows.

Partner organisations manage their subscriptions with their API key (scope `subscriptions:manage`):
webhook endpoints (Standard Webhooks, thin CloudEvents with ids and codes), the e-mail recipients of the
organisation, and opt-outs from the default rules. An organisation sees and changes only its own
subscriptions. Every POST takes an `Idempotency-Key`; every refusal is an RFC 9457 problem document."""


def create_app(settings: NotificationSettings) -> FastAPI:
    return build_app(bootstrap(settings))


def build_app(service: NotificationService) -> FastAPI:
    settings = service.settings
    app = build_service_app(
        "Première marche — notification",
        service,
        checks={"database": database_check(service.engine), "kafka": service.producer.is_reachable},
        metrics=service.metrics,
    )
    app.description = DESCRIPTION
    app.include_router(
        subscription_routes(
            HttpContext(service.session_factory, service.secret_cipher),
            AddressGuard(settings.webhook_allowed_networks),
        )
    )
    install_problem_handlers(app, DOMAIN_PROBLEMS)
    app.add_middleware(BodyLimitMiddleware, max_body_bytes=settings.max_body_bytes)
    return app

"""Builds the pathway service's ASGI app from settings; nothing runs at import time."""

from fastapi import FastAPI

from pathway.adapters.oidc_tokens import OidcTokenVerifier
from pathway.bootstrap import PathwayService, bootstrap
from pathway.config import PathwaySettings
from pathway.entrypoints.http.caseworker_routes import caseworker_routes
from pathway.entrypoints.http.event_routes import event_routes
from pathway.entrypoints.http.indicator_routes import indicator_routes
from service_kit.event_consumer import AfterCommit
from service_kit.health import database_check
from service_kit.http.body_limit import BodyLimitMiddleware
from service_kit.http.problem_handlers import install_problem_handlers
from service_kit.service_app import build_service_app

DESCRIPTION = """Each person's pathway timeline, assembled from the events of the organisations that follow
them.

Partner systems send CloudEvents to `POST /events` with their organisation's API key; each event is
checked as the assembler checks it, and the accepted ones are on the partner topic before the answer.

Caseworkers read a person's timeline and pathway summary with their identity provider's bearer token
(OIDC); only professionals of an organisation in the person's care team see the person, as much as
their audience may, and every read is written to an append-only access audit with its purpose.
Regional coordinators read the region's indicators: counts of persons, small ones withheld, never a person.
Every refusal of a request is an RFC 9457 problem document."""


def create_app(settings: PathwaySettings, *, after_commit: AfterCommit | None = None) -> FastAPI:
    return build_app(bootstrap(settings, after_commit=after_commit))


def build_app(service: PathwayService) -> FastAPI:
    settings = service.settings
    app = build_service_app(
        "Première marche — pathway",
        service,
        checks={"database": database_check(service.engine), "kafka": service.producer.is_reachable},
        metrics=service.metrics,
    )
    app.description = DESCRIPTION
    app.include_router(
        event_routes(
            service.session_factory,
            service.partner_topic,
            region=settings.region,
            max_events_per_request=settings.max_events_per_request,
        )
    )
    verifier = None
    if settings.oidc_jwks_url is not None:
        verifier = OidcTokenVerifier(
            issuer=settings.oidc_issuer,
            audience=settings.oidc_audience,
            jwks_url=settings.oidc_jwks_url,
            cache_seconds=settings.oidc_jwks_cache_seconds,
        )
    app.include_router(caseworker_routes(service.session_factory, verifier))
    app.include_router(
        indicator_routes(
            service.session_factory,
            verifier,
            region=settings.region,
            minimum_cell_size=settings.indicators_minimum_cell_size,
        )
    )
    install_problem_handlers(app)
    app.add_middleware(BodyLimitMiddleware, max_body_bytes=settings.max_body_bytes)
    return app

"""Builds the referral service's ASGI app from settings; nothing runs at import time."""

from fastapi import FastAPI

from referral.bootstrap import ReferralService, bootstrap
from referral.config import ReferralSettings
from referral.entrypoints.http.care_team_routes import care_team_routes
from referral.entrypoints.http.context import Clock, HttpContext, utc_now
from referral.entrypoints.http.operator_routes import operator_routes
from referral.entrypoints.http.person_routes import person_routes
from referral.entrypoints.http.prescriber_routes import prescriber_routes
from referral.entrypoints.http.problems import DOMAIN_PROBLEMS
from referral.entrypoints.http.workshop_routes import workshop_routes
from service_kit.health import database_check
from service_kit.http.body_limit import BodyLimitMiddleware
from service_kit.http.problem_handlers import install_problem_handlers
from service_kit.service_app import build_service_app

DESCRIPTION = """Referrals ("orientations") of persons to Première marche workshops, for partner systems.

Prescribers send referrals and follow the answer; operators answer, place people on sessions and record
how the workshop goes. Each organisation authenticates with its API key and sees only the referrals it
sent or received, and only the persons whose care team includes it. POSTs accept an `Idempotency-Key`;
every refusal is an RFC 9457 problem document."""


def create_app(settings: ReferralSettings, *, clock: Clock = utc_now) -> FastAPI:
    service = bootstrap(settings)
    return build_app(service, clock=clock)


def build_app(service: ReferralService, *, clock: Clock = utc_now) -> FastAPI:
    app = build_service_app(
        "Première marche — referral",
        service,
        checks={"database": database_check(service.engine), "kafka": service.kafka_reachable},
        metrics=service.metrics,
    )
    app.description = DESCRIPTION
    context = HttpContext(service.session_factory, service.settings, clock)
    # The operators' `/referrals/incoming` comes before `/referrals/{referral_id}`, which would swallow it.
    for router in (
        operator_routes(context),
        prescriber_routes(context),
        workshop_routes(context),
        person_routes(context),
        care_team_routes(context),
    ):
        app.include_router(router)
    install_problem_handlers(app, DOMAIN_PROBLEMS)
    app.add_middleware(BodyLimitMiddleware, max_body_bytes=service.settings.max_body_bytes)
    return app

"""The `referral` command: serve, migrate, relay, openapi, expire-due, add-organisation, issue-key,
revoke-key, demo-data."""

import argparse
import asyncio
import json
import sys
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar
from uuid import UUID

from referral.app import create_app
from referral.bootstrap import ReferralService, bootstrap
from referral.config import SERVICE_NAME, ReferralSettings
from referral.domain.codes import OrganisationKind
from referral.entrypoints import admin_commands
from referral.entrypoints.demo_data import load_demo_data
from referral.entrypoints.http.scopes import ALL_SCOPES
from service_kit.logging import configure_logging
from service_kit.service_cli import run_service_cli

MIGRATIONS = "referral:migrations"

T = TypeVar("T")


def main(argv: Sequence[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    if args.command in {"serve", "migrate", "relay"}:
        run_service_cli(
            SERVICE_NAME, ReferralSettings, create_app, migrations=MIGRATIONS, argv=[args.command]
        )
        return
    settings = ReferralSettings()
    configure_logging(SERVICE_NAME, settings.log_level)
    if args.command == "openapi":
        _say(openapi_document(settings))
    elif args.command == "expire-due":
        _say(f"{_run(settings, admin_commands.expire_due_now)} referrals expired")
    elif args.command == "add-organisation":
        kind = OrganisationKind(args.kind)
        _say(str(_run(settings, lambda service: admin_commands.add_organisation(service, args.name, kind))))
    elif args.command == "issue-key":
        scopes = [scope.strip() for scope in args.scopes.split(",") if scope.strip()]
        issued = _run(settings, lambda service: admin_commands.issue_key(service, args.organisation, scopes))
        _say(f"key id {issued.key_id}, scopes {', '.join(sorted(issued.scopes))}; shown once, keep it safe:")
        _say(issued.secret)
    elif args.command == "revoke-key":
        revoked = _run(settings, lambda service: admin_commands.revoke_key(service, args.key_id))
        _say("revoked" if revoked else "no active key with this id")
    elif args.command == "demo-data":
        _say(_run(settings, load_demo_data).summary())


def openapi_document(settings: ReferralSettings) -> str:
    return json.dumps(create_app(settings).openapi(), indent=2, ensure_ascii=False) + "\n"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=SERVICE_NAME, description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("serve", help="run the HTTP API, the outbox relay and the expiry job")
    commands.add_parser("migrate", help="bring the database to the latest schema")
    commands.add_parser("relay", help="run only the outbox relay, for instances serving with it off")
    commands.add_parser("openapi", help="print the OpenAPI document")
    commands.add_parser("expire-due", help="expire the referrals unanswered past the region's delay")
    organisation = commands.add_parser("add-organisation", help="register a partner organisation")
    organisation.add_argument("--name", required=True)
    organisation.add_argument("--kind", required=True, choices=[kind.value for kind in OrganisationKind])
    issue = commands.add_parser("issue-key", help="issue an API key; its secret is printed once")
    issue.add_argument("--organisation", required=True, type=UUID)
    issue.add_argument("--scopes", required=True, help=f"comma-separated, among {', '.join(ALL_SCOPES)}")
    revoke = commands.add_parser("revoke-key", help="revoke an API key by its key id")
    revoke.add_argument("--key-id", required=True)
    commands.add_parser("demo-data", help="a few organisations, a workshop with sessions, referrals")
    return parser


def _run(settings: ReferralSettings, command: Callable[[ReferralService], Awaitable[T]]) -> T:
    async def run() -> T:
        service = bootstrap(settings)
        try:
            return await command(service)
        finally:
            await service.engine.dispose()

    return asyncio.run(run())


def _say(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")

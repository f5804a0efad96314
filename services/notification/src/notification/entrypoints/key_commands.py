"""`notification issue-key --organisation <uuid> [--scopes subscriptions:manage]` prints a new API key
once; `notification revoke-key --key-id <id>` revokes one."""

import argparse
import asyncio
import sys
from collections.abc import Sequence
from uuid import UUID

from notification.config import NotificationSettings
from notification.entrypoints.http.scopes import ALL_SCOPES, MANAGE_SUBSCRIPTIONS
from service_kit.database import create_database_engine, create_session_factory
from service_kit.http.api_keys import IssuedApiKey, issue_api_key, revoke_api_key

ISSUE_KEY = "issue-key"
REVOKE_KEY = "revoke-key"


def _scope(text: str) -> str:
    if text not in ALL_SCOPES:
        raise argparse.ArgumentTypeError(f"{text!r} is not one of {', '.join(ALL_SCOPES)}")
    return text


async def issue(database_url: str, organisation_id: UUID, scopes: Sequence[str]) -> IssuedApiKey:
    engine = create_database_engine(database_url, pool_size=1)
    try:
        async with create_session_factory(engine)() as session, session.begin():
            return await issue_api_key(session, organisation_id, scopes)
    finally:
        await engine.dispose()


async def revoke(database_url: str, key_id: str) -> bool:
    engine = create_database_engine(database_url, pool_size=1)
    try:
        async with create_session_factory(engine)() as session, session.begin():
            return await revoke_api_key(session, key_id)
    finally:
        await engine.dispose()


def run_issue_key(argv: Sequence[str]) -> None:
    parser = argparse.ArgumentParser(prog=f"notification {ISSUE_KEY}", description=__doc__)
    parser.add_argument("--organisation", type=UUID, required=True, help="the organisation's platform id")
    parser.add_argument("--scopes", nargs="+", type=_scope, default=[MANAGE_SUBSCRIPTIONS], metavar="SCOPE")
    arguments = parser.parse_args(argv)
    issued = asyncio.run(issue(NotificationSettings().database_url, arguments.organisation, arguments.scopes))
    sys.stdout.write(
        f"key id {issued.key_id}, scopes {', '.join(sorted(issued.scopes))}; shown once, keep it safe:\n"
    )
    sys.stdout.write(issued.secret + "\n")


def run_revoke_key(argv: Sequence[str]) -> None:
    parser = argparse.ArgumentParser(prog=f"notification {REVOKE_KEY}", description=__doc__)
    parser.add_argument("--key-id", required=True)
    arguments = parser.parse_args(argv)
    revoked = asyncio.run(revoke(NotificationSettings().database_url, arguments.key_id))
    sys.stdout.write(("revoked" if revoked else "no active key with this id") + "\n")

"""`pathway issue-key --organisation <uuid> [--scopes events:emit]` prints a new API key once;
`pathway revoke-key --key-id <id>` revokes one. Only a registered organisation gets a key, so the key
and the `/organisations/{id}` source it sends as name the same organisation."""

import argparse
import asyncio
import sys
from collections.abc import Sequence
from uuid import UUID

from pathway.adapters.organisation_repository import SqlOrganisations
from pathway.config import PathwaySettings
from pathway.entrypoints.http.scopes import ALL_SCOPES, EMIT_EVENTS
from service_kit.database import create_database_engine, create_session_factory
from service_kit.http.api_keys import IssuedApiKey, issue_api_key, revoke_api_key

ISSUE_KEY = "issue-key"
REVOKE_KEY = "revoke-key"


def _scope(text: str) -> str:
    if text not in ALL_SCOPES:
        raise argparse.ArgumentTypeError(f"{text!r} is not one of {', '.join(ALL_SCOPES)}")
    return text


async def _issue(database_url: str, organisation_id: UUID, scopes: Sequence[str]) -> IssuedApiKey | None:
    engine = create_database_engine(database_url, pool_size=1)
    try:
        async with create_session_factory(engine)() as session, session.begin():
            if await SqlOrganisations(session).get(str(organisation_id)) is None:
                return None
            return await issue_api_key(session, organisation_id, scopes)
    finally:
        await engine.dispose()


async def _revoke(database_url: str, key_id: str) -> bool:
    engine = create_database_engine(database_url, pool_size=1)
    try:
        async with create_session_factory(engine)() as session, session.begin():
            return await revoke_api_key(session, key_id)
    finally:
        await engine.dispose()


def run_issue_key(argv: Sequence[str]) -> None:
    parser = argparse.ArgumentParser(prog=f"pathway {ISSUE_KEY}", description=__doc__)
    parser.add_argument("--organisation", type=UUID, required=True, help="a registered organisation's id")
    parser.add_argument("--scopes", nargs="+", type=_scope, default=[EMIT_EVENTS], metavar="SCOPE")
    arguments = parser.parse_args(argv)
    issued = asyncio.run(_issue(PathwaySettings().database_url, arguments.organisation, arguments.scopes))
    if issued is None:
        sys.exit(f"organisation {arguments.organisation} is not registered: pathway register-organisation")
    sys.stdout.write(
        f"key id {issued.key_id}, scopes {', '.join(sorted(issued.scopes))}; shown once, keep it safe:\n"
    )
    sys.stdout.write(issued.secret + "\n")


def run_revoke_key(argv: Sequence[str]) -> None:
    parser = argparse.ArgumentParser(prog=f"pathway {REVOKE_KEY}", description=__doc__)
    parser.add_argument("--key-id", required=True)
    arguments = parser.parse_args(argv)
    revoked = asyncio.run(_revoke(PathwaySettings().database_url, arguments.key_id))
    sys.stdout.write(("revoked" if revoked else "no active key with this id") + "\n")

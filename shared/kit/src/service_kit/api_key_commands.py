"""`<service> issue-key --organisation <uuid> [--scopes …]` prints a new API key once;
`<service> revoke-key --key-id <id>` revokes one. The same two commands for every service that takes
partners' API keys; each says which scopes exist and may refuse an organisation a key."""

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Final
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from service_kit.database import create_database_engine, create_session_factory
from service_kit.http.api_keys import IssuedApiKey, issue_api_key, revoke_api_key

ISSUE_KEY: Final = "issue-key"
REVOKE_KEY: Final = "revoke-key"

KeyRefusal = Callable[[AsyncSession, UUID], Awaitable[str | None]]
"""Why the organisation may not have a key, or None when it may."""


@dataclass(frozen=True)
class ApiKeyCommands:
    service: str
    database_url: Callable[[], str]
    scopes: Sequence[str]
    default_scopes: Sequence[str]
    refusal: KeyRefusal | None = None

    def run_issue_key(self, argv: Sequence[str]) -> None:
        parser = argparse.ArgumentParser(prog=f"{self.service} {ISSUE_KEY}", description=__doc__)
        parser.add_argument("--organisation", type=UUID, required=True, help="the organisation's platform id")
        parser.add_argument(
            "--scopes", nargs="+", type=self._scope, default=list(self.default_scopes), metavar="SCOPE"
        )
        arguments = parser.parse_args(argv)
        issued = asyncio.run(self._issue(arguments.organisation, arguments.scopes))
        if isinstance(issued, str):
            sys.exit(issued)
        sys.stdout.write(
            f"key id {issued.key_id}, scopes {', '.join(sorted(issued.scopes))}; shown once, keep it safe:\n"
        )
        sys.stdout.write(issued.secret + "\n")

    def run_revoke_key(self, argv: Sequence[str]) -> None:
        parser = argparse.ArgumentParser(prog=f"{self.service} {REVOKE_KEY}", description=__doc__)
        parser.add_argument("--key-id", required=True)
        arguments = parser.parse_args(argv)
        revoked = asyncio.run(self._revoke(arguments.key_id))
        sys.stdout.write(("revoked" if revoked else "no active key with this id") + "\n")

    def _scope(self, text: str) -> str:
        if text not in self.scopes:
            raise argparse.ArgumentTypeError(f"{text!r} is not one of {', '.join(self.scopes)}")
        return text

    async def _issue(self, organisation_id: UUID, scopes: Sequence[str]) -> IssuedApiKey | str:
        engine = create_database_engine(self.database_url(), pool_size=1)
        try:
            async with create_session_factory(engine)() as session, session.begin():
                refused = None if self.refusal is None else await self.refusal(session, organisation_id)
                return refused or await issue_api_key(session, organisation_id, scopes)
        finally:
            await engine.dispose()

    async def _revoke(self, key_id: str) -> bool:
        engine = create_database_engine(self.database_url(), pool_size=1)
        try:
            async with create_session_factory(engine)() as session, session.begin():
                return await revoke_api_key(session, key_id)
        finally:
            await engine.dispose()

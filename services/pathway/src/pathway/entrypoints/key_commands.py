"""`pathway issue-key --organisation <uuid> [--scopes events:emit]` prints a new API key once;
`pathway revoke-key --key-id <id>` revokes one. Only a registered organisation gets a key, so the key
and the `/organisations/{id}` source it sends as name the same organisation."""

from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from pathway.adapters.organisation_repository import SqlOrganisations
from pathway.config import SERVICE_NAME, PathwaySettings
from pathway.entrypoints.http.scopes import ALL_SCOPES, EMIT_EVENTS
from service_kit.api_key_commands import ISSUE_KEY, REVOKE_KEY, ApiKeyCommands

__all__ = ["ISSUE_KEY", "REVOKE_KEY", "run_issue_key", "run_revoke_key"]


async def _unless_registered(session: AsyncSession, organisation_id: UUID) -> str | None:
    if await SqlOrganisations(session).get(str(organisation_id)) is None:
        return f"organisation {organisation_id} is not registered: pathway register-organisation"
    return None


_COMMANDS = ApiKeyCommands(
    SERVICE_NAME,
    lambda: PathwaySettings().database_url,
    scopes=ALL_SCOPES,
    default_scopes=[EMIT_EVENTS],
    refusal=_unless_registered,
)
run_issue_key = _COMMANDS.run_issue_key
run_revoke_key = _COMMANDS.run_revoke_key

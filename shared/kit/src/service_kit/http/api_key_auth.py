"""Routes that partner systems call name the organisation behind the API key, and the scope they need.

    caller: Annotated[AuthenticatedOrganisation, Depends(require_api_key(sessions, scope="referrals:write"))]

The key comes as `Authorization: Bearer pm_…` or `X-API-Key: pm_…`. No key, or one that is malformed,
unknown or revoked → 401 with a `WWW-Authenticate` challenge; a valid key without the scope → 403.
"""

from collections.abc import Awaitable, Callable
from typing import Annotated, Final

from fastapi import Depends
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from service_kit.http.api_keys import AuthenticatedOrganisation, verify_api_key
from service_kit.http.problems import Problem, ProblemError, bearer_unauthenticated, problem_type
from service_kit.http.scopes import is_valid_scope, validate_scope

API_KEY_HEADER: Final = "X-API-Key"
REALM: Final = "premiere-marche"

_bearer = HTTPBearer(
    scheme_name="PartnerApiKeyBearer",
    auto_error=False,
    description="The organisation's API key: `Bearer pm_…`.",
)
_api_key_header = APIKeyHeader(
    scheme_name="PartnerApiKeyHeader",
    name=API_KEY_HEADER,
    auto_error=False,
    description="The organisation's API key, for clients without Bearer.",
)

OrganisationDependency = Callable[..., Awaitable[AuthenticatedOrganisation]]


def require_api_key(
    session_factory: async_sessionmaker[AsyncSession], *, scope: str | None = None
) -> OrganisationDependency:
    """A dependency giving the calling organisation; with `scope`, only if its key grants that scope."""
    if scope is not None:
        validate_scope(scope)

    async def authenticated_organisation(
        bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
        header_key: Annotated[str | None, Depends(_api_key_header)],
    ) -> AuthenticatedOrganisation:
        presented = bearer.credentials if bearer is not None else header_key
        if not presented:
            raise bearer_unauthenticated("The request carries no API key.", realm=REALM)
        async with session_factory() as session, session.begin():
            caller = await verify_api_key(session, presented)
        if caller is None:
            raise bearer_unauthenticated(
                "The API key is not valid, or has been revoked.", realm=REALM, challenge_error="invalid_token"
            )
        if scope is not None:
            require_scope(caller, scope)
        return caller

    return authenticated_organisation


def require_scope(caller: AuthenticatedOrganisation, scope: str) -> None:
    """For scopes known only from the request (`events:emit:<type>`): 403 unless the key grants it."""
    # A scope built from request data is quoted back only when it is a well-formed scope string.
    if is_valid_scope(scope) and caller.allows(scope):
        return
    needed = f" `{scope}`" if is_valid_scope(scope) else ""
    problem = Problem(
        type=problem_type("insufficient-scope"),
        title="The API key does not allow this",
        status=403,
        detail=f"This request needs a scope{needed} that the API key does not grant.",
    )
    challenge = f'Bearer realm="{REALM}", error="insufficient_scope"'
    if needed:
        challenge += f', scope="{scope}"'
    raise ProblemError(problem, headers={"WWW-Authenticate": challenge})

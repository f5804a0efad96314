"""Caseworkers authenticate with their identity provider's bearer token (OIDC, JWT): no token or a
refused one → 401 with a challenge; the provider's keys out of reach → 503."""

from collections.abc import Awaitable, Callable
from typing import Annotated, Final

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from pathway.adapters.oidc_tokens import KeysUnavailableError, OidcTokenVerifier, TokenRefusedError
from pathway.domain.caseworkers import Caseworker
from service_kit.http.problems import Problem, ProblemError, bearer_unauthenticated, problem_type

REALM: Final = "premiere-marche-caseworkers"

_bearer = HTTPBearer(
    scheme_name="CaseworkerOidcBearer",
    auto_error=False,
    description="An access token of the identity provider: a JWT with sub, organisation_id and roles.",
)

CaseworkerDependency = Callable[..., Awaitable[Caseworker]]


def require_caseworker(verifier: OidcTokenVerifier | None) -> CaseworkerDependency:
    """Without a verifier (no identity provider configured) every caseworker read answers 503."""

    async def authenticated_caseworker(
        bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> Caseworker:
        if verifier is None:
            raise _unavailable("Caseworker sign-in is not configured on this deployment.")
        if bearer is None or not bearer.credentials:
            raise bearer_unauthenticated("The request carries no bearer token.", realm=REALM)
        try:
            return await verifier.caseworker(bearer.credentials)
        except TokenRefusedError:
            raise bearer_unauthenticated(
                "The token is not valid for this API.", realm=REALM, challenge_error="invalid_token"
            ) from None
        except KeysUnavailableError:
            raise _unavailable("The identity provider's keys are out of reach; try again shortly.") from None

    return authenticated_caseworker


def _unavailable(detail: str) -> ProblemError:
    problem = Problem(
        type=problem_type("identity-provider-unavailable"),
        title="The token cannot be checked now",
        status=503,
        detail=detail,
    )
    return ProblemError(problem, headers={"Retry-After": "5"})

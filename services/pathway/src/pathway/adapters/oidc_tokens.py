"""Caseworkers' OIDC bearer tokens: JWTs signed with the identity provider's asymmetric keys, checked
against its JWKS (fetched, cached, fetched again when a token names a key not yet known)."""

import asyncio
from collections.abc import Sequence
from typing import Any
from uuid import UUID

import jwt

from pathway.domain.caseworkers import Caseworker

REQUIRED_CLAIMS = ("sub", "iss", "aud", "exp", "organisation_id", "roles")
ASYMMETRIC_ALGORITHMS = ("RS256", "PS256", "ES256", "EdDSA")
CLOCK_SKEW_SECONDS = 30


class TokenRefusedError(Exception):
    """The token is malformed, expired, not for this API, or not signed by the identity provider."""


class KeysUnavailableError(Exception):
    """The identity provider's keys could not be fetched; the token can be neither trusted nor refused."""


class OidcTokenVerifier:
    def __init__(
        self,
        *,
        issuer: str,
        audience: str,
        jwks_url: str,
        cache_seconds: float,
        algorithms: Sequence[str] = ASYMMETRIC_ALGORITHMS,
    ) -> None:
        self._issuer = issuer
        self._audience = audience
        self._algorithms = list(algorithms)
        self._keys = jwt.PyJWKClient(jwks_url, cache_keys=True, lifespan=int(cache_seconds), timeout=5)

    async def caseworker(self, token: str) -> Caseworker:
        # PyJWKClient fetches with urllib, which blocks: keep it off the event loop.
        return await asyncio.to_thread(self._verify, token)

    def _verify(self, token: str) -> Caseworker:
        try:
            key = self._keys.get_signing_key_from_jwt(token)
        except jwt.PyJWKClientConnectionError as error:
            raise KeysUnavailableError(type(error).__name__) from error
        except jwt.PyJWTError as error:
            raise TokenRefusedError("the token names no key of the identity provider") from error
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key.key,
                algorithms=self._algorithms,
                audience=self._audience,
                issuer=self._issuer,
                leeway=CLOCK_SKEW_SECONDS,
                options={"require": list(REQUIRED_CLAIMS)},
            )
        except jwt.PyJWTError as error:
            raise TokenRefusedError(type(error).__name__) from error
        return _caseworker_of(claims)


def _caseworker_of(claims: dict[str, Any]) -> Caseworker:
    roles = claims["roles"]
    if not isinstance(roles, list) or not all(isinstance(role, str) for role in roles):
        raise TokenRefusedError("roles must be a list of strings")
    try:
        organisation_id = str(UUID(str(claims["organisation_id"])))
    except ValueError:
        raise TokenRefusedError("organisation_id must be a UUID") from None
    return Caseworker(subject=str(claims["sub"]), organisation_id=organisation_id, roles=frozenset(roles))

"""A stand-in for the identity provider on this machine, for `make up` only: an RSA key of its own, its
JWKS served on 127.0.0.1 where a local Keycloak realm would publish it, and caseworker tokens signed with
it, so that the caseworker API can be tried without running an identity provider."""

import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

PORT = 8180
REALM = "realms/premiere-marche"
AUDIENCE = "pathway"
KEY_ID = "premiere-marche-dev"
TOKEN_LIFETIME_SECONDS = 12 * 3600


@dataclass(frozen=True)
class DevIdentityProvider:
    directory: Path
    port: int = PORT

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}/{REALM}"

    @property
    def _signing_key_file(self) -> Path:
        return self.directory / "signing-key.pem"

    @property
    def published(self) -> Path:
        """What the JWKS server serves."""
        return self.directory / "public"

    @property
    def _certs_file(self) -> Path:
        return self.published / REALM / "protocol" / "openid-connect" / "certs"

    @property
    def jwks_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/{self._certs_file.relative_to(self.published)}"

    def pathway_env(self) -> dict[str, str]:
        return {
            "PATHWAY_OIDC_ISSUER": self.issuer,
            "PATHWAY_OIDC_AUDIENCE": AUDIENCE,
            "PATHWAY_OIDC_JWKS_URL": self.jwks_url,
        }

    def serve_command(self) -> list[str]:
        address = ["--bind", "127.0.0.1", "--directory", str(self.published)]
        return [sys.executable, "-m", "http.server", str(self.port), *address]

    def ensure_keys(self) -> None:
        """A key made once per machine, kept beside the stack's state; its public half as a JWKS."""
        if not self._signing_key_file.exists():
            self.directory.mkdir(parents=True, exist_ok=True)
            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            pem = key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
            self._signing_key_file.touch(mode=0o600)
            self._signing_key_file.write_bytes(pem)
        public_jwk = json.loads(RSAAlgorithm.to_jwk(self._signing_key().public_key()))
        self._certs_file.parent.mkdir(parents=True, exist_ok=True)
        self._certs_file.write_text(
            json.dumps({"keys": [public_jwk | {"kid": KEY_ID, "use": "sig", "alg": "RS256"}]})
        )

    def caseworker_token(self, organisation_id: UUID, roles: tuple[str, ...]) -> str:
        now = int(time.time())
        claims = {
            "sub": f"demo-caseworker-{organisation_id}",
            "organisation_id": str(organisation_id),
            "roles": list(roles),
            "iss": self.issuer,
            "aud": AUDIENCE,
            "iat": now,
            "exp": now + TOKEN_LIFETIME_SECONDS,
        }
        return jwt.encode(claims, self._signing_key(), algorithm="RS256", headers={"kid": KEY_ID})

    def _signing_key(self) -> rsa.RSAPrivateKey:
        key = serialization.load_pem_private_key(self._signing_key_file.read_bytes(), password=None)
        if not isinstance(key, rsa.RSAPrivateKey):
            raise TypeError(f"{self._signing_key_file} holds no RSA key")
        return key

import pytest
from pydantic import ValidationError

from pathway.config import PathwaySettings


def test_production_refuses_to_fetch_the_identity_providers_keys_without_tls() -> None:
    with pytest.raises(ValidationError, match="https in production"):
        PathwaySettings(environment="production", oidc_jwks_url="http://idp.internal/certs")

    production = PathwaySettings(environment="production", oidc_jwks_url="https://idp.example/certs")
    assert production.oidc_jwks_url.startswith("https://")


def test_without_an_identity_provider_the_service_still_runs_in_production() -> None:
    assert PathwaySettings(environment="production").oidc_jwks_url is None

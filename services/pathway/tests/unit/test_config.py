import pytest
from pydantic import ValidationError

from pathway.config import PathwaySettings
from service_kit.offset_commits import OffsetCommitPolicy


def test_production_refuses_to_fetch_the_identity_providers_keys_without_tls() -> None:
    with pytest.raises(ValidationError, match="https in production"):
        PathwaySettings(environment="production", oidc_jwks_url="http://idp.internal/certs")

    production = PathwaySettings(environment="production", oidc_jwks_url="https://idp.example/certs")
    assert production.oidc_jwks_url.startswith("https://")


def test_the_assembler_commits_its_offsets_on_time_rather_than_after_every_fetch() -> None:
    settings = PathwaySettings()
    assert settings.offset_commits == OffsetCommitPolicy(every_events=1_000, every_seconds=0.2)
    assert settings.offset_commits.every_events > settings.assembler_batch_size


def test_without_an_identity_provider_the_service_still_runs_in_production() -> None:
    assert PathwaySettings(environment="production").oidc_jwks_url is None

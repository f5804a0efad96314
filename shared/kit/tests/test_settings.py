import pytest
from pydantic import SecretStr, ValidationError
from pydantic_settings import SettingsConfigDict

from service_kit.offset_commits import OffsetCommitPolicy
from service_kit.settings import ServiceSettings


class ExampleSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="EXAMPLE_", frozen=True)

    signing_secret: SecretStr = SecretStr("dev-signing-secret")


def test_settings_are_read_from_the_service_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXAMPLE_REGION", "hauts-de-france")
    monkeypatch.setenv("EXAMPLE_KAFKA_BOOTSTRAP_SERVERS", "kafka:9092")

    settings = ExampleSettings()

    assert settings.region == "hauts-de-france"
    assert settings.kafka_bootstrap_servers == "kafka:9092"
    assert settings.topics.referral_events == "hauts-de-france.referral.events.v1"


def test_production_refuses_a_development_secret() -> None:
    with pytest.raises(ValidationError, match="signing_secret still holds a development secret"):
        ExampleSettings(environment="production")


def test_production_accepts_a_real_secret() -> None:
    settings = ExampleSettings(environment="production", signing_secret=SecretStr("s3cr3t-from-vault"))

    assert settings.environment == "production"


def test_a_region_must_be_a_slug() -> None:
    with pytest.raises(ValidationError, match="region"):
        ExampleSettings(region="Grand Est")


def test_offsets_are_committed_every_100_events_or_200_ms_unless_configured(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert ExampleSettings().offset_commits == OffsetCommitPolicy(every_events=100, every_seconds=0.2)
    monkeypatch.setenv("EXAMPLE_CONSUMER_COMMIT_EVERY_EVENTS", "10")
    monkeypatch.setenv("EXAMPLE_CONSUMER_COMMIT_INTERVAL_MS", "50")

    assert ExampleSettings().offset_commits == OffsetCommitPolicy(every_events=10, every_seconds=0.05)

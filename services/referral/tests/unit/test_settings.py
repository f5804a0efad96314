import os

import pytest
from pydantic import ValidationError
from sqlalchemy import make_url

from referral.config import ReferralSettings

PREFIX = "REFERRAL_"
OTHER_PREFIXES = ["PATHWAY_", "NOTIFICATION_", ""]


@pytest.fixture(autouse=True)
def no_variables_from_the_surrounding_shell(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in [key for key in os.environ if key.startswith(PREFIX)]:
        monkeypatch.delenv(variable)


def test_by_default_the_service_listens_on_8001_and_uses_a_database_of_its_own() -> None:
    settings = ReferralSettings()

    assert settings.http_port == 8001
    assert make_url(settings.database_url).database == "referral"


def test_settings_are_read_from_variables_with_the_service_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(f"{PREFIX}REGION", "hauts-de-france")
    monkeypatch.setenv(f"{PREFIX}HTTP_PORT", "9100")
    monkeypatch.setenv(f"{PREFIX}DATABASE_URL", "postgresql+asyncpg://referral@db:5432/referral")
    monkeypatch.setenv(f"{PREFIX}KAFKA_BOOTSTRAP_SERVERS", "kafka:9092")

    settings = ReferralSettings()

    assert settings.region == "hauts-de-france"
    assert settings.http_port == 9100
    assert settings.database_url == "postgresql+asyncpg://referral@db:5432/referral"
    assert settings.kafka_bootstrap_servers == "kafka:9092"
    assert settings.topics.referral_events == "hauts-de-france.referral.events.v1"


def test_variables_of_other_services_are_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    for port, prefix in enumerate(OTHER_PREFIXES, start=9101):
        monkeypatch.setenv(f"{prefix}HTTP_PORT", str(port))

    assert ReferralSettings().http_port == 8001


def test_a_region_must_be_a_slug(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(f"{PREFIX}REGION", "Grand Est")

    with pytest.raises(ValidationError, match="region"):
        ReferralSettings()


def test_production_refuses_the_development_internal_service_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(f"{PREFIX}ENVIRONMENT", "production")

    with pytest.raises(ValidationError, match="internal_service_token"):
        ReferralSettings()


def test_production_accepts_a_real_internal_service_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(f"{PREFIX}ENVIRONMENT", "production")
    monkeypatch.setenv(f"{PREFIX}INTERNAL_SERVICE_TOKEN", "k3R9-a-real-one")

    assert ReferralSettings().internal_service_token.get_secret_value() == "k3R9-a-real-one"


def test_the_answer_clock_is_the_regions(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(f"{PREFIX}ANSWER_EXPIRES_AFTER_DAYS", "21")

    assert ReferralSettings().answer_clock.expires_after_days == 21

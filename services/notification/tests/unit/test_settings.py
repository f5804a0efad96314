import os

import pytest
from cryptography.fernet import Fernet
from pydantic import SecretStr, ValidationError
from sqlalchemy import make_url

from notification.config import DEV_SECRETS_ENCRYPTION_KEY, NotificationSettings

PREFIX = "NOTIFICATION_"
OTHER_PREFIXES = ["REFERRAL_", "PATHWAY_", ""]


@pytest.fixture(autouse=True)
def no_variables_from_the_surrounding_shell(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in [key for key in os.environ if key.startswith(PREFIX)]:
        monkeypatch.delenv(variable)


def test_by_default_the_service_listens_on_8003_and_uses_a_database_of_its_own() -> None:
    settings = NotificationSettings()

    assert settings.http_port == 8003
    assert make_url(settings.database_url).database == "notification"


def test_settings_are_read_from_variables_with_the_service_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(f"{PREFIX}REGION", "hauts-de-france")
    monkeypatch.setenv(f"{PREFIX}HTTP_PORT", "9100")
    monkeypatch.setenv(f"{PREFIX}DATABASE_URL", "postgresql+asyncpg://notification@db:5432/notification")
    monkeypatch.setenv(f"{PREFIX}KAFKA_BOOTSTRAP_SERVERS", "kafka:9092")

    settings = NotificationSettings()

    assert settings.region == "hauts-de-france"
    assert settings.http_port == 9100
    assert settings.database_url == "postgresql+asyncpg://notification@db:5432/notification"
    assert settings.kafka_bootstrap_servers == "kafka:9092"
    assert settings.topics.pathway_timeline == "hauts-de-france.pathway.timeline.v1"


def test_variables_of_other_services_are_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    for port, prefix in enumerate(OTHER_PREFIXES, start=9101):
        monkeypatch.setenv(f"{prefix}HTTP_PORT", str(port))

    assert NotificationSettings().http_port == 8003


def test_a_region_must_be_a_slug(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(f"{PREFIX}REGION", "Grand Est")

    with pytest.raises(ValidationError, match="region"):
        NotificationSettings()


def test_webhooks_reach_no_private_network_by_default() -> None:
    assert NotificationSettings().webhook_allowed_networks == ()


def test_local_receivers_can_be_allowed_for_development(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(f"{PREFIX}WEBHOOK_ALLOWED_NETWORKS", '["127.0.0.0/8", "::1/128"]')

    assert NotificationSettings().webhook_allowed_networks == ("127.0.0.0/8", "::1/128")


def test_an_allowed_network_must_be_a_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(f"{PREFIX}WEBHOOK_ALLOWED_NETWORKS", '["localhost"]')

    with pytest.raises(ValidationError, match="webhook_allowed_networks"):
        NotificationSettings()


def in_production_with_real_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    secrets = [name for name, value in NotificationSettings() if isinstance(value, SecretStr)]
    for name in secrets:
        monkeypatch.setenv(f"{PREFIX}{name.upper()}", f"real-{name}")
    monkeypatch.setenv(f"{PREFIX}SECRETS_ENCRYPTION_KEYS", Fernet.generate_key().decode())
    monkeypatch.setenv(f"{PREFIX}ENVIRONMENT", "production")
    monkeypatch.setenv(f"{PREFIX}SMTP_STARTTLS", "true")


def test_production_settings_with_real_secrets_are_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    in_production_with_real_secrets(monkeypatch)

    assert NotificationSettings().environment == "production"


@pytest.mark.parametrize(
    "name",
    ["smtp_password", "referral_internal_service_token", "sms_provider_token", "secrets_encryption_keys"],
)
def test_production_refuses_a_development_secret(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    in_production_with_real_secrets(monkeypatch)
    monkeypatch.delenv(f"{PREFIX}{name.upper()}")

    with pytest.raises(ValidationError, match=name):
        NotificationSettings()


def test_production_refuses_a_development_encryption_key_even_behind_a_real_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    in_production_with_real_secrets(monkeypatch)
    monkeypatch.setenv(
        f"{PREFIX}SECRETS_ENCRYPTION_KEYS", f"{Fernet.generate_key().decode()},{DEV_SECRETS_ENCRYPTION_KEY}"
    )

    with pytest.raises(ValidationError, match="secrets_encryption_keys"):
        NotificationSettings()


def test_encryption_keys_are_read_in_order_the_first_one_encrypting(monkeypatch: pytest.MonkeyPatch) -> None:
    new, old = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    monkeypatch.setenv(f"{PREFIX}SECRETS_ENCRYPTION_KEYS", f"{new}, {old}")

    assert NotificationSettings().secrets_encryption_key_list == (new, old)


@pytest.mark.parametrize("keys", ["", " , ", "not-a-fernet-key"])
def test_encryption_keys_must_be_fernet_keys_and_a_refusal_never_shows_them(
    monkeypatch: pytest.MonkeyPatch, keys: str
) -> None:
    monkeypatch.setenv(f"{PREFIX}SECRETS_ENCRYPTION_KEYS", keys)

    with pytest.raises(ValidationError, match="secrets_encryption_keys") as refused:
        NotificationSettings()

    assert "not-a-fernet-key" not in str(refused.value)


def test_production_refuses_smtp_without_starttls(monkeypatch: pytest.MonkeyPatch) -> None:
    in_production_with_real_secrets(monkeypatch)
    monkeypatch.setenv(f"{PREFIX}SMTP_STARTTLS", "false")

    with pytest.raises(ValidationError, match="smtp_starttls"):
        NotificationSettings()


def test_production_refuses_an_allow_list_of_private_networks(monkeypatch: pytest.MonkeyPatch) -> None:
    in_production_with_real_secrets(monkeypatch)
    monkeypatch.setenv(f"{PREFIX}WEBHOOK_ALLOWED_NETWORKS", '["10.0.0.0/8"]')

    with pytest.raises(ValidationError, match="never production"):
        NotificationSettings()


def test_by_default_an_sms_fits_one_segment_and_the_contact_comes_from_the_local_referral_service() -> None:
    settings = NotificationSettings()

    assert settings.sms_max_segments == 1
    assert settings.referral_internal_url == "http://127.0.0.1:8001"


def test_the_sms_sender_name_is_at_most_eleven_letters_or_digits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(f"{PREFIX}SMS_SENDER_NAME", "Premiere-marche")

    with pytest.raises(ValidationError, match="sms_sender_name"):
        NotificationSettings()


def test_a_claimed_batch_is_kept_longer_than_one_attempt_can_take(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(f"{PREFIX}WEBHOOK_TIMEOUT_SECONDS", "30")
    monkeypatch.setenv(f"{PREFIX}WEBHOOK_LEASE_SECONDS", "20")

    with pytest.raises(ValidationError, match="webhook_lease_seconds"):
        NotificationSettings()


def test_claimed_reminders_are_kept_longer_than_sending_one_can_take(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(f"{PREFIX}REMINDER_LEASE_SECONDS", "20")

    with pytest.raises(ValidationError, match="reminder_lease_seconds"):
        NotificationSettings()

"""Settings of the notification service, read from `NOTIFICATION_*` environment variables."""

from ipaddress import ip_network
from typing import Self
from zoneinfo import ZoneInfo

from cryptography.fernet import Fernet
from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import SettingsConfigDict

from service_kit.settings import DEV_SECRET_PREFIX, ServiceSettings

SERVICE_NAME = "notification"
# A valid Fernet key that still starts with the development marker, so production refuses it.
DEV_SECRETS_ENCRYPTION_KEY = "dev-only-webhook-secrets-encryption-key-000="


class NotificationSettings(ServiceSettings):
    # A refused value is never echoed back: some of them are keys and passwords.
    model_config = SettingsConfigDict(
        env_prefix="NOTIFICATION_", frozen=True, extra="ignore", hide_input_in_errors=True
    )

    http_port: int = 8003
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:15432/notification"
    max_body_bytes: int = Field(default=64 * 1024, ge=1024, le=1024 * 1024)

    webhook_timeout_seconds: float = Field(default=10.0, gt=0, le=60)
    webhook_concurrency_per_endpoint: int = Field(default=4, ge=1, le=100)
    webhook_dispatch_interval_seconds: float = Field(default=1.0, gt=0)
    webhook_batch_size: int = Field(default=100, ge=1, le=10_000)
    webhook_lease_seconds: float = Field(
        default=600.0, gt=0, description="How long a claimed batch is kept from other instances."
    )
    webhook_allowed_networks: tuple[str, ...] = Field(
        default=(),
        description="Networks webhooks may reach although not public, e.g. 127.0.0.0/8: development only.",
    )

    secrets_encryption_keys: SecretStr = Field(
        default=SecretStr(DEV_SECRETS_ENCRYPTION_KEY),
        description=(
            "Fernet keys, comma-separated: the first encrypts webhook secrets at rest, every one decrypts, "
            "so a new key goes first and the previous one stays until no row is encrypted under it."
        ),
    )

    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(default=1025, ge=1, le=65535)
    smtp_starttls: bool = False
    smtp_username: str | None = None
    smtp_password: SecretStr = SecretStr("dev-smtp-password")
    smtp_sender: str = "Première marche <ne-pas-repondre@premiere-marche.fr>"
    smtp_timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    smtp_ca_file: str | None = Field(default=None, description="A CA to trust instead of the system's.")

    email_dispatch_interval_seconds: float = Field(default=1.0, gt=0)
    email_batch_size: int = Field(default=100, ge=1, le=10_000)
    email_lease_seconds: float = Field(
        default=600.0, gt=0, description="How long a claimed batch of e-mails is kept from other instances."
    )
    email_concurrency: int = Field(default=8, ge=1, le=100, description="E-mails in flight at once.")
    time_zone: str = Field(default="Europe/Paris", description="Dates in e-mails are said in this zone.")

    referral_internal_url: str = "http://127.0.0.1:8001"
    referral_internal_service_token: SecretStr = SecretStr("dev-internal-service-token")
    referral_timeout_seconds: float = Field(default=5.0, gt=0, le=60)

    sms_provider_url: str = "http://127.0.0.1:8090/sms"
    sms_provider_token: SecretStr = SecretStr("dev-sms-provider-token")
    sms_sender_name: str = Field(default="PremMarche", pattern=r"^[A-Za-z0-9 ]{1,11}$")
    sms_max_segments: int = Field(default=1, ge=1, le=3)
    sms_timeout_seconds: float = Field(default=10.0, gt=0, le=60)

    reminder_dispatch_interval_seconds: float = Field(default=60.0, gt=0)
    reminder_batch_size: int = Field(default=20, ge=1, le=1000)
    reminder_concurrency: int = Field(default=4, ge=1, le=100, description="Reminders in flight at once.")
    reminder_lease_seconds: float = Field(
        default=900.0, gt=0, description="How long claimed reminders are kept from other instances."
    )

    @property
    def timeline_router_group(self) -> str:
        return f"{self.region}.notification.router"

    @property
    def secrets_encryption_key_list(self) -> tuple[str, ...]:
        return keys_of(self.secrets_encryption_keys)

    @field_validator("secrets_encryption_keys")
    @classmethod
    def must_be_fernet_keys(cls, keys: SecretStr) -> SecretStr:
        if not keys_of(keys):
            raise ValueError("secrets_encryption_keys needs at least one key")
        for key in keys_of(keys):
            Fernet(key)  # raises ValueError, without the key, when it is not 32 url-safe base64 bytes
        return keys

    @field_validator("webhook_allowed_networks")
    @classmethod
    def must_be_networks(cls, networks: tuple[str, ...]) -> tuple[str, ...]:
        for network in networks:
            ip_network(network)
        return networks

    @model_validator(mode="after")
    def lease_outlasts_an_attempt(self) -> Self:
        if self.webhook_lease_seconds <= self.webhook_timeout_seconds:
            raise ValueError("webhook_lease_seconds must exceed webhook_timeout_seconds")
        return self

    @field_validator("time_zone")
    @classmethod
    def must_be_a_time_zone(cls, name: str) -> str:
        ZoneInfo(name)
        return name

    @model_validator(mode="after")
    def email_lease_outlasts_an_attempt(self) -> Self:
        if self.email_lease_seconds <= self.smtp_timeout_seconds:
            raise ValueError("email_lease_seconds must exceed smtp_timeout_seconds")
        return self

    @model_validator(mode="after")
    def reminder_lease_outlasts_a_reminder(self) -> Self:
        one_reminder = self.referral_timeout_seconds + self.sms_timeout_seconds + self.smtp_timeout_seconds
        if self.reminder_lease_seconds <= one_reminder:
            raise ValueError(
                "reminder_lease_seconds must exceed the referral, SMS and SMTP timeouts put together"
            )
        return self

    @model_validator(mode="after")
    def refuse_private_webhook_destinations_in_production(self) -> Self:
        if self.environment == "production" and self.webhook_allowed_networks:
            raise ValueError("webhook_allowed_networks is for development and tests, never production")
        return self

    @model_validator(mode="after")
    def refuse_development_encryption_keys_in_production(self) -> Self:
        """The kit looks at the start of the whole value only; a development key may hide further on."""
        if self.environment == "production" and any(
            key.startswith(DEV_SECRET_PREFIX) for key in self.secrets_encryption_key_list
        ):
            raise ValueError("secrets_encryption_keys still holds a development key; set real ones")
        return self

    @model_validator(mode="after")
    def refuse_unencrypted_smtp_in_production(self) -> Self:
        if self.environment == "production" and not self.smtp_starttls:
            raise ValueError("smtp_starttls must be true in production: e-mails carry personal details")
        return self


def keys_of(keys: SecretStr) -> tuple[str, ...]:
    return tuple(key.strip() for key in keys.get_secret_value().split(",") if key.strip())

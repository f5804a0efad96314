"""Settings of the notification service, read from `NOTIFICATION_*` environment variables."""

from ipaddress import ip_network
from typing import Self

from pydantic import Field, field_validator, model_validator
from pydantic_settings import SettingsConfigDict

from service_kit.settings import ServiceSettings

SERVICE_NAME = "notification"


class NotificationSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="NOTIFICATION_", frozen=True, extra="ignore")

    http_port: int = 8003
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:15432/notification"

    webhook_timeout_seconds: float = Field(default=10.0, gt=0, le=60)
    webhook_concurrency_per_endpoint: int = Field(default=4, ge=1, le=100)
    webhook_allowed_networks: tuple[str, ...] = Field(
        default=(),
        description="Networks webhooks may reach although not public, e.g. 127.0.0.0/8: development only.",
    )

    @field_validator("webhook_allowed_networks")
    @classmethod
    def must_be_networks(cls, networks: tuple[str, ...]) -> tuple[str, ...]:
        for network in networks:
            ip_network(network)
        return networks

    @model_validator(mode="after")
    def refuse_private_webhook_destinations_in_production(self) -> Self:
        if self.environment == "production" and self.webhook_allowed_networks:
            raise ValueError("webhook_allowed_networks is for development and tests, never production")
        return self

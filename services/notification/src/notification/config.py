"""Settings of the notification service, read from `NOTIFICATION_*` environment variables."""

from pydantic_settings import SettingsConfigDict

from service_kit.settings import ServiceSettings

SERVICE_NAME = "notification"


class NotificationSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="NOTIFICATION_", frozen=True, extra="ignore")

    http_port: int = 8003
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:15432/notification"

"""Settings of the referral service, read from `REFERRAL_*` environment variables."""

from pydantic_settings import SettingsConfigDict

from service_kit.settings import ServiceSettings

SERVICE_NAME = "referral"


class ReferralSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="REFERRAL_", frozen=True, extra="ignore")

    http_port: int = 8001
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:15432/referral"

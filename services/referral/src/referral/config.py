"""Settings of the referral service, read from `REFERRAL_*` environment variables."""

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from referral.domain.answer_clock import AnswerClock
from service_kit.settings import ServiceSettings

SERVICE_NAME = "referral"


class ReferralSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="REFERRAL_", frozen=True, extra="ignore")

    http_port: int = 8001
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:15432/referral"
    internal_service_token: SecretStr = SecretStr("dev-internal-service-token")
    """What the notification service presents to read contact details; refused in production if `dev-…`."""
    answer_reminder_after_days: int = Field(default=10, ge=1)
    answer_expires_after_days: int = Field(default=30, ge=2)
    expiry_interval_seconds: float = Field(default=300.0, gt=0)
    expiry_batch_size: int = Field(default=200, ge=1, le=10_000)
    max_body_bytes: int = Field(default=64 * 1024, ge=1024)

    @property
    def answer_clock(self) -> AnswerClock:
        return AnswerClock(self.answer_reminder_after_days, self.answer_expires_after_days)

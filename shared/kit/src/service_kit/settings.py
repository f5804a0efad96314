"""The settings every service shares; each service subclasses it with its own env prefix."""

from typing import Literal, Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from event_contracts.topics import RegionTopics, topics_for_region
from service_kit.offset_commits import OffsetCommitPolicy
from service_kit.outbox_purge import DEFAULT_PUBLISHED_RETENTION, DEFAULT_PURGE_INTERVAL

Environment = Literal["development", "test", "production"]

DEV_SECRET_PREFIX = "dev-"  # noqa: S105 - the marker of a development secret, not a secret


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(frozen=True, extra="ignore")

    environment: Environment = "development"
    region: str = Field(default="grand-est", pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    kafka_bootstrap_servers: str = "127.0.0.1:19092"
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:15432/postgres"
    http_host: str = "127.0.0.1"
    http_port: int = 8000
    http_workers: int = Field(default=1, ge=1, le=32)
    """Worker processes behind the port; each runs the whole service, and the outbox relay's advisory lock
    keeps one publisher active among them."""
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    run_outbox_relay: bool = True
    """Off when `<service> relay` runs the outbox relay and its purge in a process of its own."""
    outbox_batch_size: int = Field(default=500, ge=1, le=10_000)
    outbox_poll_interval_seconds: float = Field(default=1.0, gt=0)
    outbox_published_retention_seconds: float = Field(
        default=DEFAULT_PUBLISHED_RETENTION.total_seconds(), gt=0
    )
    """How long published outbox rows stay for investigations before every instance purges them."""
    outbox_purge_interval_seconds: float = Field(default=DEFAULT_PURGE_INTERVAL.total_seconds(), gt=0)
    idempotency_purge_interval_seconds: float = Field(default=3600.0, gt=0)
    """How often each instance forgets `Idempotency-Key`s past their retention (a day)."""
    consumer_commit_every_events: int = Field(default=100, ge=1)
    consumer_commit_interval_ms: int = Field(default=200, ge=1)
    """The longest a finished event's offset waits uncommitted (a crash then redelivers it; the inbox, or
    the consumer's own rows, recognise it)."""

    @property
    def topics(self) -> RegionTopics:
        return topics_for_region(self.region)

    @property
    def offset_commits(self) -> OffsetCommitPolicy:
        return OffsetCommitPolicy(
            every_events=self.consumer_commit_every_events,
            every_seconds=self.consumer_commit_interval_ms / 1000,
        )

    @model_validator(mode="after")
    def refuse_development_secrets_in_production(self) -> Self:
        if self.environment != "production":
            return self
        for name, value in self:
            if isinstance(value, SecretStr) and value.get_secret_value().startswith(DEV_SECRET_PREFIX):
                raise ValueError(f"{name} still holds a development secret; set a real one for production")
        return self

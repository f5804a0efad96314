"""Settings of the pathway service, read from `PATHWAY_*` environment variables."""

from typing import Self

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from service_kit.settings import ServiceSettings

SERVICE_NAME = "pathway"


class PathwaySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PATHWAY_", frozen=True, extra="ignore")

    http_port: int = 8002
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:15432/pathway"
    alert_sweep_interval_seconds: float = Field(default=60.0, gt=0)
    alert_sweep_batch_size: int = Field(default=100, ge=1, le=10_000)
    assembler_batch_size: int = Field(default=200, ge=1, le=5_000)
    """Events of one fetch assembled in one transaction; 1 assembles each event in its own."""
    consumer_commit_every_events: int = Field(default=1_000, ge=1)
    """More than a fetch: committing after each one cost the broker a write to `__consumer_offsets` per
    batch (a drain ran about 7 % faster at 1,000). Under load the commit interval then decides, and what a
    crash redelivers the timeline skips."""
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024)
    max_events_per_request: int = Field(default=1000, ge=1)
    ingest_ack_timeout_seconds: float = Field(default=10.0, gt=0)
    """How long a partner waits for the broker to acknowledge its events before a 503."""
    oidc_issuer: str = "http://127.0.0.1:8180/realms/premiere-marche"
    oidc_audience: str = "pathway"
    oidc_jwks_url: str | None = None
    """Unset, the caseworker API answers 503: the assembler and partner ingestion run without it."""
    oidc_jwks_cache_seconds: float = Field(default=300.0, gt=0)
    indicators_minimum_cell_size: int = Field(default=11, ge=2)
    """The fewest persons a coordinator's count may show (but for none): as in the French rules for
    publishing sensitive statistics, 1 to 10 persons are withheld."""
    projection_poll_interval_seconds: float = Field(default=5.0, gt=0)
    """How soon a running instance notices that another projection generation went live."""

    @model_validator(mode="after")
    def refuse_unencrypted_identity_provider_keys_in_production(self) -> Self:
        jwks_url = self.oidc_jwks_url
        if self.environment == "production" and jwks_url is not None and not jwks_url.startswith("https://"):
            raise ValueError("oidc_jwks_url must be https in production: the keys decide who reads pathways")
        return self

    @property
    def assembler_group(self) -> str:
        return f"{self.region}.pathway.assembler"

    def assembler_group_of(self, generation: int) -> str:
        """Generation 1 keeps the group the assembler always had, and so its committed offsets."""
        return self.assembler_group if generation == 1 else f"{self.assembler_group}.generation-{generation}"

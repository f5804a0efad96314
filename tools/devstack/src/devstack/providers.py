"""Choosing where Kafka and PostgreSQL come from, each on its own.

Order: URLs from the environment → the local stack if it already runs → testcontainers where Docker
answers → the local stack, started here and stopped again when the last session using it closes.
"""

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Protocol

from devstack.container_source import ContainerSource
from devstack.endpoints import Endpoint, Service
from devstack.errors import DevstackError
from devstack.kafka_layout import KafkaClusterLayout
from devstack.local_sources import (
    DATABASE_URL_VARIABLE,
    KAFKA_BOOTSTRAP_VARIABLE,
    EnvironmentSource,
    RunningLocalStackSource,
    StartingLocalStackSource,
)
from devstack.local_stack import LocalStack
from devstack.locations import stack_home
from devstack.postgres_server import PostgresSettings
from devstack.state_store import Session

__all__ = [
    "DATABASE_URL_VARIABLE",
    "KAFKA_BOOTSTRAP_VARIABLE",
    "Endpoint",
    "Infrastructure",
    "InfrastructureSource",
    "InfrastructureUnavailableError",
    "Service",
    "default_sources",
    "resolve_infrastructure",
]


class InfrastructureUnavailableError(DevstackError):
    pass


class InfrastructureSource(Protocol):
    def provide(self, services: frozenset[Service]) -> dict[Service, Endpoint]:
        """Endpoints for those of `services` this source can give; the others are left out."""
        ...


@dataclass
class Infrastructure:
    endpoints: dict[Service, Endpoint]

    def _endpoint(self, service: Service) -> Endpoint:
        if service not in self.endpoints:
            raise InfrastructureUnavailableError(f"{service} was not requested from resolve_infrastructure()")
        return self.endpoints[service]

    @property
    def kafka_bootstrap_servers(self) -> str:
        return self._endpoint(Service.KAFKA).url

    @property
    def postgres_url(self) -> str:
        """A plain postgresql:// URL to the admin database."""
        return self._endpoint(Service.POSTGRES).url

    @property
    def provider(self) -> str:
        providers = {endpoint.provider for endpoint in self.endpoints.values()}
        if len(providers) == 1:
            return providers.pop()
        return ", ".join(
            f"{service}: {endpoint.provider}" for service, endpoint in sorted(self.endpoints.items())
        )

    @property
    def cold_start_seconds(self) -> float | None:
        durations = [
            e.cold_start_seconds for e in self.endpoints.values() if e.cold_start_seconds is not None
        ]
        return max(durations) if durations else None

    def describe(self) -> str:
        services_by_description: dict[str, list[str]] = {}
        for service, endpoint in sorted(self.endpoints.items()):
            services_by_description.setdefault(endpoint.describe(), []).append(service)
        return "; ".join(
            f"{'+'.join(services)}: {text}" for text, services in services_by_description.items()
        )

    def close(self) -> None:
        """Gives back every endpoint; only what was started for this session is stopped."""
        endpoints, self.endpoints = list(self.endpoints.values()), {}
        for endpoint in endpoints:
            endpoint.release()

    def __enter__(self) -> "Infrastructure":
        return self

    def __exit__(
        self,
        error_type: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def default_sources(environ: Mapping[str, str] | None = None) -> list[InfrastructureSource]:
    environ = os.environ if environ is None else environ
    stack = LocalStack(stack_home(environ))
    session = Session.of_current_process()
    layout, settings = KafkaClusterLayout.for_node_count(1), PostgresSettings()
    return [
        EnvironmentSource(environ),
        RunningLocalStackSource(stack, session, layout, settings),
        ContainerSource(environ),
        StartingLocalStackSource(stack, session, layout, settings),
    ]


def resolve_infrastructure(
    services: frozenset[Service] = frozenset(Service),
    sources: Sequence[InfrastructureSource] | None = None,
) -> Infrastructure:
    """The first source able to give a service wins it; Kafka and PostgreSQL may come from different ones."""
    infrastructure = Infrastructure(endpoints={})
    remaining = set(services)
    try:
        for source in default_sources() if sources is None else sources:
            if not remaining:
                break
            found = source.provide(frozenset(remaining))
            infrastructure.endpoints.update(found)
            remaining -= found.keys()
    except BaseException:
        infrastructure.close()
        raise
    if remaining:
        infrastructure.close()
        raise InfrastructureUnavailableError(f"no source could provide {', '.join(sorted(remaining))}")
    return infrastructure

"""Infrastructure from the environment, or from the local stack (already running, or started here)."""

from collections.abc import Mapping

from devstack.endpoints import Endpoint, Service
from devstack.kafka_layout import KafkaClusterLayout
from devstack.local_stack import LocalStack
from devstack.postgres_server import PostgresSettings
from devstack.postgres_urls import plain_url
from devstack.state_store import Session

KAFKA_BOOTSTRAP_VARIABLE = "PM_KAFKA_BOOTSTRAP_SERVERS"
DATABASE_URL_VARIABLE = "PM_DATABASE_URL"


class EnvironmentSource:
    def __init__(self, environ: Mapping[str, str]) -> None:
        self._environ = environ

    def provide(self, services: frozenset[Service]) -> dict[Service, Endpoint]:
        found: dict[Service, Endpoint] = {}
        bootstrap = self._environ.get(KAFKA_BOOTSTRAP_VARIABLE)
        if Service.KAFKA in services and bootstrap:
            found[Service.KAFKA] = Endpoint(bootstrap, f"environment ({KAFKA_BOOTSTRAP_VARIABLE})")
        database_url = self._environ.get(DATABASE_URL_VARIABLE)
        if Service.POSTGRES in services and database_url:
            found[Service.POSTGRES] = Endpoint(
                plain_url(database_url), f"environment ({DATABASE_URL_VARIABLE})"
            )
        return found


def _scope(
    services: frozenset[Service], layout: KafkaClusterLayout, settings: PostgresSettings
) -> tuple[KafkaClusterLayout | None, PostgresSettings | None]:
    return (
        layout if Service.KAFKA in services else None,
        settings if Service.POSTGRES in services else None,
    )


class RunningLocalStackSource:
    """A healthy stack recorded in the state file; leasing it keeps it up while this session runs."""

    def __init__(
        self, stack: LocalStack, session: Session, layout: KafkaClusterLayout, settings: PostgresSettings
    ) -> None:
        self._stack, self._session, self._layout, self._settings = stack, session, layout, settings

    def provide(self, services: frozenset[Service]) -> dict[Service, Endpoint]:
        found: dict[Service, Endpoint] = {}
        for service in services:
            kafka, postgres = _scope(frozenset({service}), self._layout, self._settings)
            if self._stack.lease_if_healthy(self._session, kafka, postgres):
                found[service] = Endpoint(
                    _url(service, self._layout, self._settings),
                    "local stack (already running)",
                    release=lambda: _release(self._stack, self._session),
                )
        return found


class StartingLocalStackSource:
    """Starts the local stack for this session; it stops when the last session using it ends."""

    def __init__(
        self, stack: LocalStack, session: Session, layout: KafkaClusterLayout, settings: PostgresSettings
    ) -> None:
        self._stack, self._session, self._layout, self._settings = stack, session, layout, settings

    def provide(self, services: frozenset[Service]) -> dict[Service, Endpoint]:
        kafka, postgres = _scope(services, self._layout, self._settings)
        report = self._stack.up(kafka, postgres, session=self._session)
        return {
            service: Endpoint(
                _url(service, self._layout, self._settings),
                "local stack (started)",
                cold_start_seconds=report.start_seconds,
                preparation_seconds=report.preparation_seconds,
                release=lambda: _release(self._stack, self._session),
            )
            for service in services
        }


def _url(service: Service, layout: KafkaClusterLayout, settings: PostgresSettings) -> str:
    return layout.bootstrap_servers if service is Service.KAFKA else settings.admin_url


def _release(stack: LocalStack, session: Session) -> None:
    stack.release(session)

"""Where Kafka and PostgreSQL come from: environment, running stack, containers, then a started stack."""

from pathlib import Path

import pytest

from devstack.container_source import ContainerSource
from devstack.endpoints import Endpoint, Service
from devstack.local_sources import EnvironmentSource, RunningLocalStackSource, StartingLocalStackSource
from devstack.providers import (
    Infrastructure,
    InfrastructureUnavailableError,
    default_sources,
    resolve_infrastructure,
)

BOTH = frozenset(Service)


class FakeSource:
    def __init__(
        self, name: str, offers: dict[Service, str], calls: list[tuple[str, frozenset[Service]]]
    ) -> None:
        self.name, self.offers, self.calls = name, offers, calls
        self.released: list[Service] = []

    def provide(self, services: frozenset[Service]) -> dict[Service, Endpoint]:
        self.calls.append((self.name, services))
        return {
            service: Endpoint(
                self.offers[service], self.name, release=lambda s=service: self.released.append(s)
            )
            for service in services
            if service in self.offers
        }


class FailingSource:
    def provide(self, services: frozenset[Service]) -> dict[Service, Endpoint]:
        raise RuntimeError("docker went away")


def test_urls_from_the_environment_win_and_nothing_else_is_asked() -> None:
    calls: list[tuple[str, frozenset[Service]]] = []
    environment = EnvironmentSource(
        {
            "PM_KAFKA_BOOTSTRAP_SERVERS": "kafka:9092",
            "PM_DATABASE_URL": "postgresql+asyncpg://u@db:5432/postgres",
        }
    )
    later = FakeSource("running stack", {Service.KAFKA: "x", Service.POSTGRES: "y"}, calls)

    infrastructure = resolve_infrastructure(BOTH, [environment, later])

    assert infrastructure.kafka_bootstrap_servers == "kafka:9092"
    assert infrastructure.postgres_url == "postgresql://u@db:5432/postgres"
    assert (
        infrastructure.provider
        == "kafka: environment (PM_KAFKA_BOOTSTRAP_SERVERS), postgres: environment (PM_DATABASE_URL)"
    )
    assert calls == []


def test_each_service_is_resolved_on_its_own() -> None:
    calls: list[tuple[str, frozenset[Service]]] = []
    environment = EnvironmentSource({"PM_KAFKA_BOOTSTRAP_SERVERS": "kafka:9092"})
    running = FakeSource("running stack", {}, calls)
    containers = FakeSource("containers", {Service.POSTGRES: "postgresql://c/postgres"}, calls)
    starting = FakeSource("started stack", {Service.KAFKA: "x", Service.POSTGRES: "y"}, calls)

    infrastructure = resolve_infrastructure(BOTH, [environment, running, containers, starting])

    assert infrastructure.kafka_bootstrap_servers == "kafka:9092"
    assert infrastructure.postgres_url == "postgresql://c/postgres"
    assert calls == [
        ("running stack", frozenset({Service.POSTGRES})),
        ("containers", frozenset({Service.POSTGRES})),
    ]


def test_a_running_stack_is_preferred_to_containers_and_to_starting_one() -> None:
    calls: list[tuple[str, frozenset[Service]]] = []
    running = FakeSource("running stack", {Service.KAFKA: "127.0.0.1:19092", Service.POSTGRES: "pg"}, calls)
    containers = FakeSource("containers", {Service.KAFKA: "x", Service.POSTGRES: "y"}, calls)

    infrastructure = resolve_infrastructure(BOTH, [EnvironmentSource({}), running, containers])

    assert infrastructure.provider == "running stack"
    assert [name for name, _ in calls] == ["running stack"]


def test_containers_are_skipped_without_asking_docker_twice_when_no_daemon_answers() -> None:
    probes: list[bool] = []

    def no_daemon() -> bool:
        probes.append(False)
        return False

    assert ContainerSource({}, docker_answers=no_daemon).provide(BOTH) == {}
    assert probes == [False]


def test_closing_gives_back_only_what_was_obtained() -> None:
    calls: list[tuple[str, frozenset[Service]]] = []
    running = FakeSource("running stack", {Service.KAFKA: "k"}, calls)
    starting = FakeSource("started stack", {Service.KAFKA: "k2", Service.POSTGRES: "p"}, calls)

    with resolve_infrastructure(BOTH, [running, starting]):
        pass

    assert running.released == [Service.KAFKA]
    assert starting.released == [Service.POSTGRES]


def test_a_failing_source_releases_what_earlier_sources_gave() -> None:
    calls: list[tuple[str, frozenset[Service]]] = []
    running = FakeSource("running stack", {Service.KAFKA: "k"}, calls)

    with pytest.raises(RuntimeError, match="docker went away"):
        resolve_infrastructure(BOTH, [running, FailingSource()])

    assert running.released == [Service.KAFKA]


def test_a_service_nobody_provides_is_an_error() -> None:
    calls: list[tuple[str, frozenset[Service]]] = []
    only_kafka = FakeSource("running stack", {Service.KAFKA: "k"}, calls)

    with pytest.raises(InfrastructureUnavailableError, match="postgres"):
        resolve_infrastructure(BOTH, [only_kafka])
    assert only_kafka.released == [Service.KAFKA]


def test_only_the_requested_services_are_resolved() -> None:
    infrastructure = resolve_infrastructure(
        frozenset({Service.KAFKA}), [EnvironmentSource({"PM_KAFKA_BOOTSTRAP_SERVERS": "k:1"})]
    )

    assert infrastructure.kafka_bootstrap_servers == "k:1"
    with pytest.raises(InfrastructureUnavailableError):
        _ = infrastructure.postgres_url


def test_the_default_order_is_environment_running_stack_containers_then_a_started_stack(
    tmp_path: Path,
) -> None:
    sources = default_sources({"DEVSTACK_HOME": str(tmp_path)})

    assert [type(source) for source in sources] == [
        EnvironmentSource,
        RunningLocalStackSource,
        ContainerSource,
        StartingLocalStackSource,
    ]


def test_a_shared_provider_is_described_once() -> None:
    same = Endpoint("x", "local stack (started)", cold_start_seconds=2.0)
    infrastructure = Infrastructure({Service.KAFKA: same, Service.POSTGRES: same})

    assert infrastructure.describe() == "kafka+postgres: local stack (started) (cold start 2.0 s)"
    assert infrastructure.provider == "local stack (started)"
    assert infrastructure.cold_start_seconds == 2.0

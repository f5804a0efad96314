"""Infrastructure from testcontainers, used only where a Docker daemon answers."""

import os
import time
from collections.abc import Callable, Mapping

from devstack.docker_probe import docker_daemon_answers
from devstack.endpoints import Endpoint, Service

KAFKA_IMAGE_VARIABLE = "DEVSTACK_KAFKA_IMAGE"
POSTGRES_IMAGE_VARIABLE = "DEVSTACK_POSTGRES_IMAGE"
# testcontainers' KafkaContainer drives Confluent's image scripts; 7.9 ships Apache Kafka 3.9 in KRaft mode.
DEFAULT_KAFKA_IMAGE = "confluentinc/cp-kafka:7.9.0"
DEFAULT_POSTGRES_IMAGE = "postgres:15"


class ContainerSource:
    def __init__(
        self,
        environ: Mapping[str, str] | None = None,
        docker_answers: Callable[[], bool] = docker_daemon_answers,
    ) -> None:
        self._environ = os.environ if environ is None else environ
        self._docker_answers = docker_answers

    def provide(self, services: frozenset[Service]) -> dict[Service, Endpoint]:
        if not services or not self._docker_answers():
            return {}
        found: dict[Service, Endpoint] = {}
        if Service.KAFKA in services:
            found[Service.KAFKA] = self._start_kafka()
        if Service.POSTGRES in services:
            found[Service.POSTGRES] = self._start_postgres()
        return found

    def _start_kafka(self) -> Endpoint:
        from testcontainers.community.kafka import KafkaContainer  # noqa: PLC0415 - needs Docker, so only on demand

        started = time.monotonic()
        container = KafkaContainer(self._environ.get(KAFKA_IMAGE_VARIABLE, DEFAULT_KAFKA_IMAGE)).with_kraft()
        container.start()
        return Endpoint(
            str(container.get_bootstrap_server()),
            "testcontainers",
            cold_start_seconds=time.monotonic() - started,
            release=container.stop,
        )

    def _start_postgres(self) -> Endpoint:
        from testcontainers.community.postgres import PostgresContainer  # noqa: PLC0415 - as above

        started = time.monotonic()
        container = PostgresContainer(
            self._environ.get(POSTGRES_IMAGE_VARIABLE, DEFAULT_POSTGRES_IMAGE),
            username="postgres",
            password="postgres",  # noqa: S106 - a throw-away container on the test host
            dbname="postgres",
            driver=None,
        )
        container.start()
        return Endpoint(
            str(container.get_connection_url(driver=None)),
            "testcontainers",
            cold_start_seconds=time.monotonic() - started,
            release=container.stop,
        )

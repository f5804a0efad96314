"""The one way services write to Kafka: an idempotent producer that waits for every in-sync replica."""

from collections.abc import Sequence
from types import TracebackType
from typing import Self

from aiokafka import AIOKafkaProducer
from aiokafka.structs import RecordMetadata

Headers = Sequence[tuple[str, bytes]]


class EventProducer:
    def __init__(self, bootstrap_servers: str, *, client_id: str, linger_ms: int = 5) -> None:
        self._bootstrap_servers = bootstrap_servers
        self._client_id = client_id
        self._linger_ms = linger_ms
        self._started: AIOKafkaProducer | None = None

    @property
    def _producer(self) -> AIOKafkaProducer:
        if self._started is None:
            raise RuntimeError("the producer is used before start()")
        return self._started

    async def start(self) -> None:
        # aiokafka binds a producer to the running loop, so it is made here rather than at wiring time.
        # enable_idempotence forces acks=all: a send succeeds only once every in-sync replica has it.
        producer = AIOKafkaProducer(
            bootstrap_servers=self._bootstrap_servers,
            client_id=self._client_id,
            enable_idempotence=True,
            acks="all",
            linger_ms=self._linger_ms,
            request_timeout_ms=15_000,
        )
        await producer.start()
        self._started = producer

    async def stop(self) -> None:
        if self._started is not None:
            await self._started.stop()
            self._started = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    async def send(
        self, topic: str, *, key: bytes | None, value: bytes | None, headers: Headers
    ) -> RecordMetadata:
        """Send one record and wait until the broker has acknowledged it."""
        return await self._producer.send_and_wait(topic, value=value, key=key, headers=list(headers))

    async def send_all(self, records: Sequence[tuple[str, bytes | None, bytes | None, Headers]]) -> None:
        """Send records in order and wait until the broker has acknowledged every one."""
        pending = [
            await self._producer.send(topic, value=value, key=key, headers=list(headers))
            for topic, key, value, headers in records
        ]
        for acknowledgement in pending:
            await acknowledgement

    async def is_reachable(self) -> bool:
        if self._started is None:
            return False
        try:
            await self._producer.client.fetch_all_metadata()
        except Exception:
            return False
        return True

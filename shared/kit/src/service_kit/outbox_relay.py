"""Publishes outbox rows to Kafka in commit order, then marks them; several relays may run at once."""

import asyncio
import contextlib

import asyncpg
import structlog
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from service_kit.database import libpq_url
from service_kit.messaging_tables import OUTBOX_TABLE
from service_kit.metrics import ServiceMetrics
from service_kit.outbox import OUTBOX_CHANNEL
from service_kit.producer import EventProducer

# Only one relay publishes at a time: with SKIP LOCKED alone, a second relay could publish a person's
# later event before the first relay's earlier one, breaking per-person order on the topic.
RELAY_LOCK_KEY = 0x6F7574626F78  # "outbox"

_TAKE_LOCK = text("SELECT pg_try_advisory_xact_lock(:key)")
_PENDING = text(
    f"SELECT id, topic, message_key, message_value, headers FROM {OUTBOX_TABLE} "  # noqa: S608
    "WHERE published_at IS NULL ORDER BY id LIMIT :limit FOR UPDATE SKIP LOCKED"
)
_MARK = text(f"UPDATE {OUTBOX_TABLE} SET published_at = now() WHERE id = ANY(:ids)")  # noqa: S608
_BACKLOG = text(f"SELECT count(*) FROM {OUTBOX_TABLE} WHERE published_at IS NULL")  # noqa: S608

_log = structlog.get_logger(__name__)


class OutboxRelay:
    def __init__(
        self,
        engine: AsyncEngine,
        producer: EventProducer,
        metrics: ServiceMetrics,
        *,
        batch_size: int = 500,
        poll_interval_seconds: float = 1.0,
    ) -> None:
        self._engine = engine
        self._producer = producer
        self._metrics = metrics
        self._batch_size = batch_size
        self._poll_interval = poll_interval_seconds
        self._wake_up = asyncio.Event()
        self.listening = asyncio.Event()

    async def publish_pending(self) -> int:
        """Publish one batch; returns how many rows were published (0 when another relay holds the lock)."""
        return await self._publish_batch() or 0

    async def _publish_batch(self) -> int | None:
        """How many rows one batch published; None when another relay holds the lock."""
        async with self._engine.begin() as connection:
            if not (await connection.execute(_TAKE_LOCK, {"key": RELAY_LOCK_KEY})).scalar_one():
                return None
            rows = (await connection.execute(_PENDING, {"limit": self._batch_size})).all()
            if not rows:
                return 0
            await self._producer.send_all(
                [
                    (row.topic, row.message_key, row.message_value, [(n, v.encode()) for n, v in row.headers])
                    for row in rows
                ]
            )
            await connection.execute(_MARK, {"ids": [row.id for row in rows]})
        self._metrics.outbox_published.inc(len(rows))
        return len(rows)

    async def backlog(self) -> int:
        async with self._engine.connect() as connection:
            return int((await connection.execute(_BACKLOG)).scalar_one())

    async def run(self) -> None:
        """Relay until cancelled: woken by NOTIFY on commit, and polling as a safety net."""
        listener = await self._listen()
        try:
            while True:
                try:
                    await self._publish_until_drained()
                except (OSError, asyncpg.PostgresError) as error:
                    _log.warning("outbox relay failed; retrying", error_class=type(error).__name__)
                except Exception as error:
                    _log.exception("outbox relay failed; retrying", error_class=type(error).__name__)
                await self._sleep_until_woken()
                if listener is None or listener.is_closed():
                    listener = await self._listen()
        finally:
            if listener is not None and not listener.is_closed():
                await listener.close()

    async def _publish_until_drained(self) -> None:
        published = await self._publish_batch()
        while published == self._batch_size:
            published = await self._publish_batch()
        # Fewer rows than a batch, taken under the lock: none was left pending in that snapshot, and
        # counting them again after every commit of a busy service cost a transaction each time.
        self._metrics.outbox_backlog.set(0 if published is not None else await self.backlog())

    async def _listen(self) -> asyncpg.Connection | None:
        try:
            connection = await asyncpg.connect(libpq_url(str(self._engine.url.render_as_string(False))))
            await connection.add_listener(OUTBOX_CHANNEL, lambda *_: self._wake_up.set())
        except (OSError, asyncpg.PostgresError) as error:
            self.listening.clear()
            _log.warning("outbox relay cannot listen; polling only", error_class=type(error).__name__)
            return None
        self.listening.set()
        return connection

    async def _sleep_until_woken(self) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake_up.wait(), timeout=self._poll_interval)
        self._wake_up.clear()

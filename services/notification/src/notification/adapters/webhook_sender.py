"""Sends one signed webhook attempt over HTTP and says what came of it; deciding what next is the domain's.

Each endpoint has its own semaphore and every request its own timeout, so a slow or hanging partner
only ever holds its own slots, never another partner's.
"""

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from uuid import UUID

import aiohttp

from notification.adapters.address_guard import AddressGuard, DestinationRefusedError
from notification.domain.delivery_decision import (
    Answered,
    AttemptOutcome,
    ConnectionFailed,
    DestinationRefused,
    TimedOut,
)
from notification.domain.webhooks import WebhookEndpoint, WebhookMessage, webhook_headers

USER_AGENT = "premiere-marche-notification/1"


def _now() -> datetime:
    return datetime.now(UTC)


class WebhookSender:
    def __init__(
        self,
        session: aiohttp.ClientSession,
        guard: AddressGuard,
        *,
        timeout_seconds: float,
        concurrency_per_endpoint: int,
        clock: Callable[[], datetime] = _now,
    ) -> None:
        self._session = session
        self._guard = guard
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        self._concurrency_per_endpoint = concurrency_per_endpoint
        self._clock = clock
        self._slots: dict[UUID, asyncio.Semaphore] = {}

    async def send(self, endpoint: WebhookEndpoint, message: WebhookMessage) -> AttemptOutcome:
        async with self._slots_of(endpoint.id):
            return await self._post(endpoint, message)

    def _slots_of(self, endpoint_id: UUID) -> asyncio.Semaphore:
        if endpoint_id not in self._slots:
            self._slots[endpoint_id] = asyncio.Semaphore(self._concurrency_per_endpoint)
        return self._slots[endpoint_id]

    async def _post(self, endpoint: WebhookEndpoint, message: WebhookMessage) -> AttemptOutcome:
        timestamp = int(self._clock().timestamp())
        headers = webhook_headers(message, timestamp, endpoint.secrets) | {"user-agent": USER_AGENT}
        try:
            self._guard.check_literal_host(endpoint.url)
            async with self._session.post(
                endpoint.url, data=message.body, headers=headers, timeout=self._timeout, allow_redirects=False
            ) as response:
                return Answered(response.status, response.headers.get("Retry-After"))
        except DestinationRefusedError as refused:
            return DestinationRefused(str(refused))
        except TimeoutError:
            return TimedOut()
        except aiohttp.ClientError as error:
            return ConnectionFailed(type(error).__name__)


@asynccontextmanager
async def open_webhook_sender(
    guard: AddressGuard,
    *,
    timeout_seconds: float,
    concurrency_per_endpoint: int,
    clock: Callable[[], datetime] = _now,
) -> AsyncIterator[WebhookSender]:
    """A sender that resolves names through the guard and ignores proxies set in the environment."""
    connector = aiohttp.TCPConnector(resolver=guard.resolver(), limit=0)
    async with aiohttp.ClientSession(connector=connector, trust_env=False) as session:
        yield WebhookSender(
            session,
            guard,
            timeout_seconds=timeout_seconds,
            concurrency_per_endpoint=concurrency_per_endpoint,
            clock=clock,
        )

"""The loop every dispatcher runs in every instance: a batch, then the next at once if the batch was full,
otherwise after an interval."""

import asyncio
from collections.abc import Awaitable, Callable

import structlog

_log = structlog.get_logger(__name__)


async def dispatch_forever(
    deliver_once: Callable[[], Awaitable[int]], *, interval_seconds: float, batch_size: int, channel: str
) -> None:
    # One interval first, so that starting up (and the first readiness probe) never waits on a batch.
    await asyncio.sleep(interval_seconds)
    while True:
        try:
            attempted = await deliver_once()
        except Exception:
            # The database may be away for a while; what was due is still due at the next interval.
            _log.exception("dispatch failed; retrying at the next interval", channel=channel)
        else:
            if attempted == batch_size:
                continue
        await asyncio.sleep(interval_seconds)

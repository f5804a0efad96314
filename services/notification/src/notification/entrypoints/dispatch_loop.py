"""The loop every dispatcher runs in every instance: a batch, then the next at once if the batch was full,
otherwise after an interval."""

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

import structlog

_log = structlog.get_logger(__name__)


async def dispatch_forever(
    deliver_once: Callable[[], Awaitable[int]],
    *,
    interval_seconds: float,
    batch_size: int,
    channel: str,
    woken: asyncio.Event | None = None,
) -> None:
    """`woken`, when set, ends the wait before the next batch early."""
    woken = woken or asyncio.Event()
    # One interval (or a wake-up) first, so that starting up never waits on a batch.
    await _wait_for_a_turn(woken, interval_seconds)
    while True:
        try:
            attempted = await deliver_once()
        except Exception:
            # The database may be away for a while; what was due is still due at the next interval.
            _log.exception("dispatch failed; retrying at the next interval", channel=channel)
        else:
            if attempted == batch_size:
                continue
        await _wait_for_a_turn(woken, interval_seconds)


async def _wait_for_a_turn(woken: asyncio.Event, interval_seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(woken.wait(), interval_seconds)
    woken.clear()
